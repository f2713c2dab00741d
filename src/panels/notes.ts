// The comparison's notes in words (e.g. "nothing can be significant ..."), above the grid.

import { Memo } from "../util/memo";
import type { View } from "../model/view";

export class NotesPanel {
  readonly el: HTMLElement;
  private readonly memo = new Memo();

  constructor(private readonly doc: Document) {
    this.el = doc.createElement("div");
    this.el.className = "sw-notes";
    this.el.dataset.testid = "sw-notes";
    this.el.setAttribute("aria-live", "polite");
  }

  update(view: View): void {
    if (!this.memo.changed([view.results])) return;
    this.el.replaceChildren(
      ...(view.results?.notes ?? []).map((text) => {
        const line = this.doc.createElement("div");
        line.className = "sw-note";
        line.textContent = text;
        return line;
      }),
    );
  }
}
