#!/usr/bin/env bash
# Install what the tests need (Python packages; Debian's chromium and CJK fonts for the
# browser tests and nginx for the replica test, when missing and we are root) and run every test: lint, unit, property,
# AppTest and Playwright browser tests. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements-dev.txt

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/sbin/nginx ] \
    || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium, CJK fonts and nginx for the browser and proxy tests..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk nginx >/dev/null
  else
    echo "WARNING: /usr/bin/chromium missing and not root: browser tests will be skipped." >&2
  fi
fi

.venv/bin/python -m ruff check .
.venv/bin/python -m pytest "$@"
