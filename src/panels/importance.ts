// "Which parameters matter?": a collapsible panel with two parts.
// - The whole sweep: `sweep.importance(...)` computed in the kernel on request (the
//   `importance` message; lazily when the panel is first opened, or with its button), drawn as
//   one bar per parameter (share of significant neighbour pairs) with the engine's verdict. The
//   kernel runs it in a worker thread: a job bar (jobs.ts) shows its progress messages once it
//   has taken longer than a second, with a Cancel button; clicks go on meanwhile. A
//   `w.importance()` run from Python shows its `_progress` trait in the same bar.
// - Around the target: the same per parameter for the target's neighbours, from the results
//   shown (see insights.ts `neighbourSummary`).

import { Memo } from "../util/memo";
import type { View } from "../model/view";
import { formatEffect, formatNum } from "../util/format";
import { neighbourSummary, type ParamSummary } from "../model/insights";
import type { Results, Sweep } from "../model/model";
import { JobBar } from "./jobs";
import { CancelledError, LatestOnly, type Requester } from "../model/requests";

export interface ImportanceSettings {
  test: string;
  correction: string;
  alpha: number | null;
  neighbors: string;
  margin: number | null;
  /** "given", or how the engine chose its default margin. */
  margin_source?: string;
  family: number;
}

/** The `importance-response` body (docs/widget-protocol.md). */
export interface ImportanceReply {
  params: string[];
  pairs: number[];
  tested: number[];
  too_few_runs: number[];
  significant: number[];
  share_significant: Array<number | null>;
  median_abs_effect: Array<number | null>;
  equivalent: Array<number | null>;
  matters?: number[];
  negligible?: number[];
  inconclusive?: number[];
  share_matters?: Array<number | null>;
  share_negligible?: Array<number | null>;
  share_inconclusive?: Array<number | null>;
  verdict: string[];
  settings: ImportanceSettings;
  seconds: number;
}

export interface ImportanceRow {
  param: string;
  pairs: number;
  tested: number;
  significant: number;
  share: number;
  median_abs_effect: number;
  equivalent: number;
  matters: number;
  negligible: number;
  inconclusive: number;
  verdict: string;
}

const nn = (x: number | null | undefined): number => (typeof x === "number" ? x : NaN);

/** One row per parameter from a reply (null -> NaN); tolerant of short lists. */
export function importanceRows(reply: ImportanceReply): ImportanceRow[] {
  return (reply.params ?? []).map((param, i) => ({
    param: String(param),
    pairs: nn(reply.pairs?.[i]),
    tested: nn(reply.tested?.[i]),
    significant: nn(reply.significant?.[i]),
    share: nn(reply.share_significant?.[i]),
    median_abs_effect: nn(reply.median_abs_effect?.[i]),
    equivalent: nn(reply.equivalent?.[i]),
    matters: nn(reply.matters?.[i]),
    negligible: nn(reply.negligible?.[i]),
    inconclusive: nn(reply.inconclusive?.[i]),
    verdict: String(reply.verdict?.[i] ?? ""),
  }));
}

const PARTS = [
  ["matters", "significant (after correction) and not shown equivalent"],
  ["negligible", "shown equivalent within ±margin"],
  ["inconclusive", "neither: these seeds cannot say"],
] as const;

/** A stacked bar: matters / negligible / inconclusive of `tested`, each with its count. */
export function stackedBar(doc: Document, counts: { matters: number; negligible: number; inconclusive: number; tested: number }, margin: string): HTMLElement {
  const track = doc.createElement("span");
  track.className = "sw-imp-track sw-imp-stack";
  const total = counts.tested;
  for (const [part, text] of PARTS) {
    const n = counts[part];
    if (!(n > 0) || !(total > 0)) continue;
    const seg = doc.createElement("span");
    seg.className = `sw-imp-seg sw-imp-${part}`;
    seg.dataset.part = part;
    seg.dataset.count = String(n);
    seg.style.width = `${barPercent(n / total)}%`;
    seg.textContent = String(n);
    seg.title = `${part}${part === "negligible" ? ` within ${margin}` : ""}: ${n} of ${total} tested pairs (${text})`;
    track.append(seg);
  }
  if (!(total > 0)) track.title = "no pair could be tested";
  return track;
}

