#!/usr/bin/env bash
# Install everything the tests need and run the whole suite. Extra arguments go to pytest.
# DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres runs it on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh test
exec .venv/bin/python -m pytest "$@"
