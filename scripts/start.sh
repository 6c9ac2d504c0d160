#!/usr/bin/env bash
# Install what the app needs and start it on the bundled City W data.
# Open the address it prints (http://localhost:8501 by default).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements.txt
exec .venv/bin/python -m streamlit run serve.py "$@"
