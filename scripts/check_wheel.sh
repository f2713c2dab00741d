#!/usr/bin/env bash
# The wheel must ship the JS bundle (it is git-ignored, so hatch only includes it as a build
# artifact) and the demo data, and the installed package must load its widget from it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
.venv/bin/pip wheel . --no-deps -q -w "$out/dist"
wheel=$(ls "$out"/dist/sweepwalk-*.whl)
for member in sweepwalk/static/widget.js sweepwalk/static/widget.css \
  sweepwalk/datasets/demo_sweep.csv; do
  unzip -l "$wheel" "$member" >/dev/null || { echo "wheel lacks $member" >&2; exit 1; }
done
.venv/bin/pip install -q --no-deps --target "$out/site" "$wheel"
# Import from the installed copy (not the editable checkout) and build a widget on the demo.
PYTHONPATH="$out/site" .venv/bin/python - "$out/site" <<'PY'
import pathlib
import sys

import sweepwalk
from sweepwalk.datasets import DEMO, load_demo

site = pathlib.Path(sys.argv[1]).resolve()
assert pathlib.Path(sweepwalk.__file__).resolve().is_relative_to(site), sweepwalk.__file__
w = sweepwalk.explore(load_demo(), **DEMO)
esm = w._esm if isinstance(w._esm, str) else pathlib.Path(w._esm).read_text()
assert "bundle missing" not in esm and len(esm) > 10_000, "widget does not load the bundle"
print(f"wheel OK: {pathlib.Path(sys.argv[1]).name}, bundle {len(esm)} chars, {len(w.results)} rows")
PY
echo "wheel: $(basename "$wheel") contains static/widget.js and works after install"