/** "±0.0123 (default: half the median ...)": the margin in use and where it came from. */
export function marginText(margin: number | null | undefined, source: string | undefined): string {
  if (margin == null || !Number.isFinite(margin)) return "no equivalence margin";
  return `margin ±${formatNum(margin)}${source ? ` (${source})` : ""}`;
}

/** Bar width in percent for a share in [0, 1] (0 for NaN). */
export function barPercent(share: number): number {
  return Number.isFinite(share) ? Math.round(Math.min(1, Math.max(0, share)) * 1000) / 10 : 0;
}

/** The settings a whole-sweep table depends on; a change makes the shown table stale. */
export function importanceKey(s: { test: string; alpha: number; neighbors: string }, margin: number | null): string {
  return JSON.stringify([s.test, s.alpha, s.neighbors, margin]);
}

export interface ImportanceState {
  test: string;
  alpha: number;
  neighbors: string;
}

export class ImportancePanel {
  readonly el: HTMLDetailsElement;
  private readonly body: HTMLElement;
  private readonly run: HTMLButtonElement;
  private readonly margin: HTMLInputElement;
  private readonly job: JobBar;
  private readonly note: HTMLElement;
  private readonly bars: HTMLElement;
  private readonly local: HTMLElement;
  private readonly latest = new LatestOnly();
  private state: ImportanceState = { test: "", alpha: NaN, neighbors: "" };
  private shownKey = "";
  private pending = false;
  /** A `w.importance()` run from Python shows its `_progress` in the bar. */
  private fromPython = false;
  /** The margin of the last whole-sweep table (the engine's default when none was typed). */
  private usedMargin: number | null = null;
  private lastLocal: { sweep: Sweep; results: Results | null } | null = null;
  private readonly marginNote: HTMLElement;
  private readonly localNote: HTMLElement;

  constructor(private readonly doc: Document, private readonly requester: Requester, private readonly slowMs = 1000) {
    this.el = doc.createElement("details");
    this.el.className = "sw-importance-panel";
    this.el.dataset.testid = "sw-importance-panel";
    const summary = doc.createElement("summary");
    summary.textContent = "Which parameters matter?";
    this.body = doc.createElement("div");
    this.body.className = "sw-importance-body";

    const bar = doc.createElement("div");
    bar.className = "sw-importance-toolbar";
    this.run = doc.createElement("button");
    this.run.type = "button";
    this.run.className = "sw-nav-button";
    this.run.dataset.testid = "sw-importance-run";
    this.run.textContent = "compute for the whole sweep";
    this.run.addEventListener("click", () => void this.compute());
    this.margin = doc.createElement("input");
    this.margin.type = "number";
    this.margin.min = "0";
    this.margin.step = "any";
    this.margin.placeholder = "default";
    this.margin.className = "sw-importance-margin";
    this.margin.dataset.testid = "sw-importance-margin";
    const mlabel = doc.createElement("label");
    mlabel.className = "sw-control";
    mlabel.title = "equivalence margin in metric units: a parameter is called unimportant only when TOST shows every pair equivalent within ±margin";
    const mspan = doc.createElement("span");
    mspan.className = "sw-control-label";
    mspan.textContent = "margin ±";
    mlabel.append(mspan, this.margin);
    this.job = new JobBar(doc, requester, "importance");
    this.marginNote = doc.createElement("span");
    this.marginNote.className = "sw-importance-margin-used";
    this.marginNote.dataset.testid = "sw-importance-margin-used";
    this.marginNote.textContent = "margin: the engine's default (half the median seed sd) unless given";
    this.margin.addEventListener("input", () => {
      this.updateStale();
      if (this.lastLocal) this.drawLocal(neighbourSummary(this.lastLocal.sweep, this.lastLocal.results, this.localMargin()));
    });
    bar.append(this.run, mlabel, this.marginNote, this.job.el);

    this.note = doc.createElement("div");
    this.note.className = "sw-importance-note";
    this.note.setAttribute("aria-live", "polite");
    this.bars = doc.createElement("div");
    this.bars.className = "sw-importance";
    this.bars.dataset.testid = "sw-importance";
    const localHead = doc.createElement("div");
    localHead.className = "sw-importance-subhead";
    localHead.textContent = "Around the target (its neighbours, statuses as shown)";
    this.local = doc.createElement("table");
    this.local.className = "sw-neighbour-importance";
    this.local.dataset.testid = "sw-neighbour-importance";
    this.localNote = doc.createElement("div");
    this.localNote.className = "sw-importance-note";
    this.body.append(bar, this.note, this.bars, localHead, this.localNote, this.local);
    this.el.append(summary, this.body);
    // lazily: the first opening computes the whole-sweep table
    this.el.addEventListener("toggle", () => {
      if (this.el.open && this.shownKey === "" && !this.pending) void this.compute();
    });
  }

