#!/usr/bin/env bash
# Set everything up (scripts/setup.sh) and open the demo notebook in JupyterLab.
# Extra arguments go to `jupyter lab` (e.g. --port=8899 --no-browser).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
extra=()
if [ "$(id -u)" -eq 0 ]; then extra+=(--allow-root); fi
exec .venv/bin/jupyter lab examples/demo.ipynb "${extra[@]}" "$@"
