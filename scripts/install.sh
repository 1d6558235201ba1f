#!/usr/bin/env bash
# Create .venv and install TRD Clinic into it (with test tools when given "test").
# On a Debian machine where we are root, also install the system libraries WeasyPrint needs and,
# for the test suite, Debian's Chromium (browser tests) and poppler-utils (PDF rendering tests).
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=${1:-}
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
[ -x /usr/bin/python3.11 ] && packages+=(python3.11-venv)  # venv for Debian's python3.11 (below)
[ "$want_test" = test ] && packages+=(chromium poppler-utils)

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  missing=()
  for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

# The interpreter: Debian's python3.11 where there is one, else python3. Debian builds it with
# profile-guided optimisation and LTO; a python3 compiled without --enable-optimizations (pyenv's
# default, this machine's python3) stages about 20 % slower (bench/staging.py, docs/decisions.md).
python=python3
if [ -x /usr/bin/python3.11 ] && /usr/bin/python3.11 -c "import ensurepip" 2>/dev/null; then
  python=/usr/bin/python3.11
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv
extras=""
[ "$want_test" = test ] && extras="[test]"
# (This machine's pip configuration names local mirrors that may be absent: drop that noise only.)
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}" \
  2> >(grep -v "^WARNING: Location .* is ignored" >&2)
