// The widget's controller: reads traits, asks the results gate (model/gate.ts) which results
// may be shown, and wires the toolbar, breadcrumb, grid and detail panel together.

import {
  decodeSweep,
  type AnyModel,
  type Results,
  type Status,
  type Sweep,
  type WidgetTraits,
} from "./model/model";
import { buildControls, type ControlName, type Controls, type Scope } from "./panels/controls";
import { Grid } from "./panels/grid";
import { DetailPanel } from "./panels/detail";
import { Requester } from "./model/requests";
import { applyMove, jumpHistory, stepHistory } from "./model/history";
import { NavBar } from "./panels/nav";
import { rowOrder, statusCounts } from "./model/rows";
import { nextSort, type SortSpec } from "./model/sort";
import { COMPACT_WIDTH, firstSortDir, sortKey } from "./panels/columns";
import { ImportancePanel } from "./panels/importance";
import { LedgerBadge, WalkPlayer } from "./panels/walkplayer";
import { ProfilePanel } from "./panels/profile";
import { JobBar, KernelJobs } from "./panels/jobs";
import { AheadResults } from "./model/ahead";
import { ResultsGate } from "./model/gate";

/**
 * A performance mark on the click path (`sweepwalk:target-sent`, `sweepwalk:results-received`,
 * `sweepwalk:results-painted`): benchmarks/bench_click.py breaks a click's time down with them.
 */
function mark(name: string): void {
  globalThis.performance?.mark?.(`sweepwalk:${name}`);
}

const WATCHED: Array<keyof WidgetTraits> = [
  "target",
  "test",
  "correction",
  "alpha",
  "against",
  "neighbors",
  "selected",
  "_history_index",
  "_sweep",
  "_results",
  "_error",
  "error_control",
  "_ledger",
  "_walk",
  "_progress",
];

