// The neighbourhood profile: for the current target, one small panel per parameter with that
// parameter's levels on an axis (log-spaced when the values span two decades or more) and, for
// each level, the mean of the configuration that differs from the target in that parameter
// only (± 1 standard error), coloured by its status. Levels no such configuration has are grey
// ticks. A click on a level makes its configuration the target: the walk made visible.
// Each panel has its own robust y-range: one collapsed neighbour is drawn at the panel's edge
// with its value instead of squeezing the others into a few pixels.

import { Memo } from "../util/memo";
import type { View } from "../model/view";
import { formatNum, formatP } from "../util/format";
import { statusOf, statusWord, type Param, type Results, type Sweep } from "../model/model";

const SVG_NS = "http://www.w3.org/2000/svg";
const W = 210;
const H = 130;
const M = { l: 40, r: 10, t: 8, b: 30 };
/** Pixels between the axis and the first/last level, and above/below the y-range (clipped marks go there). */
const INSET = 10;
/** Width of a tick label of `n` characters at the profile's 10 px font (tabular digits). */
const charWidth = 6;
/** A mean further than this many robust scales from the panel's median is drawn clipped. */
const FENCE = 8;

export interface ProfilePoint {
  mean: number;
  /** mean ± 1 standard error (NaN when n < 2) */
  low: number;
  high: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/**
 * The y-range of one panel: the means and ± 1 s.e. bars of its points, leaving out a mean
 * further than FENCE robust scales from the panel's median (the scale: the median absolute
 * deviation, at least the median standard error), always keeping `keep` (the target's mean),
 * and inside `bounds` (the lowest and highest score of the sweep: labels never leave the
 * metric's range). Returns the ends to label; `inRange` says whether a mean is drawn in it.
 */
export function panelRange(points: ProfilePoint[], keep: number, bounds: [number, number]): { lo: number; hi: number; inRange: (mean: number) => boolean } {
  const means = points.map((p) => p.mean).filter(Number.isFinite);
  const med = median(means);
  const mad = median(means.map((m) => Math.abs(m - med)));
  const se = median(points.map((p) => (p.high - p.low) / 2).filter(Number.isFinite));
  const scale = Math.max(Number.isFinite(mad) ? mad : 0, Number.isFinite(se) ? se : 0, 1e-9 * Math.max(1, Math.abs(med)));
  const fenced = (m: number) => Math.abs(m - med) <= FENCE * scale;
  let lo = Infinity;
  let hi = -Infinity;
  const take = (v: number) => {
    if (!Number.isFinite(v)) return;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  };
  for (const p of points) {
    if (!Number.isFinite(p.mean) || !(fenced(p.mean) || p.mean === keep)) continue;
    take(p.mean);
    take(p.low);
    take(p.high);
  }
  take(keep);
  const [bLo, bHi] = bounds;
  const bounded = Number.isFinite(bLo) && Number.isFinite(bHi) && bHi > bLo;
  if (bounded) {
    lo = Math.max(lo, bLo);
    hi = Math.min(hi, bHi);
  }
  if (!(hi > lo)) {
    const centre = Number.isFinite(lo) ? lo : Number.isFinite(med) ? med : 0;
    const d = Math.max(Math.abs(centre) * 0.01, 1e-6);
    lo = centre - d;
    hi = centre + d;
    if (bounded && bHi - bLo > 2 * d) {
      // a flat panel at the edge of the metric's range (all 1.0): stay inside it
      if (hi > bHi) [lo, hi] = [bHi - 2 * d, bHi];
      if (lo < bLo) [lo, hi] = [bLo, bLo + 2 * d];
    }
  }
  const tol = (hi - lo) * 1e-9;
  return { lo, hi, inRange: (m: number) => m >= lo - tol && m <= hi + tol };
}

/**
 * Which tick labels to draw, in priority order, so that none overlaps another: each is
 * `width(label)` px wide, anchored at its start, middle or end. Returns the codes kept.
 */
export function tickLabels(
  items: Array<{ code: number; x: number; width: number; anchor: "start" | "middle" | "end" }>,
  gap = 4,
): number[] {
  const taken: Array<[number, number]> = [];
  const kept: number[] = [];
  for (const it of items) {
    const left = it.anchor === "start" ? it.x : it.anchor === "end" ? it.x - it.width : it.x - it.width / 2;
    const right = left + it.width;
    if (taken.some(([a, b]) => left < b + gap && right > a - gap)) continue;
    taken.push([left, right]);
    kept.push(it.code);
  }
  return kept;
}

/** A tick label as drawn: at most 8 characters. */
function shortLabel(label: string): string {
  return label.length > 8 ? `${label.slice(0, 7)}…` : label;
}

/**
 * For each parameter, level code -> the configurations on the target's line along it: equal to
 * `target` in every other parameter, plus the compared neighbours whose `varied` parameter it is
 * (a conditional parameter's neighbour may differ in an absent one too). The target sits on
 * every line at its own level.
 */
export function targetLines(sweep: Sweep, target: number, results: Results | null = null): Array<Map<number, number[]>> {
  const P = sweep.params.length;
  const lines = sweep.params.map(() => new Map<number, number[]>());
  if (target < 0 || target >= sweep.n_configs) return lines;
  const add = (i: number, c: number) => {
    const code = sweep.params[i].codes[c];
    if (code < 0) return;
    const list = lines[i].get(code);
    if (!list) lines[i].set(code, [c]);
    else if (!list.includes(c)) list.push(c);
  };
  const own = sweep.params.map((p) => p.codes[target]);
  // a windowed sweep holds the compared rows' values (and the rows seen): the lines are drawn
  // from the compared rows only, whatever was scrolled through (the panel says so)
  const candidates: ArrayLike<number> | null = sweep.windowed ? (results?.rows ?? Int32Array.of(target)) : null;
  const count_ = candidates ? candidates.length : sweep.n_configs;
  for (let k = 0; k < count_; k++) {
    const c = candidates ? candidates[k] : k;
    let differs = -1;
    let count = 0;
    for (let i = 0; i < P && count < 2; i++) {
      if (sweep.params[i].codes[c] !== own[i]) {
        differs = i;
        count++;
      }
    }
    if (count === 0) for (let i = 0; i < P; i++) add(i, c);
    else if (count === 1) add(differs, c);
  }
  if (results && results.target === target) {
    for (let k = 0; k < results.rows.length; k++) {
      const v = results.varied[k];
      if (v >= 0 && v < P) add(v, results.rows[k]);
    }
  }
  return lines;
}

/** Axis positions (0..1) of a parameter's levels and whether they are log-spaced. */
export function levelPositions(p: Param): { x: number[]; log: boolean } {
  const n = p.labels.length;
  const even = () => p.labels.map((_, k) => (n > 1 ? k / (n - 1) : 0.5));
  if (!p.numeric || n < 2) return { x: even(), log: false };
  const values = p.labels.map(Number);
  if (!values.every(Number.isFinite)) return { x: even(), log: false };
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (!(hi > lo)) return { x: even(), log: false };
  const log = lo > 0 && hi / lo >= 100;
  const f = log ? Math.log10 : (v: number) => v;
  return { x: values.map((v) => (f(v) - f(lo)) / (f(hi) - f(lo))), log };
}

/** mean ± 1 standard error of `config` (NaN bounds when n < 2). */
export function meanInterval(sweep: Sweep, config: number): [number, number, number] {
  const mean = sweep.mean[config];
  const n = sweep.n[config];
  const se = n >= 2 ? sweep.std[config] / Math.sqrt(n) : NaN;
  return [mean, mean - se, mean + se];
}

export interface ProfileHandlers {
  onTarget(config: number): void;
}

export class ProfilePanel {
  readonly el: HTMLElement;
  private readonly head: HTMLElement;
  private readonly key: HTMLElement;
  private readonly panels: HTMLElement;

