// The virtualised table: a sticky header, a spacer as tall as all rows, and only the
// visible rows (+ overscan) in the DOM, absolutely positioned at index * rowHeight.
// Rows are rebuilt from the data on every paint; ~30 rows of a few cells is cheap.

import { formatEffect, formatInt, formatMeanStd, formatNum, formatP } from "./format";
import { OUT, configLabel, labels, paramLabel, statusOf, type Results, type Sweep } from "./model";
import { dequantise, renderStrip, stripAxis, type StripAxis } from "./stripplot";
import { STATUS_GLYPHS } from "./controls";
import type { SortSpec } from "./sort";
import { isUnderpowered } from "./insights";

/** Marks an underpowered `ns` row (with a tooltip and `data-underpowered="true"`). */
export const POWER_GLYPH = "◔";

export const ROW_HEIGHT = 26;
const DEFAULT_VIEWPORT = 420;

/** Rows [start, end) to render for a scroll position, with `overscan` extra on each side. */
export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan = 6,
): { start: number; end: number } {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, scrollTop);
  const first = Math.floor(top / rowHeight);
  const last = Math.ceil((top + Math.max(0, viewportHeight)) / rowHeight);
  const start = Math.min(count, Math.max(0, first - overscan));
  const end = Math.min(count, Math.max(start, last + overscan));
  return { start, end };
}

/** The scrollTop that brings row `index` fully into view (unchanged if it already is). */
export function revealScrollTop(
  index: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  headerHeight = 0,
): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  const visibleTop = scrollTop;
  const visibleBottom = scrollTop + Math.max(rowHeight, viewportHeight - headerHeight);
  if (top < visibleTop) return top;
  if (bottom > visibleBottom) return bottom - Math.max(rowHeight, viewportHeight - headerHeight);
  return scrollTop;
}

export interface GridData {
  sweep: Sweep;
  results: Results | null;
  order: Int32Array;
  selected: Set<number>;
  sort: SortSpec | null;
}

export interface GridHandlers {
  onTarget(config: number): void;
  onSelect(config: number, mode: "toggle" | "range"): void;
  onFocus(config: number): void;
  onSort(column: string): void;
}

interface Column {
  id: string;
  label: string;
  title: string;
  width: string;
  cls: string;
}


/** Numeric sort key of `config` in `column` (NaN = missing, sorts last). */
export function sortKey(sweep: Sweep, results: Results | null, column: string): (config: number) => number {
  const fromResults = (arr: keyof Pick<Results, "pvalue" | "pvalue_adj" | "effect" | "diff_mean">) => (c: number) => {
    const i = results ? results.index[c] : -1;
    return i >= 0 && results ? results[arr][i] : NaN;
  };
  if (column.startsWith("param:")) {
    const p = sweep.params[Number(column.slice(6))];
    return (c) => (p && p.codes[c] >= 0 ? p.codes[c] : NaN);
  }
  switch (column) {
    case "n":
      return (c) => sweep.n[c];
    case "mean":
      return (c) => sweep.mean[c];
    case "scores":
      return (c) => sweep.std[c];
    case "p":
      return fromResults("pvalue");
    case "p_adj":
      return fromResults("pvalue_adj");
    case "effect":
      return fromResults("effect");
    case "status": {
      // the vocabulary's order (target first), `out` last
      const rank = new Map([...sweep.statuses, OUT].map((s, i) => [s, i]));
      return (c) => rank.get(statusOf(results, c)) ?? NaN;
    }
    default:
      return (c) => c;
  }
}

