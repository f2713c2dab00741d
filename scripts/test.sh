#!/usr/bin/env bash
# Placeholder until the full pipeline lands: engine tests only.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q -e ".[test]"
.venv/bin/python -m pytest