  constructor(private readonly doc: Document, private readonly handlers: ProfileHandlers) {
    this.el = doc.createElement("section");
    this.el.className = "sw-profile";
    this.el.dataset.testid = "sw-profile";
    this.el.setAttribute("aria-label", "neighbourhood profile");
    this.head = doc.createElement("div");
    this.head.className = "sw-profile-head";
    this.key = doc.createElement("div");
    this.key.className = "sw-profile-key";
    this.key.dataset.testid = "sw-profile-key";
    this.panels = doc.createElement("div");
    this.panels.className = "sw-profile-panels";
    this.el.append(this.head, this.key, this.panels);
    this.el.addEventListener("click", this.onClick);
    this.el.addEventListener("keydown", this.onKey);
  }

  private readonly onClick = (e: MouseEvent): void => {
    const mark = (e.target as Element).closest?.("[data-config]") as Element | null;
    if (!mark || !this.el.contains(mark)) return;
    this.handlers.onTarget(Number(mark.getAttribute("data-config")));
  };

  private readonly onKey = (e: KeyboardEvent): void => {
    if (e.key !== "Enter" && e.key !== " ") return;
    const mark = (e.target as Element).closest?.("[data-config]") as Element | null;
    if (!mark || !this.el.contains(mark)) return;
    e.preventDefault();
    e.stopPropagation();
    this.handlers.onTarget(Number(mark.getAttribute("data-config")));
  };

  private readonly memo = new Memo();