function columnsFor(sweep: Sweep): Column[] {
  const cols: Column[] = [
    { id: "select", label: "", title: "select rows (ctrl/shift-click also selects)", width: "2em", cls: "sw-c-select" },
    { id: "status", label: "status", title: "decision at alpha after correction", width: "10ch", cls: "sw-c-status" },
  ];
  sweep.params.forEach((p, i) => {
    // long names are cut in the header (full name in its title); values decide the width
    let longest = Math.min(p.name.length, 9);
    for (let j = 0; j < Math.min(p.labels.length, 500); j++) longest = Math.max(longest, p.labels[j].length);
    cols.push({
      id: `param:${i}`,
      label: p.name,
      title: `parameter ${p.name}`,
      width: `${Math.min(24, Math.max(3, longest)) + 4}ch`, // + room for the varied marker and bold
      cls: "sw-c-param",
    });
  });
  cols.push(
    { id: "n", label: "n", title: "runs (seeds) with a finite score", width: "4ch", cls: "sw-c-num" },
    { id: "mean", label: "mean ± std", title: `${sweep.metric} (goal: ${sweep.goal})`, width: "15ch", cls: "sw-c-num" },
    { id: "scores", label: "scores", title: `per-seed ${sweep.metric} of each row on one shared axis (the bar is the mean); sorts by std`, width: "120px", cls: "sw-c-strip" },
    { id: "p", label: "p", title: "p-value of the test against the target", width: "8ch", cls: "sw-c-num" },
    { id: "p_adj", label: "p adj", title: "p-value adjusted for the comparisons with this target", width: "8ch", cls: "sw-c-num" },
    { id: "effect", label: "A12", title: "Vargha-Delaney A12: P(row beats target), 0.5 = no effect", width: "6ch", cls: "sw-c-num" },
  );
  return cols;
}

export class Grid {
  readonly el: HTMLElement;
  private readonly doc: Document;
  private readonly header: HTMLElement;
  private readonly body: HTMLElement;
  private readonly viewport: HTMLElement;
  private columns: Column[] = [];
  private data: GridData | null = null;
  private focused = -1;
  private axis: StripAxis = { lo: 1, hi: 65535 };
  private axisOrder: Int32Array | null = null;
  /** Rendered rows by config id, all built from the current `data`. */
  private rows = new Map<number, HTMLElement>();
  /** Rows whose data changed: re-rendered into the same element if still visible. */
  private stale = new Map<number, HTMLElement>();
  private frame = 0;
  private readonly uid = Math.random().toString(36).slice(2, 8);

  constructor(doc: Document, private readonly handlers: GridHandlers) {
    this.doc = doc;
    this.viewport = doc.createElement("div");
    this.viewport.className = "sw-viewport";
    this.viewport.tabIndex = 0;
    this.viewport.setAttribute("role", "grid");
    this.viewport.setAttribute("aria-label", "configurations");
    this.header = doc.createElement("div");
    this.header.className = "sw-row sw-header";
    this.header.setAttribute("role", "row");
    this.body = doc.createElement("div");
    this.body.className = "sw-body";
    this.body.setAttribute("role", "rowgroup");
    this.viewport.append(this.header, this.body);
    this.el = this.viewport;

    this.viewport.addEventListener("scroll", this.onScroll, { passive: true });
    this.body.addEventListener("click", this.onClick);
    this.body.addEventListener("mousedown", this.onMouseDown);
    this.viewport.addEventListener("keydown", this.onKeyDown);
    this.header.addEventListener("click", this.onHeaderClick);
  }

  /** New data (sweep, results, order, selection): rebuild header if needed and repaint. */
  setData(data: GridData): void {
    const newSweep = !this.data || this.data.sweep !== data.sweep;
    this.data = data;
    if (newSweep) {
      this.columns = columnsFor(data.sweep);
      this.viewport.style.setProperty("--sw-cols", this.columns.map((c) => c.width).join(" "));
    }
    if (newSweep || data.order !== this.axisOrder) {
      this.axis = stripAxis(data.sweep.scores, data.sweep.scores_k, data.order);
      this.axisOrder = data.order;
    }
    this.renderHeader();
    this.invalidate();
    this.body.style.height = `${data.order.length * ROW_HEIGHT}px`;
    // shrink to fit short tables; header row + rows + room for a horizontal scrollbar
    const fit = (data.order.length + 1) * ROW_HEIGHT + 20;
    this.viewport.style.height = `min(var(--sw-grid-height, ${DEFAULT_VIEWPORT}px), ${fit}px)`;
    this.viewport.setAttribute("aria-rowcount", String(data.order.length + 1));
    this.paint();
  }

