// The widget's state, on the model side of the panels: it decodes the traits, asks the results
// gate which results may be shown (gate.ts, with the results computed ahead: ahead.ts), keeps
// the view's own choices (scope, legend filter, sort, the selection's anchor), routes the
// kernel's messages (router.ts) and turns user actions into trait writes. `read()` gives the
// panels one View per paint.

import { AheadResults } from "./ahead";
import { ResultsGate } from "./gate";
import { applyMove, jumpHistory, stepHistory } from "./history";
import { decodeSweep, isLoaded, mergeSweepRows, type AnyModel, type RawSweepRows, type Status, type Sweep, type WidgetTraits } from "./model";
import { Requester } from "./requests";
import { MessageRouter } from "./router";
import { rowOrder, statusCounts } from "./rows";
import { requestWindow, type RowWindow } from "./window";
import { sameState } from "./state";
import { nextSort, type SortDir, type SortSpec } from "./sort";
import type { Scope, View } from "./view";
import { appendRows, type Results } from "./results";
import { Memo } from "../util/memo";

/**
 * A performance mark on the click path (`sweepwalk:target-sent`, `sweepwalk:results-received`,
 * `sweepwalk:results-painted`): benchmarks/bench_click.py breaks a click's time down with them.
 */
export function mark(name: string): void {
  globalThis.performance?.mark?.(`sweepwalk:${name}`);
}

/** The traits whose change repaints the widget. */
export const WATCHED: ReadonlyArray<keyof WidgetTraits> = [
  "target", "test", "correction", "alpha", "against", "neighbors", "selected", "_history_index",
  "_sweep", "_results", "_error", "error_control", "_ledger", "_walk", "_progress",
];

/** How the grid's columns sort (panels/columns.ts knows them). */
export interface SortRules {
  key(sweep: Sweep, results: Results | null, column: string): (config: number) => number;
  firstDir(sweep: Sweep, column: string): SortDir;
}

/** Rows per window request block, and the margin asked for around the rows shown. */
export const ROW_BLOCK = 100;
export const ROW_MARGIN = 150;
/** Most rows of one window request (the kernel's `MAX_WINDOW`). */
const MAX_WINDOW = 10_000;

/** A setting the controls write (a trait of the same name). */
export type SettingTrait = "test" | "correction" | "alpha" | "against" | "neighbors" | "error_control";

export class WidgetState {
  readonly router: MessageRouter;
  readonly requester: Requester;
  private readonly ahead: AheadResults;
  private readonly gate = new ResultsGate();
  private sweep: Sweep | null = null;
  private rawSweep: unknown = undefined;
  private scope: Scope = "compared";
  /** The "not compared" filter switched the view to all rows (undone when it is cleared). */
  private scopeForFilter = false;
  private filter: Status | null = null;
  private sort: SortSpec | null = null;
  private anchor = -1; // the last row toggled, for shift-click ranges
  private order: Int32Array = new Int32Array(0);
  private readonly orderMemo = new Memo();
  /**
   * A windowed sweep: the grid's rows come from the kernel (rows-requests) as it shows them.
   * `generation` counts the row orders asked for (a new sort, filter or results starts one:
   * older windows are dropped); `asked` holds the blocks of rows asked in this one.
   */
  private generation = 0;
  private readonly asked = new Set<number>();
  /** Positions of `order` still to come from the kernel (-1 there). */
  private remote = false;
  /** A window came from other results than those shown: ask again when the kernel's change. */
  private retry = false;
  /** Bumped whenever rows come (the grid repaints then). */
  private rowsVersion = 0;
  private rawResults: unknown = undefined;
  /** Partial results (a windowed sweep compared with many rows) with the windows' rows added. */
  private withRows: Results | null = null;
  /** Repaint (the app's): a window came. */
  onRows: () => void = () => {};
  constructor(private readonly model: AnyModel, private readonly rules: SortRules) {
    this.router = new MessageRouter(model);
    this.requester = new Requester(this.router);
    this.ahead = new AheadResults(model, this.router);
  }

