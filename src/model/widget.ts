// The widget's state, on the model side of the panels: it decodes the traits, asks the results
// gate which results may be shown (gate.ts, with the results computed ahead: ahead.ts), keeps
// the view's own choices (scope, legend filter, sort, the selection's anchor), routes the
// kernel's messages (router.ts) and turns user actions into trait writes. `read()` gives the
// panels one View per paint.

import { AheadResults } from "./ahead";
import { ResultsGate } from "./gate";
import { applyMove, jumpHistory, stepHistory } from "./history";
import { decodeSweep, type AnyModel, type Status, type Sweep, type WidgetTraits } from "./model";
import { Requester } from "./requests";
import { MessageRouter } from "./router";
import { rowOrder } from "./rows";
import { nextSort, type SortDir, type SortSpec } from "./sort";
import type { Scope, View } from "./view";
import type { Results } from "./results";
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
    const error = m.get("_error") ?? "";
    // the kernel could not answer the click: back to its last results
    if (error !== "" && this.gate.speculative) this.gate.dropAhead();
    const fresh = this.gate.update(m, sweep);
    const results = this.gate.accepted;
    const { history, cursor } = this.walkState();
    if (sweep) this.updateOrder(sweep, results);
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
      inspected: sweep ? inspect(listed, target) : -1,
    };
    return { view, newSweep, fresh };
  }

  /** The rows listed; the all-rows view in sweep order keeps its array when the results change. */
  private updateOrder(sweep: Sweep, results: Results | null): void {
    // (and with it the strip-plot axis) so that a click costs no O(n) work there
    const dependsOnResults = this.scope === "compared" || this.sort !== null || this.filter !== null;
    const parts = [sweep, dependsOnResults ? results : null, this.scope, this.sort, this.filter];
    if (!this.orderMemo.changed(parts)) return;
    const key = (column: string) => this.rules.key(sweep, results, column);
    this.order = rowOrder(sweep, results, { scope: this.scope, filter: this.filter, sort: this.sort }, key);
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

  /** Toggle `config` in the selection, or (`range`) add the rows from the last toggled one. */
  select(config: number, mode: "toggle" | "range"): void {
    const current = new Set(this.model.get("selected") ?? []);
    const order = this.order;
    if (mode === "range" && this.anchor >= 0) {
      const a = order.indexOf(this.anchor);
      const b = order.indexOf(config);
      if (a >= 0 && b >= 0) {
        for (let i = Math.min(a, b); i <= Math.max(a, b); i++) current.add(order[i]);
      } else current.add(config);
    } else if (current.has(config)) current.delete(config);
    else current.add(config);
    this.anchor = config;
    this.model.set("selected", [...current].sort((x, y) => x - y));
    this.model.save_changes();
  }

  dispose(): void {
    this.ahead.dispose();
    this.requester.dispose();
    this.router.dispose();
  }
}