  get focusedConfig(): number {
    return this.focused;
  }

  /** Focus `config` (keeps it across re-sorts); scrolls it into view when `reveal`. */
  setFocus(config: number, reveal = true): void {
    this.focused = config;
    if (reveal && this.data) {
      const idx = indexOf(this.data.order, config);
      if (idx >= 0) this.reveal(idx);
    }
    this.paint();
  }

  focusViewport(): void {
    this.viewport.focus({ preventScroll: true });
  }

  private reveal(index: number): void {
    const vh = this.viewport.clientHeight || DEFAULT_VIEWPORT;
    const hh = this.header.offsetHeight || ROW_HEIGHT;
    const next = revealScrollTop(index, this.viewport.scrollTop, vh, ROW_HEIGHT, hh);
    if (next !== this.viewport.scrollTop) this.viewport.scrollTop = next;
  }

  private renderHeader(): void {
    const sort = this.data?.sort ?? null;
    const cells = this.columns.map((c, i) => {
      const h = this.doc.createElement("div");
      h.className = `sw-cell sw-head ${c.cls}`;
      h.setAttribute("role", "columnheader");
      h.setAttribute("aria-colindex", String(i + 1));
      h.title = c.title;
      if (c.id !== "select") {
        h.dataset.sort = c.id;
        h.textContent = c.label;
        if (c.id === "scores" && this.data) {
          const { score_min: lo, score_max: hi } = this.data.sweep;
          const range = `${formatNum(dequantise(this.axis.lo, lo, hi), 3)} … ${formatNum(dequantise(this.axis.hi, lo, hi), 3)}`;
          h.textContent = range;
          h.title = `${c.title}; axis ${range}`;
        }
        const dir = sort && sort.column === c.id ? sort.dir : null;
        h.setAttribute("aria-sort", dir === "asc" ? "ascending" : dir === "desc" ? "descending" : "none");
        if (dir) h.dataset.sortDir = dir;
      }
      return h;
    });
    this.header.replaceChildren(...cells);
  }

  private readonly onScroll = (): void => {
    if (this.frame) return;
    const raf = this.doc.defaultView?.requestAnimationFrame;
    if (!raf) return this.paint();
    this.frame = raf(() => {
      this.frame = 0;
      this.paint();
    });
  };

  /**
   * Render the visible window. Rows already in the DOM for the same data are kept (a
   * scroll by a few rows creates only the rows that come into view).
   */
  paint(): void {
    const data = this.data;
    if (!data) return;
    const vh = this.viewport.clientHeight || DEFAULT_VIEWPORT;
    const { start, end } = visibleRange(this.viewport.scrollTop, vh, ROW_HEIGHT, data.order.length);
    const keep = new Map<number, HTMLElement>();
    const fresh: HTMLElement[] = [];
    for (let i = start; i < end; i++) {
      const config = data.order[i];
      let row = this.rows.get(config);
      if (!row) {
        row = this.renderRow(data, i, config);
        const old = this.stale.get(config);
        if (old) {
          // same element, new content: a repaint does not detach what a user points at
          morphInto(old, row);
          row = old;
        } else fresh.push(row);
      }
      row.classList.toggle("sw-focused", config === this.focused);
      keep.set(config, row);
    }
    for (const [config, row] of this.rows) if (!keep.has(config)) row.remove();
    for (const [config, row] of this.stale) if (!keep.has(config)) row.remove();
    const reused = this.stale.size > 0;
    this.stale.clear();
    if (fresh.length) this.body.append(...fresh);
    if (reused) {
      // DOM order = display order (screen readers, tab order): move the re-used rows into place
      const ordered = [...keep.values()];
      if (ordered.some((row, k) => this.body.children[k] !== row)) this.body.append(...ordered);
    }
    this.rows = keep;
    const focusedRow = keep.get(this.focused);
    if (focusedRow) this.viewport.setAttribute("aria-activedescendant", focusedRow.id);
    else this.viewport.removeAttribute("aria-activedescendant");
  }