  /** The margin typed in the panel (null when empty or invalid). */
  marginValue(): number | null {
    const m = Number(this.margin.value);
    return this.margin.value.trim() !== "" && Number.isFinite(m) && m > 0 ? m : null;
  }

  /** Ask the kernel for the whole-sweep table (last request wins). */
  async compute(): Promise<void> {
    const token = this.latest.begin();
    const margin = this.marginValue();
    const key = importanceKey(this.state, margin);
    this.setPending(true);
    this.note.classList.remove("sw-detail-error");
    this.note.textContent = "computing…";
    this.job.start(true, this.slowMs);
    try {
      const reply = await this.requester.request<ImportanceReply>("importance", { margin }, {
        onProgress: (p) => {
          if (this.latest.isCurrent(token)) this.job.progress(p);
        },
      });
      if (!this.latest.isCurrent(token)) return;
      this.job.finish("done");
      this.shownKey = key;
      this.draw(reply.msg);
    } catch (err) {
      if (!this.latest.isCurrent(token)) return;
      const message = (err as Error).message;
      if (err instanceof CancelledError) {
        this.job.finish("cancelled", message);
        this.note.textContent = this.shownKey ? "cancelled: the table below is the previous one" : "cancelled: nothing computed";
      } else {
        this.job.finish("error", `failed: ${message}`);
        this.note.textContent = `could not compute: ${message}`;
        this.note.classList.add("sw-detail-error");
      }
    } finally {
      if (this.latest.isCurrent(token)) this.setPending(false);
    }
  }

  private setPending(on: boolean): void {
    this.pending = on;
    this.run.disabled = on;
    this.el.setAttribute("aria-busy", String(on));
  }

  /** The kernel's `_progress` (fraction of pairs done by `w.importance()`; -1 when idle). */
  setProgress(value: number): void {
    if (this.pending) return; // the request's own job bar
    if (value >= 0 && value <= 1) {
      if (!this.fromPython) this.job.start(false);
      this.fromPython = true;
      this.job.progress({ fraction: value, eta: null });
    } else if (this.fromPython) {
      this.fromPython = false;
      this.job.finish("done");
    }
  }