  /**
   * Read the model into a View. `inspect` picks the row the detail describes from the rows
   * listed. Also says whether the sweep is new (panels drop their caches) and whether the
   * shown results changed.
   */
  read(inspect: (listed: (config: number) => boolean, target: number) => number): { view: View; newSweep: boolean; fresh: boolean } {
    const m = this.model;
    const raw = m.get("_sweep");
    const newSweep = raw !== this.rawSweep;
    if (newSweep) {
      this.rawSweep = raw;
      this.sweep = decodeSweep(raw);
      this.gate.reset();
      this.ahead.clear();
    }
    const sweep = this.sweep;
    const rawResults = m.get("_results");
    if (sweep?.windowed && rawResults !== this.rawResults) {
      // a windowed sweep's results bring the sweep columns of their rows
      this.rawResults = rawResults;
      const rows = (rawResults as { sweep_rows?: RawSweepRows } | null)?.sweep_rows;
      if (mergeSweepRows(sweep, rows) > 0) this.rowsVersion++;
      if (this.retry) {
        // windows were listed from other results than those shown (a click shown from the
        // results computed ahead, before the kernel had its own): the kernel's are here, ask again
        this.retry = false;
        this.rowsVersion++;
      }
    }
    const error = m.get("_error") ?? "";
    // the kernel could not answer the click: back to its last results
    if (error !== "" && this.gate.speculative) this.gate.dropAhead();
    const fresh = this.gate.update(m, sweep);
    const accepted = this.gate.accepted;
    const { history, cursor } = this.walkState();
    if (sweep) this.updateOrder(sweep, accepted);
    // partial results show the rows the windows brought too (the same comparison's)
    if (!accepted?.partial || this.withRows?.state !== accepted.state) this.withRows = accepted;
    const results = this.withRows;
    const target = results?.target ?? m.get("target");
    const order = this.order;
    const listed = (c: number) => c >= 0 && order.indexOf(c) >= 0;
    const view: View = {
      sweep,
      results,
      target,
      test: m.get("test"),
      correction: m.get("correction"),
      alpha: m.get("alpha"),
      against: m.get("against"),
      neighbors: m.get("neighbors"),
      error_control: m.get("error_control"),
      selected: m.get("selected") ?? [],
      history,
      cursor,
      walk: m.get("_walk"),
      ledger: m.get("_ledger"),
      progress: m.get("_progress") ?? -1,
      error,
      busy: sweep !== null && this.gate.pending(m, sweep) && error === "",
      scope: this.scope,
      filter: this.filter,
      sort: this.sort,
      order,
      rows_version: this.rowsVersion,
      inspected: sweep ? inspect(listed, target) : -1,
    };
    return { view, newSweep, fresh };
  }

  /** The rows listed; the all-rows view in sweep order keeps its array when the results change. */
  private updateOrder(sweep: Sweep, results: Results | null): void {
    // (and with it the strip-plot axis) so that a click costs no O(n) work there
    const partial = results?.partial ?? null;
    const dependsOnResults = this.scope === "compared" || this.sort !== null || this.filter !== null || partial !== null;
    const parts = [sweep, dependsOnResults ? results : null, this.scope, this.sort, this.filter];
    if (!this.orderMemo.changed(parts)) return;
    this.generation++;
    this.asked.clear();
    const view = { scope: this.scope, filter: this.filter, sort: this.sort };
    // a windowed sweep holds the compared rows (their results bring them, unless there are too
    // many: partial results) and knows the all-rows view in sweep order; the kernel lists
    // every other view
    this.remote = sweep.windowed && (partial !== null || (this.scope === "all" && (this.sort !== null || this.filter !== null)));
    if (this.remote) {
      const compared = partial ? partial.total : (results?.rows.length ?? 0);
      const all = this.scope === "all" ? sweep.n_configs : compared;
      const total = this.filter === null ? all : (statusCounts(sweep, results)[this.filter] ?? 0);
      this.order = new Int32Array(total).fill(-1);
      return;
    }
    const key = (column: string) => this.rules.key(sweep, results, column);
    this.order = rowOrder(sweep, results, view, key);
  }

