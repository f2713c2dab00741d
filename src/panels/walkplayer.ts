// "Walk from here" and the walk-wide ledger badge.
// The button asks the kernel for a greedy walk (`walk` message); Python lays the path out in
// the history after the cursor (the results' state) and describes it in `_walk`, in one
// state message sent before the (empty) reply. The player's previous/next buttons
// then move the history cursor along that path (the breadcrumb shows it), exactly as
// Alt+Left/Alt+Right do. The badge shows the rule in force and how many tests the walk made.

import { Memo } from "../util/memo";
import type { View } from "../model/view";
import { formatEffect, formatNum, formatP } from "../util/format";
import { asLedger, asWalk, ledgerSummary, walkPosition } from "../model/insights";
import { configLabel, type Sweep, type WalkInfo } from "../model/model";
import { JobBar } from "./jobs";
import { CancelledError, type Requester } from "../model/requests";

export interface WalkHandlers {
  /** Move the history cursor to `position` (false when impossible). */
  jump(position: number): void;
  /** The target the walk should start from. */
  target(): number;
}

export class WalkPlayer {
  readonly el: HTMLElement;
  private readonly start: HTMLButtonElement;
  private readonly prev: HTMLButtonElement;
  private readonly next: HTMLButtonElement;
  private readonly status: HTMLElement;
  private readonly path: HTMLElement;
  private readonly end: HTMLElement;
  /** The walk runs as a kernel job: progress and Cancel once it has run a moment. */
  readonly job: JobBar;
  private offset = -1;
  private step = -1;
  private length = 0;
  private busy = false;
  /** The arguments of the last draw(), to repaint the status when a walk request ends. */
  private last: Parameters<WalkPlayer["draw"]> | null = null;
  private readonly memo = new Memo();

  constructor(private readonly doc: Document, private readonly requester: Requester, private readonly handlers: WalkHandlers) {
    this.el = doc.createElement("div");
    this.el.className = "sw-walk";
    this.el.dataset.testid = "sw-walk-player";
    this.start = this.button("walk from here", "sw-walk", "greedy walk: keep moving to the significantly better neighbour with the largest effect", () => void this.walk());
    this.prev = this.button("◀ step", "sw-walk-prev", "previous step of the walk", () => this.go(-1));
    this.next = this.button("step ▶", "sw-walk-next", "next step of the walk", () => this.go(+1));
    this.status = doc.createElement("span");
    this.status.className = "sw-walk-status";
    this.status.dataset.testid = "sw-walk-status";
    this.status.setAttribute("aria-live", "polite");
    this.path = doc.createElement("span");
    this.path.className = "sw-walk-path";
    this.path.dataset.testid = "sw-walk-path";
    this.end = doc.createElement("div");
    this.end.className = "sw-walk-end";
    this.end.dataset.testid = "sw-walk-end";
    this.job = new JobBar(doc, requester, "walk");
    this.el.append(this.start, this.prev, this.next, this.status, this.job.el, this.path, this.end);
    this.prev.disabled = this.next.disabled = true;
  }

  private button(text: string, testid: string, title: string, onClick: () => void): HTMLButtonElement {
    const b = this.doc.createElement("button");
    b.type = "button";
    b.className = "sw-nav-button";
    b.textContent = text;
    b.title = title;
    b.dataset.testid = testid;
    b.addEventListener("click", onClick);
    return b;
  }

  private async walk(): Promise<void> {
    this.busy = true;
    this.start.disabled = true;
    this.status.textContent = "walking…";
    this.job.start(true, 500);
    try {
      await this.requester.request("walk", { start: this.handlers.target() }, {
        onProgress: (p) => this.job.progress(p),
      });
      this.job.finish("done");
      // `_walk` and the history arrive in the state message, before this reply: update() painted
      // them while busy (status untouched), so paint the status now
      this.busy = false;
      if (this.last) this.draw(...this.last);
    } catch (err) {
      // the status line says how it ended; the bar goes away
      this.job.finish("done");
      const how = err instanceof CancelledError ? "cancelled" : "failed";
      this.status.textContent = `walk ${how}: ${(err as Error).message}`;
    } finally {
      this.busy = false;
      this.start.disabled = false;
    }
  }

  private go(delta: number): void {
    const to = this.step + delta;
    if (this.offset < 0 || this.step < 0 || to < 0 || to >= this.length) return;
    this.handlers.jump(this.offset + to);
  }

