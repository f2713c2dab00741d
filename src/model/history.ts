// The walk's back/forward history and its breadcrumb. Python owns the list (it arrives in
// the results' state); the frontend only asks for cursor moves by writing `_history_index`
// alone: an explicit move, after which Python sets the target to the history's entry.

import { configLabel, type AnyModel, type Sweep } from "./model";

export interface HistoryMove {
  index: number;
  target: number;
}

/** The move `delta` steps along the history, or null at either end / for a bad cursor. */
export function stepHistory(history: readonly number[], index: number, delta: number): HistoryMove | null {
  return jumpHistory(history, index + delta, index);
}

/** The move to history position `to`, or null if it is out of range or already there. */
export function jumpHistory(history: readonly number[], to: number, from: number): HistoryMove | null {
  if (!Number.isInteger(to) || to < 0 || to >= history.length || to === from) return null;
  return { index: to, target: history[to] };
}

export function canGo(history: readonly number[], index: number, delta: number): boolean {
  return stepHistory(history, index, delta) !== null;
}

/** Ask the kernel for a move: `_history_index` alone (Python moves the target). */
export function applyMove(model: AnyModel, move: HistoryMove | null): boolean {
  if (!move) return false;
  model.set("_history_index", move.index);
  model.save_changes();
  return true;
}

/** Which history positions the breadcrumb shows: the last `max`, with a leading gap marker. */
export function breadcrumbWindow(length: number, index: number, max = 12): { start: number; end: number } {
  if (length <= max) return { start: 0, end: length };
  // keep the cursor visible: end at the cursor + a little forward context
  const end = Math.min(length, Math.max(index + 3, max));
  return { start: Math.max(0, end - max), end };
}

/** Render the breadcrumb into `el` (replacing its content); clicking an item jumps there. */
export function renderBreadcrumb(
  el: HTMLElement,
  history: readonly number[],
  index: number,
  sweep: Sweep | null,
  onJump: (position: number) => void,
): void {
  const doc = el.ownerDocument;
  el.replaceChildren();
  const { start, end } = breadcrumbWindow(history.length, index);
  if (start > 0) {
    const gap = doc.createElement("span");
    gap.className = "sw-crumb-gap";
    gap.textContent = `… ${start} earlier`;
    el.append(gap);
  }
  for (let pos = start; pos < end; pos++) {
    if (pos > start) {
      const sep = doc.createElement("span");
      sep.className = "sw-crumb-sep";
      sep.setAttribute("aria-hidden", "true");
      sep.textContent = "›";
      el.append(sep);
    }
    const config = history[pos];
    const b = doc.createElement("button");
    b.type = "button";
    b.className = "sw-crumb";
    b.dataset.position = String(pos);
    b.dataset.crumbConfig = String(config); // not data-config: that marks data rows only
    b.textContent = `#${config}`;
    b.title = configLabel(sweep, config);
    if (pos === index) {
      b.classList.add("sw-crumb-current");
      b.setAttribute("aria-current", "step");
    }
    b.addEventListener("click", () => onJump(pos));
    el.append(b);
  }
  if (history.length === 0) {
    const empty = doc.createElement("span");
    empty.className = "sw-crumb-gap";
    empty.textContent = "no walk yet";
    el.append(empty);
  }
}
