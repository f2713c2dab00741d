"""The frontend the widget loads: the esbuild bundle, or a visible message when it is missing."""

from __future__ import annotations

import pathlib

__all__ = ["CSS", "ESM"]

STATIC = pathlib.Path(__file__).parent.parent / "static"
BUNDLE = STATIC / "widget.js"
CSS_FILE = STATIC / "widget.css"
# Shown instead of the grid when the esbuild bundle was never built (a source checkout without
# `pip install -e .`): a visible message rather than an import error, so the kernel side (and
# pytest) keeps working.
MISSING_BUNDLE_ESM = """
function render({ el }) {
  const box = document.createElement("div");
  box.className = "sweepwalk-missing-bundle";
  box.style.cssText = "padding:8px;border:1px solid #D55E00;color:#D55E00;font-family:sans-serif";
  box.textContent = "sweepwalk: the widget's frontend bundle (sweepwalk/static/widget.js) is "
    + "missing. Run `pip install -e .` (or `npm install && npm run build`) in the sweepwalk "
    + "checkout, then restart the kernel.";
  el.appendChild(box);
}
export default { render };
"""

#: the widget's ESM: the bundle's path, or the message when the bundle was never built
ESM: pathlib.Path | str = BUNDLE if BUNDLE.is_file() else MISSING_BUNDLE_ESM
#: the widget's stylesheet, when built
CSS: pathlib.Path | None = CSS_FILE if CSS_FILE.is_file() else None
