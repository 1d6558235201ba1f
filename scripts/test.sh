#!/usr/bin/env bash
# Install everything the tests need and run the whole suite. Extra arguments go to pytest.
# DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres runs it on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh test
# The suite runs in development mode (tests/settings.py sets the same default).
export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
exec .venv/bin/python -m pytest "$@"