  /** Mark every rendered row stale (the data they show changed); paint re-renders them. */
  private invalidate(): void {
    for (const [config, row] of this.rows) this.stale.set(config, row);
    this.rows.clear();
  }

  private renderRow(data: GridData, index: number, config: number): HTMLElement {
    const { sweep, results } = data;
    const doc = this.doc;
    const ri = results ? results.index[config] : -1;
    const status = statusOf(results, config);
    const row = doc.createElement("div");
    row.className = `sw-row sw-data sw-status-${status}`;
    row.id = `sw-${this.uid}-r${config}`;
    row.setAttribute("role", "row");
    row.setAttribute("aria-rowindex", String(index + 2));
    row.dataset.config = String(config);
    row.dataset.status = status;
    row.style.top = `${index * ROW_HEIGHT}px`;
    row.title = configLabel(sweep, config);
    const selected = data.selected.has(config);
    row.setAttribute("aria-selected", String(selected));
    if (selected) row.classList.add("sw-selected");
    const varied = ri >= 0 && results ? results.varied[ri] : -1;

    const cell = (cls: string, text?: string) => {
      const c = doc.createElement("div");
      c.className = `sw-cell ${cls}`;
      c.setAttribute("role", "gridcell");
      if (text !== undefined) c.textContent = text;
      row.append(c);
      return c;
    };

    const sel = cell("sw-c-select");
    const box = doc.createElement("input");
    box.type = "checkbox";
    box.checked = selected;
    box.tabIndex = -1;
    box.dataset.testid = "sw-row-select";
    box.setAttribute("aria-label", `select configuration ${config}`);
    box.addEventListener("click", (e) => {
      e.stopPropagation();
      this.handlers.onSelect(config, e.shiftKey ? "range" : "toggle");
    });
    sel.append(box);
    const st = cell("sw-c-status");
    if (status !== "out") {
      const g = doc.createElement("span");
      g.className = "sw-glyph";
      g.setAttribute("aria-hidden", "true");
      g.textContent = STATUS_GLYPHS[status] ?? "";
      const w = doc.createElement("span");
      w.textContent = status;
      st.append(g, w);
      st.title = labels(sweep, "status")[status] ?? status;
    }
    if (ri >= 0 && isUnderpowered(results, ri)) {
      row.dataset.underpowered = "true";
      const mark = doc.createElement("span");
      mark.className = "sw-power";
      mark.textContent = POWER_GLYPH;
      const mde = results ? results.mde[ri] : NaN;
      const seeds = results ? results.seeds_needed[ri] : NaN;
      mark.title = st.title =
        `underpowered: not significant, but with these seeds only a difference in means of ${formatNum(mde)} or more ` +
        `would be detected with 80% power (observed ${formatNum(Math.abs(results ? results.diff_mean[ri] : NaN))})` +
        (Number.isFinite(seeds) ? `; about ${Math.ceil(seeds)} seeds per configuration would detect it` : "");
      mark.setAttribute("aria-label", "underpowered");
      st.append(mark);
    }

    sweep.params.forEach((p, i) => {
      const c = cell("sw-c-param", paramLabel(p, config));
      if (i === varied) {
        c.classList.add("sw-varied");
        c.dataset.varied = "true";
        c.title = `${p.name} varies from the target`;
      }
    });
    const n = cell("sw-c-num", formatInt(sweep.n[config]));
    const miss = sweep.n_missing[config] ?? 0;
    if (miss > 0) {
      n.classList.add("sw-has-missing");
      n.title = `${miss} run(s) without a finite score`;
    }
    cell("sw-c-num", formatMeanStd(sweep.mean[config], sweep.std[config]));
    cell("sw-c-strip").append(renderStrip(doc, sweep, config, this.axis));
    const at = (arr: Float64Array) => (ri >= 0 ? arr[ri] : NaN);
    cell("sw-c-num", formatP(results ? at(results.pvalue) : NaN));
    cell("sw-c-num", formatP(results ? at(results.pvalue_adj) : NaN));
    cell("sw-c-num", formatEffect(results ? at(results.effect) : NaN));
    return row;
  }