  /** Draw the view's neighbourhood (nothing to do while its sweep and results are the same). */
  update(view: View): void {
    if (this.memo.changed([view.sweep, view.results])) this.draw(view.sweep, view.results, view.target);
  }

  private draw(sweep: Sweep | null, results: Results | null, target: number): void {
    if (!sweep || target < 0 || target >= sweep.n_configs) {
      this.head.textContent = "";
      this.key.textContent = "";
      this.panels.replaceChildren();
      return;
    }
    const lines = targetLines(sweep, target, results);
    this.head.textContent =
      `Neighbourhood of target #${target}: ${sweep.metric} along each parameter, the others held at ` +
      `the target's values (goal: ${sweep.goal}); each panel has its own y-range. Click a level to make it the target.`;
    this.el.dataset.summarised = String(sweep.windowed);
    if (sweep.windowed) {
      this.head.textContent +=
        ` Summarised: of ${sweep.n_configs.toLocaleString("en-US")} configurations (sent a window at a time), ` +
        "only the compared ones are drawn; levels without a compared configuration show as grey ticks.";
    }
    this.key.textContent =
      "● mean of the runs, coloured by status (grey: not compared) · │ ± 1 s.e. of the runs, not the test's " +
      "interval (the grid has that) · ┆ the target's level · grey line: the target's line · short grey tick: " +
      "no configuration at that level · ▼▲ beyond the panel's range, at its edge with its value";
    this.panels.replaceChildren(...sweep.params.map((p, i) => this.panel(sweep, results, target, p, lines[i])));
  }