  /** Show the view's walk and where the history cursor is on it (when they change). */
  update(view: View): void {
    const { walk, history, cursor, sweep } = view;
    if (this.memo.changed([walk, history, cursor, sweep])) this.draw(walk, history, cursor, sweep);
  }

  private draw(rawWalk: unknown, history: readonly number[], index: number, sweep: Sweep | null): void {
    this.last = [rawWalk, history, index, sweep];
    const walk = asWalk(rawWalk);
    const pos = walkPosition(walk, history, index);
    this.offset = walk && pos.onPath ? walk.offset : -1;
    this.step = pos.step;
    this.length = walk ? walk.path.length : 0;
    this.prev.disabled = pos.step <= 0;
    this.next.disabled = pos.step < 0 || pos.step >= pos.moves;
    this.el.dataset.step = String(pos.step);
    if (!walk) {
      if (!this.busy) this.status.textContent = "";
      this.path.replaceChildren();
      this.end.textContent = "";
      delete this.el.dataset.path;
      return;
    }
    this.end.textContent = walkEndText(walk);
    this.el.dataset.path = walk.path.join(",");
    if (!this.busy) {
      const where = !pos.onPath
        ? "left the walk (walk from here again)"
        : pos.step < 0
          ? "off the walk's path"
          : `step ${pos.step} of ${pos.moves}`;
      this.status.textContent = `walk of ${pos.moves} move${pos.moves === 1 ? "" : "s"} (${walk.stopped}): ${where}`;
    }
    this.path.replaceChildren(
      ...walk.path.map((config, k) => {
        const item = this.doc.createElement("button");
        item.type = "button";
        item.className = "sw-walk-item";
        item.dataset.walkConfig = String(config); // not data-config: that marks grid rows only
        item.dataset.walkStep = String(k);
        item.textContent = `#${config}`;
        const s = k > 0 ? walk.steps[k - 1] : null;
        item.title = s
          ? `${configLabel(sweep, config)}\n${s.varied ?? "?"} changed; p = ${formatP(s.pvalue)}, adjusted ${formatP(s.pvalue_adj)}, A12 = ${formatEffect(s.effect)}`
          : `${configLabel(sweep, config)} (start)`;
        if (k === pos.step) item.setAttribute("aria-current", "step");
        item.disabled = !pos.onPath;
        item.addEventListener("click", () => {
          if (pos.onPath) this.handlers.jump(walk.offset + k);
        });
        return item;
      }),
    );
  }
}

/**
 * What the walk's end is worth: the held-out seeds' estimate when the walk kept some, else the
 * warning that the end's own estimate is optimistic (it was chosen on these seeds), with the
 * walk's notes in words.
 */
export function walkEndText(walk: WalkInfo): string {
  const h = walk.holdout_estimate;
  const end = walk.path[walk.path.length - 1];
  let text: string;
  if (h && h.mean !== null) {
    const interval = h.low !== null && h.high !== null ? ` [${formatNum(h.low)}, ${formatNum(h.high)}]` : "";
    text = `end #${h.config}: held-out estimate ${formatNum(h.mean)}${interval} on ${h.n} fresh seed${h.n === 1 ? "" : "s"}`;
  } else {
    text = `end #${end}: estimate is optimistic: confirm with fresh seeds`;
  }
  const notes = (walk.notes ?? []).filter((n) => n.trim() !== "");
  return notes.length ? `${text}. ${notes.join(" ")}` : text;
}

/** The ledger badge (`data-testid="sw-ledger"`): the rule in force and the number of tests. */
export class LedgerBadge {
  readonly el: HTMLElement;
  private readonly text: HTMLElement;
  private readonly reason: HTMLElement;

  constructor(doc: Document) {
    this.el = doc.createElement("div");
    this.el.className = "sw-ledger";
    this.el.dataset.testid = "sw-ledger";
    this.text = doc.createElement("span");
    this.text.className = "sw-ledger-text";
    this.reason = doc.createElement("span");
    this.reason.className = "sw-ledger-reason";
    this.reason.dataset.testid = "sw-ledger-reason";
    this.el.append(this.text, this.reason);
  }

  private readonly memo = new Memo();

  update(view: View): void {
    if (!this.memo.changed([view.ledger])) return;
    const info = asLedger(view.ledger);
    const { text, title } = ledgerSummary(info);
    this.el.hidden = !info;
    this.text.textContent = text;
    this.el.title = title;
    this.el.dataset.tests = info ? String(info.n_tests) : "";
    this.el.dataset.rule = info ? info.error_control : "";
    this.reason.textContent = info && info.reason ? `(${info.reason})` : "";
  }
}