  private rowConfig(e: Event): number | null {
    const t = e.target as Element | null;
    const row = t?.closest?.("[data-config]") as HTMLElement | null;
    if (!row || !this.body.contains(row)) return null;
    return Number(row.dataset.config);
  }

  private readonly onMouseDown = (e: MouseEvent): void => {
    // shift-click would otherwise select page text
    if (e.shiftKey) e.preventDefault();
  };

  private readonly onClick = (e: MouseEvent): void => {
    const config = this.rowConfig(e);
    if (config === null) return;
    const t = e.target as Element;
    if (t.closest("input, button, select, a, label, textarea")) return;
    this.focused = config;
    if (e.ctrlKey || e.metaKey) this.handlers.onSelect(config, "toggle");
    else if (e.shiftKey) this.handlers.onSelect(config, "range");
    else this.handlers.onTarget(config);
    this.handlers.onFocus(config);
    this.focusViewport();
    this.paint();
  };

  private readonly onHeaderClick = (e: MouseEvent): void => {
    const h = (e.target as Element).closest?.("[data-sort]") as HTMLElement | null;
    if (h?.dataset.sort) this.handlers.onSort(h.dataset.sort);
  };

  private readonly onKeyDown = (e: KeyboardEvent): void => {
    const data = this.data;
    if (!data || e.altKey || e.target !== this.viewport) return;
    const n = data.order.length;
    if (n === 0) return;
    let idx = indexOf(data.order, this.focused);
    const page = Math.max(1, Math.floor((this.viewport.clientHeight || DEFAULT_VIEWPORT) / ROW_HEIGHT) - 1);
    let move: number | null = null;
    switch (e.key) {
      case "ArrowDown":
        move = idx < 0 ? 0 : Math.min(n - 1, idx + 1);
        break;
      case "ArrowUp":
        move = idx < 0 ? 0 : Math.max(0, idx - 1);
        break;
      case "PageDown":
        move = Math.min(n - 1, Math.max(0, idx) + page);
        break;
      case "PageUp":
        move = Math.max(0, idx - page);
        break;
      case "Home":
        move = 0;
        break;
      case "End":
        move = n - 1;
        break;
      case "Enter":
        if (idx < 0) return;
        this.handlers.onTarget(this.focused);
        break;
      case " ":
        if (idx < 0) return;
        this.handlers.onSelect(this.focused, e.shiftKey ? "range" : "toggle");
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
    if (move !== null) {
      idx = move;
      this.focused = data.order[idx];
      this.reveal(idx);
      this.paint();
      this.handlers.onFocus(this.focused);
    }
  };

  dispose(): void {
    if (this.frame) this.doc.defaultView?.cancelAnimationFrame(this.frame);
    this.viewport.removeEventListener("scroll", this.onScroll);
  }
}

export function indexOf(order: Int32Array, config: number): number {
  return config < 0 ? -1 : order.indexOf(config);
}

/** Give `target` the attributes and children of `source` (a freshly rendered row). */
function morphInto(target: HTMLElement, source: HTMLElement): void {
  for (const name of target.getAttributeNames()) if (!source.hasAttribute(name)) target.removeAttribute(name);
  for (const name of source.getAttributeNames()) target.setAttribute(name, source.getAttribute(name)!);
  target.replaceChildren(...source.childNodes);
}
