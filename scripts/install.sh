#!/usr/bin/env bash
# Create .venv and install TRD Clinic into it (with test tools when given "test").
# On a Debian machine where we are root, also install the system libraries WeasyPrint needs and,
# for the test suite, Debian's Chromium (browser tests) and poppler-utils (PDF rendering tests).
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=${1:-}
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
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

[ -x .venv/bin/python ] || python3 -m venv .venv
extras=""
[ "$want_test" = test ] && extras="[test]"
# (This machine's pip configuration names local mirrors that may be absent: drop that noise only.)
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}" \
  2> >(grep -v "^WARNING: Location .* is ignored" >&2)