  private draw(reply: ImportanceReply): void {
    const rows = importanceRows(reply);
    const s = reply.settings ?? ({} as ImportanceSettings);
    this.usedMargin = s.margin ?? null;
    this.note.classList.remove("sw-detail-error");
    const margin = marginText(s.margin, s.margin_source);
    this.note.textContent =
      `${s.family} neighbour pairs tested (${s.test}, ${s.correction} over all pairs, α = ${s.alpha}, ` +
      `${s.neighbors} neighbours, ${margin}) in ${formatNum(reply.seconds, 2)} s. ` +
      "Bars: matters / negligible within the margin / inconclusive, in tested pairs.";
    this.marginNote.textContent = margin;
    const short = s.margin == null ? "±m" : `±${formatNum(s.margin)}`;
    this.bars.replaceChildren(
      ...rows.map((r) => {
        const line = this.doc.createElement("div");
        line.className = "sw-imp-row";
        line.dataset.param = r.param;
        line.dataset.share = String(r.share);
        const name = this.doc.createElement("span");
        name.className = "sw-imp-name";
        name.textContent = r.param;
        name.title = r.param;
        // older kernels send only the significant count: matters = significant, rest inconclusive
        const split = Number.isFinite(r.matters)
          ? r
          : { ...r, matters: r.significant, negligible: 0, inconclusive: r.tested - r.significant };
        const track = stackedBar(this.doc, split, short);
        const count = this.doc.createElement("span");
        count.className = "sw-imp-count";
        count.textContent = `${split.matters} · ${split.negligible} · ${split.inconclusive} of ${r.tested}`;
        count.title = `matters · negligible within ${short} · inconclusive, of ${r.tested} tested pairs (${r.pairs} pairs); median |A12 − 0.5| = ${formatEffect(r.median_abs_effect)}`;
        const verdict = this.doc.createElement("span");
        verdict.className = "sw-imp-verdict";
        verdict.dataset.verdict = r.verdict;
        verdict.textContent = r.verdict;
        line.append(name, track, count, verdict);
        return line;
      }),
    );
    this.updateStale();
    if (this.lastLocal) this.drawLocal(neighbourSummary(this.lastLocal.sweep, this.lastLocal.results, this.localMargin()));
  }

  /** The margin for the target's neighbours: the one typed, else the one the kernel used. */
  private localMargin(): number | null {
    return this.marginValue() ?? this.usedMargin;
  }

  private readonly memo = new Memo();

  /** The kernel's progress, and (when the results or the settings it depends on change) the tables. */
  update(view: View): void {
    this.setProgress(view.progress);
    const { sweep, results, test, alpha, neighbors } = view;
    if (this.memo.changed([sweep, results, test, alpha, neighbors])) this.refresh(sweep, results, { test, alpha, neighbors });
  }

  /** New widget state: the per-target table, and a stale mark on the whole-sweep one. */
  private refresh(sweep: Sweep | null, results: Results | null, state: ImportanceState): void {
    this.state = state;
    this.updateStale();
    if (!sweep) return;
    this.lastLocal = { sweep, results };
    this.drawLocal(neighbourSummary(sweep, results, this.localMargin()));
  }

  private updateStale(): void {
    const stale = this.shownKey !== "" && this.shownKey !== importanceKey(this.state, this.marginValue());
    this.bars.classList.toggle("sw-stale", stale);
    this.run.textContent = stale ? "settings changed: recompute" : this.shownKey ? "recompute" : "compute for the whole sweep";
  }

  private drawLocal(rows: ParamSummary[]): void {
    const doc = this.doc;
    const margin = this.localMargin();
    const short = margin === null ? "±m" : `±${formatNum(margin)}`;
    this.localNote.textContent =
      margin === null
        ? "negligible needs a margin: type one, or compute the whole-sweep table for the engine's default"
        : `negligible: the interval of the difference in means lies inside ${short}`;
    const head = doc.createElement("tr");
    for (const h of ["parameter", "tested", "matters · negligible · inconclusive", "significant", "median |A12 − 0.5|"]) {
      const th = doc.createElement("th");
      th.textContent = h;
      head.append(th);
    }
    const body = rows.map((r) => {
      const tr = doc.createElement("tr");
      tr.dataset.param = r.param;
      const cells = [r.param, String(r.tested), "", String(r.significant), formatEffect(r.median_abs_effect)];
      for (const [k, text] of cells.entries()) {
        const td = doc.createElement("td");
        td.textContent = text;
        if (k === 2) {
          td.className = "sw-imp-local-stack";
          const bar = stackedBar(doc, r, short);
          const counts = doc.createElement("span");
          counts.className = "sw-imp-count";
          counts.textContent = `${r.matters} · ${r.negligible} · ${r.inconclusive}`;
          td.append(bar, counts);
        }
        tr.append(td);
      }
      return tr;
    });
    this.local.replaceChildren(head, ...body);
  }

  dispose(): void {
    this.job.dispose();
    this.latest.cancel();
  }
}
