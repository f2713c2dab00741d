// The walk's navigation bar: back and forward buttons, the breadcrumb of the walk's current
// branch, the busy indicator and the bar of a slow comparison's kernel job.

import { canGo, renderBreadcrumb } from "../model/history";
import { Memo } from "../util/memo";
import type { View } from "../model/view";

export interface NavHandlers {
  /** A step back (-1) or forward (+1) along the history. */
  step(delta: number): void;
  /** A breadcrumb click: move to history position `position`. */
  jump(position: number): void;
}

export class NavBar {
  readonly el: HTMLElement;
  private readonly back: HTMLButtonElement;
  private readonly forward: HTMLButtonElement;
  private readonly crumbs: HTMLElement;
  private readonly status: HTMLElement;
  private readonly memo = new Memo();
  private readonly crumbMemo = new Memo();

  constructor(private readonly doc: Document, private readonly handlers: NavHandlers, extra: HTMLElement[] = []) {
    this.el = doc.createElement("div");
    this.el.className = "sw-nav";
    this.back = this.button("◀", "back along the walk (Alt+←)", "sw-back", () => handlers.step(-1));
    this.forward = this.button("▶", "forward along the walk (Alt+→)", "sw-forward", () => handlers.step(+1));
    this.crumbs = doc.createElement("nav");
    this.crumbs.className = "sw-breadcrumb";
    this.crumbs.dataset.testid = "sw-breadcrumb";
    this.crumbs.setAttribute("aria-label", "walk history");
    this.status = doc.createElement("span");
    this.status.className = "sw-busy-indicator";
    this.status.setAttribute("aria-live", "polite");
    this.el.append(this.back, this.forward, this.crumbs, this.status, ...extra);
  }

  /** Show the history and cursor of the shown results; the breadcrumb is rebuilt only when they change. */
  update(view: View): void {
    const { history, cursor, sweep, busy } = view;
    if (!this.memo.changed([history, cursor, sweep, busy])) return;
    this.status.textContent = busy ? "computing…" : "";
    this.back.disabled = !canGo(history, cursor, -1);
    this.forward.disabled = !canGo(history, cursor, +1);
    if (!this.crumbMemo.changed([history, cursor, sweep])) return;
    renderBreadcrumb(this.crumbs, history, cursor, sweep, (pos) => this.handlers.jump(pos));
  }

  private button(text: string, title: string, testid: string, onClick: () => void): HTMLButtonElement {
    const b = this.doc.createElement("button");
    b.type = "button";
    b.className = "sw-nav-button";
    b.textContent = text;
    b.title = title;
    b.setAttribute("aria-label", title);
    b.dataset.testid = testid;
    b.addEventListener("click", onClick);
    return b;
  }
}
