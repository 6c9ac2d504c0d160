#!/usr/bin/env bash
# Install what the app needs and start it on the bundled City W data.
# Open the address it prints (http://localhost:8501 by default).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements.txt
# The Overview's first screens, recorded once per change of code or data, so a new server's
# first visitor gets them without waiting for the model to load (dashboard/replay.py).
.venv/bin/python -m dashboard.replay 2>/dev/null || true
exec .venv/bin/python -m streamlit run serve.py "$@"