  /**
   * The grid shows positions `start` to `end` of the order: ask the kernel for the rows among
   * them (and a margin) that are not here yet, in blocks; each reply repaints (`onRows`).
   */
  needRows(start: number, end: number): void {
    const sweep = this.sweep;
    if (!sweep?.windowed) return;
    const first = Math.max(0, Math.floor((start - ROW_MARGIN) / ROW_BLOCK));
    const last = Math.floor((Math.min(this.order.length, end + ROW_MARGIN) - 1) / ROW_BLOCK);
    let from = -1;
    for (let b = first; b <= last + 1; b++) {
      const wanted = b <= last && !this.asked.has(b) && this.blockMissing(sweep, b);
      if (wanted && from < 0) from = b;
      if (!wanted && from >= 0) {
        this.fetchBlocks(sweep, from, b);
        from = -1;
      }
    }
  }

  private blockMissing(sweep: Sweep, block: number): boolean {
    const end = Math.min(this.order.length, (block + 1) * ROW_BLOCK);
    for (let i = block * ROW_BLOCK; i < end; i++) if (!isLoaded(sweep, this.order[i])) return true;
    return false;
  }

  /** Ask for blocks [from, to) of the current order; the reply fills the order and the sweep. */
  private fetchBlocks(sweep: Sweep, from: number, to: number): void {
    for (let b = from; b < to; b++) this.asked.add(b);
    const generation = this.generation;
    const results = this.gate.accepted;
    const view = { scope: this.scope, filter: this.filter, sort: this.sort };
    const offset = from * ROW_BLOCK;
    requestWindow(this.requester, sweep, view, offset, (to - from) * ROW_BLOCK)
      .then((win) => {
        if (!win || sweep !== this.sweep) return;
        let changed = mergeSweepRows(sweep, win.sweep_rows) > 0;
        const current = generation === this.generation && this.sameResults(win, results);
        if (current && results?.partial && this.withRows?.state === results.state) {
          this.withRows = appendRows(this.withRows, win.results, sweep);
          changed = true;
        }
        if (generation === this.generation && !current) {
          for (let b = from; b < to; b++) this.asked.delete(b);
          this.retry = true;
        }
        if (current && this.remote) {
          const order = this.order.slice();
          order.set(win.order.subarray(0, Math.max(0, order.length - win.offset)), win.offset);
          this.order = order;
          changed = true;
        }
        if (changed) {
          this.rowsVersion++;
          this.onRows();
        }
      })
      .catch(() => {
        // (a cancelled or failed request: the rows stay "loading" until the view changes)
      });
  }

  /** Was the window listed from the results shown (else the kernel has moved on)? */
  private sameResults(win: RowWindow, results: Results | null): boolean {
    return results !== null && this.sweep !== null && sameState(win.results.state, results.state, this.sweep.settings);
  }

  /**
   * The history of the shown results (Python's) and the cursor: the model's, which is the
   * move last asked for until Python's answer (so two quick "back"s go back two steps).
   */
  walkState(): { history: readonly number[]; cursor: number } {
    const state = this.gate.accepted?.state;
    if (!state) return { history: [], cursor: -1 };
    if (this.gate.speculative) return { history: state.history, cursor: state.cursor };
    return { history: state.history, cursor: this.model.get("_history_index") ?? state.cursor };
  }

  /** A step back (-1) or forward (+1) along the history; false at either end. */
  step(delta: number): boolean {
    const { history, cursor } = this.walkState();
    return applyMove(this.model, stepHistory(history, cursor, delta));
  }