  private panel(sweep: Sweep, results: Results | null, target: number, p: Param, line: Map<number, number[]>): SVGSVGElement {
    const doc = this.doc;
    const svg = doc.createElementNS(SVG_NS, "svg");
    svg.setAttribute("class", "sw-profile-panel");
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    svg.setAttribute("width", String(W));
    svg.setAttribute("height", String(H));
    svg.dataset.param = p.name;
    const el = (parent: Element, tag: string, attrs: Record<string, string>, text?: string) => {
      const e = doc.createElementNS(SVG_NS, tag);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
      if (text !== undefined) e.textContent = text;
      parent.append(e);
      return e;
    };
    const configs = [...line.values()].flat();
    const points = configs.map((c) => {
      const [mean, low, high] = meanInterval(sweep, c);
      return { mean, low, high };
    });
    const { lo, hi, inRange } = panelRange(points, sweep.mean[target], [sweep.score_min, sweep.score_max]);
    svg.dataset.yLow = String(lo);
    svg.dataset.yHigh = String(hi);
    const { x: pos, log } = levelPositions(p);
    const sx = (t: number) => M.l + INSET + t * (W - M.l - M.r - 2 * INSET);
    const top = M.t + INSET;
    const bottom = H - M.b - INSET;
    const sy = (v: number) => bottom - ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * (bottom - top);
    const title = doc.createElementNS(SVG_NS, "title");
    title.textContent = `${p.name}${log ? " (log axis)" : ""}: ${sweep.metric} from ${formatNum(lo)} to ${formatNum(hi)}`;
    svg.append(title);
    el(svg, "path", { class: "sw-profile-axis", d: `M${M.l} ${M.t}V${H - M.b}H${W - M.r}` });
    // the range's two ends, labelled where they are (the marks start INSET px right of the axis);
    // a panel with no mark (the target has no value there, none of its line has scores) has none
    const marked = points.some((q) => Number.isFinite(q.mean));
    for (const v of marked ? [hi, lo] : []) {
      el(svg, "path", { class: "sw-profile-level", d: `M${M.l - 3} ${sy(v).toFixed(1)}h3` });
      el(svg, "text", { class: "sw-profile-tick sw-profile-ytick", x: String(M.l - 4), y: (sy(v) + 3.5).toFixed(1), "text-anchor": "end" }, formatNum(v));
    }
    el(svg, "text", { class: "sw-profile-name", x: String((M.l + W - M.r) / 2), y: String(H - 3), "text-anchor": "middle" },
      `${p.name}${log ? " (log)" : ""}`);

    const own = p.codes[target];
    // tick labels: the target's level first, then the ends, then the rest, never overlapping
    const order = [...new Set([own, 0, p.labels.length - 1, ...p.labels.map((_, k) => k)])].filter((k) => k >= 0 && k < p.labels.length);
    const anchor = (code: number) => (pos[code] < 0.1 ? "start" : pos[code] > 0.9 ? "end" : "middle") as "start" | "middle" | "end";
    const kept = tickLabels(order.map((code) => ({ code, x: sx(pos[code]), width: shortLabel(p.labels[code]).length * charWidth, anchor: anchor(code) })));
    for (const code of kept) {
      el(svg, "text", {
        class: `sw-profile-tick sw-profile-xtick${code === own ? " sw-profile-own" : ""}`,
        x: sx(pos[code]).toFixed(1),
        y: String(H - M.b + 13),
        "text-anchor": anchor(code),
      }, shortLabel(p.labels[code]));
    }
    const path: string[] = [];
    p.labels.forEach((_, code) => {
      const x = sx(pos[code]);
      const at = line.get(code) ?? [];
      el(svg, "path", { class: `sw-profile-level${at.length ? "" : " sw-profile-elsewhere"}`, d: `M${x.toFixed(1)} ${H - M.b}v4` });
      // the profile line joins the configurations equal to the target elsewhere
      const on = at.find((c) => c === target || sweep.params.every((q) => q === p || q.codes[c] === q.codes[target]));
      if (on !== undefined) {
        const [mean] = meanInterval(sweep, on);
        if (Number.isFinite(mean)) path.push(`${path.length ? "L" : "M"}${x.toFixed(1)} ${this.markY(mean, lo, inRange, sy, top, bottom).toFixed(1)}`);
      }
    });
    if (path.length > 1) el(svg, "path", { class: "sw-profile-line", d: path.join("") });
    if (own >= 0) {
      const x = sx(pos[own]).toFixed(1);
      el(svg, "path", { class: "sw-profile-target-guide", d: `M${x} ${M.t}V${H - M.b}` });
    } else {
      el(svg, "text", { class: "sw-profile-tick", x: String((M.l + W - M.r) / 2), y: String(M.t + 14), "text-anchor": "middle" },
        "the target has no value here");
    }
    p.labels.forEach((label, code) => {
      const at = line.get(code) ?? [];
      at.forEach((config, j) => {
        const [mean, a, b] = meanInterval(sweep, config);
        if (!Number.isFinite(mean)) return;
        const status = statusOf(results, config);
        // several configurations at one level (a conditional parameter): side by side
        const x = sx(pos[code]) + (j - (at.length - 1) / 2) * 7;
        const g = el(svg, "g", { class: `sw-profile-mark sw-status-${status}` });
        const clipped = inRange(mean) ? "" : mean < lo ? "low" : "high";
        const y = this.markY(mean, lo, inRange, sy, top, bottom);
        if (clipped) {
          // beyond this panel's range: at its edge, with the way it points and its value
          g.dataset.clipped = clipped;
          const right = x < W / 2;
          el(g, "text", {
            class: "sw-profile-tick sw-profile-clip-value",
            x: (x + (right ? 7 : -7)).toFixed(1),
            y: (y + 3.5).toFixed(1),
            "text-anchor": right ? "start" : "end",
          }, `${clipped === "low" ? "▼" : "▲"} ${formatNum(mean)}`);
        } else if (Number.isFinite(a) && Number.isFinite(b)) {
          el(g, "path", { class: "sw-profile-interval", d: `M${x.toFixed(1)} ${sy(a).toFixed(1)}V${sy(b).toFixed(1)}` });
        }
        const ri = results ? results.index[config] : -1;
        const pAdj = ri >= 0 && results ? results.pvalue_adj[ri] : NaN;
        const dot = el(g, "circle", {
          class: "sw-profile-dot",
          cx: x.toFixed(1),
          cy: y.toFixed(1),
          r: config === target ? "6" : "4.5",
          "data-config": String(config),
          "data-status": status,
          tabindex: "0",
          role: "button",
          "aria-label": `${p.name} = ${label}: #${config}, ${statusWord(status)}`,
        });
        const t = doc.createElementNS(SVG_NS, "title");
        t.textContent =
          `${p.name} = ${label} (#${config}${config === target ? ", the target" : ""}): ${statusWord(status)}; ` +
          `mean ${formatNum(mean)} ± ${formatNum(b - mean)} (1 s.e. of ${sweep.n[config]} runs)` +
          (clipped ? `; beyond this panel's range (${formatNum(lo)} to ${formatNum(hi)})` : "") +
          (Number.isFinite(pAdj) ? `; p adj ${formatP(pAdj)}` : "");
        dot.append(t);
      });
    });
    return svg;
  }

  /** y of a mark: in the range, or clipped into the INSET band at the edge it is beyond. */
  private markY(mean: number, lo: number, inRange: (m: number) => boolean, sy: (v: number) => number, top: number, bottom: number): number {
    if (inRange(mean)) return sy(mean);
    return mean < lo ? bottom + INSET * 0.55 : top - INSET * 0.55;
  }

  dispose(): void {
    this.el.removeEventListener("click", this.onClick);
    this.el.removeEventListener("keydown", this.onKey);
  }
}
