// The virtualised table (its cells: cells.ts): a sticky header, a spacer as tall as all rows, and only the
// visible rows (+ overscan) in the DOM, absolutely positioned at index * rowHeight.
// Rows are rebuilt from the data on every paint; ~30 rows of a few cells is cheap.

import { formatNum } from "../util/format";
import { configLabel, isLoaded, scoresOf, statusOf, walkWide, type Results, type Sweep } from "../model/model";
import { columnsFor, type Column } from "./columns";
import { dequantise, stripAxis, type StripAxis } from "../plots/stripplot";
import type { SortSpec } from "../model/sort";
import { fillCell, type CellContext } from "./cells";
import { indexOf, morphInto, revealScrollTop, visibleRange } from "../util/virtual";
import { Memo } from "../util/memo";
import type { View } from "../model/view";


export const ROW_HEIGHT = 26;
const DEFAULT_VIEWPORT = 420;

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
  /** The pointer is over row `config` (-1: over none): inspect it without moving. */
  onHover?(config: number): void;
  /**
   * Positions `start` to `end` of the order are shown and some of their rows are not here yet
   * (a windowed sweep): ask the kernel for them. Called on every paint that shows one.
   */
  onMissing?(start: number, end: number): void;
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
  /** The position to focus once its row comes from the kernel (-1: none). */
  private focusAt = -1;
  private hovered = -1;
  private estimand = "";
  private axis: StripAxis = { lo: 1, hi: 65535 };
  private axisOrder: Int32Array | null = null;
  /** Rendered rows by config id, all built from the current `data`. */
  private rows = new Map<number, HTMLElement>();
  /** Rows whose data changed: re-rendered into the same element if still visible. */
  private stale = new Map<number, HTMLElement>();
  private frame = 0;
  private readonly uid = Math.random().toString(36).slice(2, 8);
  /**
   * The viewport's height and scroll position as last measured (a ResizeObserver, scroll
   * events): reading them live after a click's DOM changes would force a layout of the whole
   * page before the frame's own. A new viewport is at the top, and moves only by scroll events
   * and reveal(), which both record where. Height NaN: not measured yet (read live).
   */
  private viewportHeight = NaN;
  private scrollTop = 0;
  private readonly resize: ResizeObserver | null;
  private headerKey = "";
  /** The compact column order (a narrow widget; see columnsFor). */
  private compact = false;
  /** The rows are decided walk-wide (p against an online level, not p adj). */
  private walk = false;

  constructor(doc: Document, private readonly handlers: GridHandlers) {
    this.doc = doc;
    this.cells = {
      doc,
      compact: () => this.compact,
      axis: () => this.axis,
      onSelect: (config, mode) => this.handlers.onSelect(config, mode),
    };
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

    const RO = doc.defaultView?.ResizeObserver;
    this.resize = RO
      ? new RO((entries) => {
          const height = entries[entries.length - 1].contentRect.height;
          if (height === this.viewportHeight) return;
          this.viewportHeight = height;
          this.paint();
        })
      : null;
    this.resize?.observe(this.viewport);
    this.viewport.addEventListener("scroll", this.onScroll, { passive: true });
    this.body.addEventListener("click", this.onClick);
    this.body.addEventListener("mousedown", this.onMouseDown);
    this.body.addEventListener("mouseover", this.onMouseOver);
    this.body.addEventListener("mouseleave", this.onMouseLeave);
    this.viewport.addEventListener("keydown", this.onKeyDown);
    this.header.addEventListener("click", this.onHeaderClick);
  }

  private readonly memo = new Memo();
  /** What the cells read besides their row: the grid's layout, strip axis and selection handler. */
  private readonly cells: CellContext;


  /** Draw the view's rows (nothing to do while its sweep, results, rows, selection and sort are the same). */
  update(view: View): void {
    const { sweep, results, order, selected, sort, rows_version } = view;
    if (!sweep || !this.memo.changed([sweep, results, order, selected, sort, rows_version])) return;
    this.setData({ sweep, results, order, selected: new Set(selected), sort });
  }

  /** New data (sweep, results, order, selection): rebuild header if needed and repaint. */
  setData(data: GridData): void {
    const estimand = data.results?.estimand ?? "";
    const walk = walkWide(data.results);
    const newSweep = !this.data || this.data.sweep !== data.sweep || estimand !== this.estimand || walk !== this.walk;
    this.data = data;
    if (newSweep) {
      this.focusAt = -1;
      this.estimand = estimand;
      this.walk = walk;
      this.layColumns();
    }
    if (newSweep || data.order !== this.axisOrder) {
      const sweep = data.sweep;
      this.axis = stripAxis((c) => (isLoaded(sweep, c) ? scoresOf(sweep, c) : null), data.order);
      this.axisOrder = data.order;
    }
    const headerKey = `${newSweep}|${data.sort?.column}|${data.sort?.dir}|${this.axis.lo}|${this.axis.hi}`;
    if (newSweep || headerKey !== this.headerKey) this.renderHeader();
    this.headerKey = headerKey;
    this.invalidate();
    this.body.style.height = `${data.order.length * ROW_HEIGHT}px`;
    // shrink to fit short tables; header row + rows + room for a horizontal scrollbar
    const fit = (data.order.length + 1) * ROW_HEIGHT + 20;
    this.viewport.style.height = `min(var(--sw-grid-height, ${DEFAULT_VIEWPORT}px), ${fit}px)`;
    this.viewport.setAttribute("aria-rowcount", String(data.order.length + 1));
    this.paint();
  }

  private layColumns(): void {
    if (!this.data) return;
    this.columns = columnsFor(this.data.sweep, this.estimand, this.compact, this.walk);
    this.viewport.style.setProperty("--sw-cols", this.columns.map((c) => c.width).join(" "));
    this.viewport.dataset.layout = this.compact ? "compact" : "wide";
  }

  /**
   * Switch between the wide and the compact column order (the widget's width decides; the
   * caller observes it). Rebuilds the header and the visible rows when it changes.
   */
  setCompact(compact: boolean): void {
    if (compact === this.compact) return;
    this.compact = compact;
    if (!this.data) return;
    this.layColumns();
    this.renderHeader();
    this.invalidate();
    this.paint();
  }

  get isCompact(): boolean {
    return this.compact;
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
    const vh = this.height();
    const hh = this.header.offsetHeight || ROW_HEIGHT;
    const top = this.viewport.scrollTop;
    const next = revealScrollTop(index, top, vh, ROW_HEIGHT, hh);
    if (next !== top) this.viewport.scrollTop = next;
    this.scrollTop = this.viewport.scrollTop;
  }

  /** The viewport's height: as last measured, else read now. */
  private height(): number {
    const h = Number.isNaN(this.viewportHeight) ? this.viewport.clientHeight : this.viewportHeight;
    return h || DEFAULT_VIEWPORT;
  }

  private renderHeader(): void {
    const sort = this.data?.sort ?? null;
    const cells = this.columns.map((c, i) => {
      const h = this.doc.createElement("div");
      h.className = `sw-cell sw-head ${c.cls}`;
      if (c.sticky) h.classList.add("sw-sticky");
      h.setAttribute("role", "columnheader");
      h.setAttribute("aria-colindex", String(i + 1));
      h.title = c.title;
      h.textContent = c.label;
      if (c.id !== "") {
        h.dataset.sort = c.id;
        if (c.id === "std" && this.data) {
          // the shared axis of the strip plots: its two ends under the column name
          const { score_min: lo, score_max: hi } = this.data.sweep;
          const a = formatNum(dequantise(this.axis.lo, lo, hi));
          const b = formatNum(dequantise(this.axis.hi, lo, hi));
          const axis = this.doc.createElement("span");
          axis.className = "sw-strip-head";
          for (const text of [a, b]) {
            const t = this.doc.createElement("span");
            t.textContent = text;
            axis.append(t);
          }
          h.replaceChildren(axis);
          h.title = `${c.title}; axis from ${a} to ${b}`;
        }
        const dir = sort && sort.column === c.id ? sort.dir : null;
        h.setAttribute("aria-sort", dir === "asc" ? "ascending" : dir === "desc" ? "descending" : "none");
        if (dir) h.dataset.sortDir = dir;
      }
      return h;
    });
    this.header.replaceChildren(...this.pin(cells));
  }

  private readonly onScroll = (): void => {
    this.scrollTop = this.viewport.scrollTop; // layout is up to date in a scroll event
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
    const vh = this.height();
    // a shorter table clamps the scroll position (its scroll event comes later): clamp here too
    const bottom = Math.max(0, (data.order.length + 1) * ROW_HEIGHT - vh);
    const top = Math.min(Number.isNaN(this.scrollTop) ? this.viewport.scrollTop : this.scrollTop, bottom);
    const { start, end } = visibleRange(top, vh, ROW_HEIGHT, data.order.length);
    const keep = new Map<number, HTMLElement>();
    const fresh: HTMLElement[] = [];
    let missing = false;
    for (let i = start; i < end; i++) {
      const config = data.order[i];
      if (!isLoaded(data.sweep, config)) {
        // a windowed sweep's row still to come: a placeholder, keyed below every config id
        missing = true;
        const key = -2 - i;
        const row = this.rows.get(key) ?? this.stale.get(key) ?? this.placeholder(i);
        if (!row.isConnected) fresh.push(row);
        keep.set(key, row);
        continue;
      }
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
    if (this.focusAt >= 0 && this.focusAt < data.order.length && data.order[this.focusAt] >= 0) {
      this.focused = data.order[this.focusAt];
      this.focusAt = -1;
      keep.get(this.focused)?.classList.add("sw-focused");
      this.handlers.onFocus(this.focused);
    }
    const focusedRow = keep.get(this.focused);
    if (focusedRow) this.viewport.setAttribute("aria-activedescendant", focusedRow.id);
    else this.viewport.removeAttribute("aria-activedescendant");
    if (missing) this.handlers.onMissing?.(start, end);
  }

  /** The row at position `index` while it comes from the kernel: says so, in words. */
  private placeholder(index: number): HTMLElement {
    const row = this.doc.createElement("div");
    row.className = "sw-row sw-data sw-loading";
    row.setAttribute("role", "row");
    row.setAttribute("aria-rowindex", String(index + 2));
    row.setAttribute("aria-busy", "true");
    row.dataset.loading = "true";
    row.style.top = `${index * ROW_HEIGHT}px`;
    const cell = this.doc.createElement("div");
    cell.className = "sw-cell sw-loading-cell";
    cell.setAttribute("role", "gridcell");
    cell.textContent = `row ${index + 1}: loading from the kernel…`;
    row.append(cell);
    return row;
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

    const at = (arr: Float64Array) => (ri >= 0 ? arr[ri] : NaN);
    const cells: HTMLElement[] = [];
    this.columns.forEach((col, k) => {
      const c = doc.createElement("div");
      c.className = `sw-cell ${col.cls}`;
      c.setAttribute("role", "gridcell");
      if (col.sticky) c.classList.add("sw-sticky");
      c.setAttribute("aria-colindex", String(k + 1));
      if (col.id) c.dataset.col = col.id;
      else if (col.kind === "varied") c.dataset.col = "varied";
      fillCell(c, col, { data, config, ri, status, varied, selected, row, at }, this.cells);
      cells.push(c);
    });
    row.append(...this.pin(cells));
    return row;
  }

  /**
   * The first cells (the sticky columns) in one sticky group spanning their columns (a subgrid):
   * one sticky box per row instead of one per cell, which the browser composites each frame
   * of a scroll (4 per row made scrolling 10k rows spend ~9 ms a frame in layerisation).
   */
  private pin(cells: HTMLElement[]): HTMLElement[] {
    const n = this.columns.findIndex((c) => !c.sticky);
    const k = n < 0 ? this.columns.length : n;
    if (k === 0) return cells;
    const group = this.doc.createElement("div");
    group.className = "sw-pinned";
    group.setAttribute("role", "presentation");
    group.style.gridColumn = `1 / span ${k}`;
    group.append(...cells.slice(0, k));
    return [group, ...cells.slice(k)];
  }

  private rowConfig(e: Event): number | null {
    const t = e.target as Element | null;
    const row = t?.closest?.("[data-config]") as HTMLElement | null;
    if (!row || !this.body.contains(row)) return null;
    return Number(row.dataset.config);
  }

  /** The row under the pointer (-1 when none). */
  get hoveredConfig(): number {
    return this.hovered;
  }

  private readonly onMouseOver = (e: MouseEvent): void => {
    const config = this.rowConfig(e) ?? -1;
    if (config === this.hovered) return;
    this.hovered = config;
    this.handlers.onHover?.(config);
  };

  private readonly onMouseLeave = (): void => {
    if (this.hovered < 0) return;
    this.hovered = -1;
    this.handlers.onHover?.(-1);
  };

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
    const page = Math.max(1, Math.floor(this.height() / ROW_HEIGHT) - 1);
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
      // a windowed sweep's row still coming (End on a million rows): focus it when it comes
      this.focusAt = this.focused < 0 ? idx : -1;
      this.reveal(idx);
      this.paint();
      this.handlers.onFocus(this.focused);
    }
  };

  dispose(): void {
    if (this.frame) this.doc.defaultView?.cancelAnimationFrame(this.frame);
    this.resize?.disconnect();
    this.viewport.removeEventListener("scroll", this.onScroll);
  }
}

export { POWER_GLYPH, UNREACHABLE_GLYPH } from "./cells";