export function mountApp(model: AnyModel, host: HTMLElement): () => void {
  const doc = host.ownerDocument;
  const root = doc.createElement("div");
  root.className = "sweepwalk";
  root.setAttribute("aria-busy", "false");
  // JupyterLab: key events inside the widget are ours (arrows, Enter, Space), not notebook
  // command-mode shortcuts (Enter = edit mode, "d d" = delete the cell).
  root.setAttribute("data-lm-suppress-shortcuts", "true");

  const error = doc.createElement("div");
  error.className = "sweepwalk-error";
  error.setAttribute("role", "alert");
  error.hidden = true;

  let scope: Scope = "compared";
  /** The "not compared" filter switched the view to all rows (undone when it is cleared). */
  let scopeForFilter = false;
  /** Show only the rows of this status (the legend's filter); null = every row. */
  let filter: Status | null = null;
  let sort: SortSpec | null = null;
  let sweep: Sweep | null = null;
  let anchor = -1; // last row toggled, for shift-click ranges
  let order: Int32Array = new Int32Array(0);
  const gate = new ResultsGate();
  const requester = new Requester(model);
  const ahead = new AheadResults(model);

  const controls: Controls = buildControls(doc, (name: ControlName, value) => {
    if (name === "scope") {
      scope = value === "all" ? "all" : "compared";
      scopeForFilter = false; // the user's own choice: kept when the filter is cleared
      refresh();
      return;
    }
    model.set(name, value as never);
    model.save_changes();
    refresh();
  }, (status) => {
    filter = filter === status ? null : status;
    // rows not compared are listed only in the all-rows view: show them there, and go back to
    // the compared rows when the filter is cleared or changed, unless the user chose a view since
    if (filter === "out" && scope === "compared") {
      scope = "all";
      scopeForFilter = true;
    } else if (filter !== "out" && scopeForFilter) {
      scope = "compared";
      scopeForFilter = false;
    }
    legendMemo = null;
    orderMemo = null;
    refresh();
  });

  // a slow comparison (e.g. a permutation test against all) runs as a kernel job: its bar
  const compareJob = new JobBar(doc, requester, "compare");
  const nav = new NavBar(
    doc,
    {
      step: (delta) => move(delta),
      jump(position, history, cursor) {
        if (applyMove(model, jumpHistory(history, position, cursor))) refresh();
      },
    },
    [compareJob.el],
  );

  const grid = new Grid(doc, {
    onTarget(config) {
      if (config !== model.get("target")) {
        const early = ahead.take(config, gate.accepted, sweep);
        model.set("target", config);
        model.save_changes();
        mark("target-sent");
        if (early) {
          gate.showAhead(early);
          mark("results-ahead");
        }
      }
      refresh();
    },
    onSelect(config, mode) {
      const current = new Set(model.get("selected") ?? []);
      if (mode === "range" && anchor >= 0) {
        const a = order.indexOf(anchor);
        const b = order.indexOf(config);
        if (a >= 0 && b >= 0) {
          for (let i = Math.min(a, b); i <= Math.max(a, b); i++) current.add(order[i]);
        } else current.add(config);
      } else if (current.has(config)) current.delete(config);
      else current.add(config);
      anchor = config;
      model.set("selected", [...current].sort((x, y) => x - y));
      model.save_changes();
      refresh();
    },
    onFocus() {
      updateDetail();
    },
    onHover() {
      updateDetail();
    },
    onSort(column) {
      sort = nextSort(sort, column, sweep ? firstSortDir(sweep, column) : "asc");
      refresh();
    },
  });
  const detail = new DetailPanel(doc, requester);
  const profile = new ProfilePanel(doc, {
    onTarget(config) {
      if (config !== model.get("target")) {
        model.set("target", config);
        model.save_changes();
      }
      refresh();
    },
  });
  const importance = new ImportancePanel(doc, requester);
  const player = new WalkPlayer(doc, requester, {
    jump(position) {
      const { history, cursor } = walkState();
      if (applyMove(model, jumpHistory(history, position, cursor))) refresh();
    },
    target: () => model.get("target"),
  });
  const ledger = new LedgerBadge(doc);
  const kernelJobs = new KernelJobs(model, { compare: compareJob });
  const insightsBar = doc.createElement("div");
  insightsBar.className = "sw-insights";
  insightsBar.append(player.el, ledger.el);

  const main = doc.createElement("div");
  main.className = "sw-main";
  main.append(grid.el, detail.el);
  const notes = doc.createElement("div");
  notes.className = "sw-notes";
  notes.dataset.testid = "sw-notes";
  notes.setAttribute("aria-live", "polite");
  root.append(error, controls.el, nav.el, insightsBar, controls.legend, notes, main, profile.el, importance.el);
  host.append(root);

  // The widget's own width decides the grid's columns, not the window's: an output in a side
  // panel, next to JupyterLab's file browser or in VS Code is narrower than the window.
  const RO = doc.defaultView?.ResizeObserver;
  const widthObserver = RO
    ? new RO((entries) => {
        const width = entries[entries.length - 1].contentRect.width;
        if (width <= 0) return; // not laid out (a hidden tab): keep the layout it had
        const compact = width < COMPACT_WIDTH;
        root.classList.toggle("sw-compact", compact);
        grid.setCompact(compact);
      })
    : null;
  widthObserver?.observe(root);

  /**
   * The history of the shown results (Python's) and the cursor: the model's, which is the
   * move last asked for until Python's answer (so two quick "back"s go back two steps).
   */
  function walkState(): { history: readonly number[]; cursor: number } {
    const state = gate.accepted?.state;
    if (!state) return { history: [], cursor: -1 };
    if (gate.speculative) return { history: state.history, cursor: state.cursor };
    return { history: state.history, cursor: model.get("_history_index") ?? state.cursor };
  }

  function move(delta: number): void {
    const { history, cursor } = walkState();
    if (applyMove(model, stepHistory(history, cursor, delta))) refresh();
  }

  const onKeyDown = (e: KeyboardEvent): void => {
    if (!e.altKey || e.ctrlKey || e.metaKey) return;
    const t = e.target as HTMLElement | null;
    if (t && t.closest("input[type=number], input[type=text], textarea, select")) return;
    if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      e.preventDefault();
      e.stopPropagation();
      move(e.key === "ArrowLeft" ? -1 : +1);
    }
  };
  root.addEventListener("keydown", onKeyDown);

  // Keys pressed inside the widget are the widget's. VS Code's notebook forwards every key that
  // bubbles up to `window` to the workbench, where `a`/`b` insert a cell and `dd`/Delete delete
  // it; only Tab and Shift+Tab go on, so focus can still leave the widget. The widget's own
  // handlers sit on the root or below it and have run by now.
  const keepKey = (e: Event): void => {
    if ((e as KeyboardEvent).key !== "Tab") e.stopPropagation();
  };
  const KEY_EVENTS = ["keydown", "keyup", "keypress"] as const;
  for (const type of KEY_EVENTS) root.addEventListener(type, keepKey);

  function updateDetail(): void {
    // the row under the pointer, else the focused one, else the target's own distribution;
    // a row no longer listed (after a walk step) is not described
    const target = gate.accepted?.target ?? model.get("target");
    const listed = (c: number) => c >= 0 && order.indexOf(c) >= 0;
    const hovered = grid.hoveredConfig;
    const focused = listed(hovered) ? hovered : listed(grid.focusedConfig) ? grid.focusedConfig : target;
    if (!sweep || focused < 0 || focused >= sweep.n_configs) return detail.show(null);
    detail.show({
      sweep,
      results: gate.accepted,
      config: focused,
      target,
      test: model.get("test"),
    });
  }

  let scheduled = false;
  let disposed = false;
  /** Coalesce the change events of one kernel message (several traits) into one paint. */
  function refresh(): void {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      if (!disposed) paint();
    });
  }

  let rawSweepSeen: unknown = undefined;
  let lastGrid: { sweep: Sweep; results: Results | null; order: Int32Array; selected: number[]; sort: SortSpec | null } | null = null;
  let importanceMemo: { sweep: Sweep; results: Results | null; test: string; alpha: number; neighbors: string } | null = null;
  let profileMemo: { sweep: Sweep; results: Results | null } | null = null;
  let legendMemo: { results: Results | null; sweep: Sweep } | null = null;
  let orderMemo: { results: Results | null; scope: Scope; sort: SortSpec | null; sweep: Sweep } | null = null;

  function paint(): void {
    const rawSweep = model.get("_sweep");
    if (rawSweep !== rawSweepSeen) {
      rawSweepSeen = rawSweep;
      sweep = decodeSweep(rawSweep);
      gate.reset();
      ahead.clear();
      detail.clear();
    }
    const err = model.get("_error") ?? "";
    // the kernel could not answer the click: back to its last results
    if (err !== "" && gate.speculative) gate.dropAhead();
    const fresh = gate.update(model, sweep);
    const results = gate.accepted;

    error.textContent = err;
    error.hidden = err === "";
    const busy = sweep !== null && gate.pending(model) && err === "";
    root.setAttribute("aria-busy", String(busy));
    root.classList.toggle("sw-busy", busy);

    controls.update(
      {
        test: model.get("test"),
        correction: model.get("correction"),
        alpha: model.get("alpha"),
        against: model.get("against"),
        neighbors: model.get("neighbors"),
        scope,
        error_control: model.get("error_control"),
      },
      sweep,
    );

    const { history, cursor: hIndex } = walkState();
    // every kernel message repaints: each panel rebuilds DOM only for what the message changed
    nav.update(history, hIndex, sweep, busy);
    player.update(model.get("_walk"), history, hIndex, sweep);
    ledger.update(model.get("_ledger"));
    importance.setProgress(model.get("_progress") ?? -1);

    if (!sweep) return;
    const m = orderMemo;
    // the all-rows view in sweep order does not depend on the results: keep the same array
    // (and with it the strip-plot axis) so a click costs no O(n) work there
    const dependsOnResults = scope === "compared" || sort !== null || filter !== null;
    if (!m || (dependsOnResults && m.results !== results) || m.scope !== scope || m.sort !== sort || m.sweep !== sweep) {
      const s = sweep;
      order = rowOrder(s, results, { scope, filter, sort }, (column) => sortKey(s, results, column));
      orderMemo = { results, scope, sort, sweep };
    }
    if (!legendMemo || legendMemo.results !== results || legendMemo.sweep !== sweep) {
      // O(rows compared): only when the shown results change, not on every kernel message
      controls.updateLegend(sweep, statusCounts(sweep, results), filter);
      legendMemo = { results, sweep };
    }
    const selected = model.get("selected") ?? [];
    const g = lastGrid;
    if (!g || g.sweep !== sweep || g.results !== results || g.order !== order || g.selected !== selected || g.sort !== sort) {
      grid.setData({ sweep, results, order, selected: new Set(selected), sort });
      lastGrid = { sweep, results, order, selected, sort };
    }
    updateDetail();
    if (!profileMemo || profileMemo.sweep !== sweep || profileMemo.results !== results) {
      profile.update(sweep, results, results ? results.target : model.get("target"));
      // the comparison's notes in words (e.g. "nothing can be significant ..."), above the grid
      notes.replaceChildren(
        ...(results?.notes ?? []).map((text) => {
          const line = doc.createElement("div");
          line.className = "sw-note";
          line.textContent = text;
          return line;
        }),
      );
      profileMemo = { sweep, results };
    }
    const imp = { test: model.get("test"), alpha: model.get("alpha"), neighbors: model.get("neighbors") };
    const im = importanceMemo;
    if (!im || im.sweep !== sweep || im.results !== results || im.test !== imp.test || im.alpha !== imp.alpha || im.neighbors !== imp.neighbors) {
      importance.update(sweep, results, imp);
      importanceMemo = { sweep, results, ...imp };
    }
    if (fresh) mark("results-painted");
  }

  const onResults = (): void => mark("results-received");
  model.on("change:_results", onResults);
  for (const name of WATCHED) model.on(`change:${name}`, refresh);
  paint();

  return () => {
    disposed = true;
    for (const name of WATCHED) model.off(`change:${name}`, refresh);
    model.off("change:_results", onResults);
    root.removeEventListener("keydown", onKeyDown);
    for (const type of KEY_EVENTS) root.removeEventListener(type, keepKey);
    widthObserver?.disconnect();
    kernelJobs.dispose();
    ahead.dispose();
    player.job.dispose();
    requester.dispose();
    grid.dispose();
    detail.dispose();
    profile.dispose();
    importance.dispose();
    root.remove();
  };
}
