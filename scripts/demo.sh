#!/usr/bin/env bash
# Set up what the demo needs (scripts/setup.sh --demo: the demo extra, no test tools) and open
# the demo notebook in JupyterLab.
# Extra arguments go to `jupyter lab` (e.g. --port=8899 --no-browser).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --demo
extra=()
if [ "$(id -u)" -eq 0 ]; then extra+=(--allow-root); fi
exec .venv/bin/jupyter lab examples/demo.ipynb "${extra[@]}" "$@"
