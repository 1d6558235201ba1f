#!/usr/bin/env bash
# Install TRD Clinic, load the demo clinic into SQLite and serve it on http://127.0.0.1:8000/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
# Development mode: DJANGO_DEBUG is off unless set (production by default).
export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
.venv/bin/python manage.py migrate --verbosity 0
.venv/bin/python manage.py seed_demo
exec .venv/bin/python manage.py runserver "${TRD_DEMO_ADDRESS:-127.0.0.1:8000}"
