// The widget's wiring: the model side (model/widget.ts: traits, results gate, messages, the
// view's own choices) gives one View per paint, and every panel draws its slice of it (each
// keeps a memo of that slice: a kernel message repaints only what it changed).

import type { AnyModel } from "./model/model";
import { mark, WATCHED, WidgetState, type SettingTrait } from "./model/widget";
import { buildControls, type ControlName } from "./panels/controls";
import { Grid } from "./panels/grid";
import { DetailPanel } from "./panels/detail";
import { NavBar } from "./panels/nav";
import { COMPACT_WIDTH, firstSortDir, sortKey } from "./panels/columns";
import { ImportancePanel } from "./panels/importance";
import { LedgerBadge, WalkPlayer } from "./panels/walkplayer";
import { ProfilePanel } from "./panels/profile";
import { JobBar, KernelJobs } from "./panels/jobs";
import { NotesPanel } from "./panels/notes";
import type { View } from "./model/view";

export function mountApp(model: AnyModel, host: HTMLElement): () => void {
  const doc = host.ownerDocument;
  const state = new WidgetState(model, { key: sortKey, firstDir: firstSortDir });
  const { requester } = state;
  state.onRows = () => refresh();

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

  const controls = buildControls(
    doc,
    (name: ControlName, value) => {
      if (name === "scope") state.setScope(value === "all" ? "all" : "compared");
      else state.setSetting(name as SettingTrait, value);
      refresh();
    },
    (status) => {
      state.toggleFilter(status);
      refresh();
    },
  );
  // a slow comparison (e.g. a permutation test against all) runs as a kernel job: its bar
  const compareJob = new JobBar(doc, requester, "compare");
  const kernelJobs = new KernelJobs(state.router, { compare: compareJob });
  const nav = new NavBar(
    doc,
    {
      step: (delta) => state.step(delta) && refresh(),
      jump: (position) => state.jump(position) && refresh(),
    },
    [compareJob.el],
  );
  const grid = new Grid(doc, {
    onTarget(config) {
      state.setTarget(config);
      refresh();
    },
    onSelect(config, mode) {
      state.select(config, mode, refresh);
      refresh();
    },
    onMissing: (start, end) => state.needRows(start, end),
    onFocus: () => inspect(),
    onHover: () => inspect(),
    onSort(column) {
      state.sortBy(column);
      refresh();
    },
  });
  const detail = new DetailPanel(doc, requester);
  const profile = new ProfilePanel(doc, {
    onTarget(config) {
      state.setTarget(config, false);
      refresh();
    },
  });
  const importance = new ImportancePanel(doc, requester);
  const player = new WalkPlayer(doc, requester, {
    jump: (position) => state.jump(position) && refresh(),
    target: () => model.get("target"),
  });
  const ledger = new LedgerBadge(doc);
  const notes = new NotesPanel(doc);
  // a windowed sweep says so: its rows come as the grid shows them, and some views summarise
  const windowed = doc.createElement("div");
  windowed.className = "sw-note sw-windowed";
  windowed.dataset.testid = "sw-windowed";
  windowed.hidden = true;
  const panels: Array<{ update(view: View): void }> = [controls, nav, player, ledger, notes, grid, detail, profile, importance];

  const insightsBar = doc.createElement("div");
  insightsBar.className = "sw-insights";
  insightsBar.append(player.el, ledger.el);
  const main = doc.createElement("div");
  main.className = "sw-main";
  main.append(grid.el, detail.el);
  root.append(error, controls.el, nav.el, insightsBar, controls.legend, notes.el, windowed, main, profile.el, importance.el);
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

  const onKeyDown = (e: KeyboardEvent): void => {
    if (!e.altKey || e.ctrlKey || e.metaKey) return;
    const t = e.target as HTMLElement | null;
    if (t && t.closest("input[type=number], input[type=text], textarea, select")) return;
    if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      e.preventDefault();
      e.stopPropagation();
      if (state.step(e.key === "ArrowLeft" ? -1 : +1)) refresh();
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

  /** The row the detail describes: under the pointer, else the focused one, else the target. */
  const inspected = (listed: (config: number) => boolean, target: number): number => {
    if (listed(grid.hoveredConfig)) return grid.hoveredConfig;
    return listed(grid.focusedConfig) ? grid.focusedConfig : target;
  };
  let view: View | null = null;
  /** The pointer or the focus moved to another row: describe it (no other panel changes). */
  function inspect(): void {
    if (view) detail.update({ ...view, inspected: inspected((c) => c >= 0 && view!.order.indexOf(c) >= 0, view.target) });
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

  function paint(): void {
    const read = state.read(inspected);
    view = read.view;
    if (read.newSweep) detail.clear();
    error.textContent = view.error;
    error.hidden = view.error === "";
    const sweep = view.sweep;
    windowed.hidden = !sweep?.windowed;
    if (sweep?.windowed) {
      const partial = view.results?.partial;
      const count = (x: number) => x.toLocaleString("en-US");
      windowed.textContent =
        `${count(sweep.n_configs)} configurations: the grid gets its rows from the kernel as it shows them ` +
        "(sorted and filtered there); the neighbourhood profile draws the compared configurations only." +
        (partial
          ? ` ${count(partial.total)} rows are compared: their results come with their rows, and the profile and the ` +
            "neighbour table summarise the rows shown so far."
          : "");
    }
    root.setAttribute("aria-busy", String(view.busy));
    root.classList.toggle("sw-busy", view.busy);
    for (const panel of panels) panel.update(view);
    if (read.fresh) mark("results-painted");
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
    player.job.dispose();
    state.dispose();
    grid.dispose();
    detail.dispose();
    profile.dispose();
    importance.dispose();
    root.remove();
  };
}
