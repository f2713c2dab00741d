// anywidget entry point: anywidget's own front-end extension loads this ES module in
// JupyterLab, Notebook 7 and VS Code; `render` returns its cleanup function.

import "./styles.css";
import "./grid.css";
import "./insights.css";
import "./panels.css";
import { mountApp } from "./app";
import type { AnyModel } from "./model/model";

function render({ model, el }: { model: AnyModel; el: HTMLElement }): () => void {
  return mountApp(model, el);
}

export default { render };