  /** Move to history position `position` (a breadcrumb or walk-player click). */
  jump(position: number): boolean {
    const { history, cursor } = this.walkState();
    return applyMove(this.model, jumpHistory(history, position, cursor));
  }

  /** Make `config` the target; shows the results computed ahead for it at once, if any. */
  setTarget(config: number, ahead = true): void {
    if (config === this.model.get("target")) return;
    const early = ahead ? this.ahead.take(config, this.gate.accepted, this.sweep) : null;
    this.model.set("target", config);
    this.model.save_changes();
    if (!ahead) return;
    mark("target-sent");
    if (early) {
      this.gate.showAhead(early);
      mark("results-ahead");
    }
  }

  setSetting(name: SettingTrait, value: string | number): void {
    this.model.set(name, value as never);
    this.model.save_changes();
  }

  /** The user's choice of rows: kept when a legend filter is cleared. */
  setScope(scope: Scope): void {
    this.scope = scope;
    this.scopeForFilter = false;
  }

  /** The legend's filter: `status` only, or every row again when it is clicked twice. */
  toggleFilter(status: Status): void {
    this.filter = this.filter === status ? null : status;
    // rows not compared are listed only in the all-rows view: show them there, and go back to
    // the compared rows when the filter is cleared or changed, unless the user chose a view since
    if (this.filter === "out" && this.scope === "compared") {
      this.scope = "all";
      this.scopeForFilter = true;
    } else if (this.filter !== "out" && this.scopeForFilter) {
      this.scope = "compared";
      this.scopeForFilter = false;
    }
  }

  sortBy(column: string): void {
    const dir = this.sweep ? this.rules.firstDir(this.sweep, column) : "asc";
    this.sort = nextSort(this.sort, column, dir);
  }

  /**
   * Toggle `config` in the selection, or (`range`) add the rows from the last toggled one. A
   * windowed order whose range has rows still to come asks the kernel for them first (their
   * ids only); `done` is called once the selection is written.
   */
  select(config: number, mode: "toggle" | "range", done: () => void = () => {}): void {
    const current = new Set(this.model.get("selected") ?? []);
    const order = this.order;
    if (mode === "range" && this.anchor >= 0) {
      const a = order.indexOf(this.anchor);
      const b = order.indexOf(config);
      if (a >= 0 && b >= 0) {
        const [lo, hi] = [Math.min(a, b), Math.max(a, b)];
        if (order.subarray(lo, hi + 1).includes(-1)) {
          void this.fillOrder(lo, hi + 1).then((ok) => {
            if (ok) this.select(config, mode, done);
          });
          return;
        }
        for (let i = lo; i <= hi; i++) current.add(order[i]);
      } else current.add(config);
    } else if (current.has(config)) current.delete(config);
    else current.add(config);
    this.anchor = config;
    this.model.set("selected", [...current].sort((x, y) => x - y));
    this.model.save_changes();
    done();
  }

  /** Fill positions [start, end) of a windowed order (ids only); false if the view changed. */
  private async fillOrder(start: number, end: number): Promise<boolean> {
    const sweep = this.sweep;
    const generation = this.generation;
    const results = this.gate.accepted;
    if (!sweep) return false;
    const view = { scope: this.scope, filter: this.filter, sort: this.sort };
    for (let offset = start; offset < end; offset += MAX_WINDOW) {
      const limit = Math.min(MAX_WINDOW, end - offset);
      const win = await requestWindow(this.requester, sweep, view, offset, limit, false);
      if (!win || generation !== this.generation || !this.sameResults(win, results)) return false;
      const order = this.order.slice();
      order.set(win.order.subarray(0, Math.max(0, order.length - win.offset)), win.offset);
      this.order = order;
    }
    return true;
  }

  dispose(): void {
    this.ahead.dispose();
    this.requester.dispose();
    this.router.dispose();
  }
}
