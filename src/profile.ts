// The neighbourhood profile: for the current target, one small panel per parameter with that
// parameter's levels on an axis (log-spaced when the values span two decades or more) and, for
// each level, the mean of the configuration that differs from the target in that parameter
// only (± 1 standard error), coloured by its status. Levels no such configuration has are grey
// ticks. A click on a level makes its configuration the target: the walk made visible.

import { formatNum, formatP } from "./format";
import { statusOf, statusWord, type Param, type Results, type Sweep } from "./model";

const SVG_NS = "http://www.w3.org/2000/svg";
const W = 210;
const H = 130;
const M = { l: 40, r: 10, t: 8, b: 30 };

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
  for (let c = 0; c < sweep.n_configs; c++) {
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
  private readonly panels: HTMLElement;

  constructor(private readonly doc: Document, private readonly handlers: ProfileHandlers) {
    this.el = doc.createElement("section");
    this.el.className = "sw-profile";
    this.el.dataset.testid = "sw-profile";
    this.el.setAttribute("aria-label", "neighbourhood profile");
    this.head = doc.createElement("div");
    this.head.className = "sw-profile-head";
    this.panels = doc.createElement("div");
    this.panels.className = "sw-profile-panels";
    this.el.append(this.head, this.panels);
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

  update(sweep: Sweep | null, results: Results | null, target: number): void {
    if (!sweep || target < 0 || target >= sweep.n_configs) {
      this.head.textContent = "";
      this.panels.replaceChildren();
      return;
    }
    const lines = targetLines(sweep, target, results);
    // one y scale for every panel: flat parameters look flat next to ones that matter
    let lo = Infinity;
    let hi = -Infinity;
    for (const line of lines) {
      for (const c of [...line.values()].flat()) {
        for (const v of meanInterval(sweep, c)) {
          if (Number.isFinite(v)) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
          }
        }
      }
    }
    if (!(hi > lo)) {
      lo = Number.isFinite(lo) ? lo - 0.5 : 0;
      hi = lo + 1;
    }
    // room for the marks at the ends of the scale
    const pad = (hi - lo) * 0.08;
    lo -= pad;
    hi += pad;
    this.head.textContent =
      `Neighbourhood of target #${target}: ${sweep.metric} (mean ± 1 s.e.) along each parameter, ` +
      `the others held at the target's values (goal: ${sweep.goal}). Click a level to make it the target.`;
    this.panels.replaceChildren(...sweep.params.map((p, i) => this.panel(sweep, results, target, p, lines[i], lo, hi)));
  }

  private panel(sweep: Sweep, results: Results | null, target: number, p: Param, line: Map<number, number[]>, lo: number, hi: number): SVGSVGElement {
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
    const { x: pos, log } = levelPositions(p);
    const sx = (t: number) => M.l + t * (W - M.l - M.r);
    const sy = (v: number) => H - M.b - ((v - lo) / (hi - lo)) * (H - M.t - M.b);
    const title = doc.createElementNS(SVG_NS, "title");
    title.textContent = `${p.name}${log ? " (log axis)" : ""}`;
    svg.append(title);
    el(svg, "path", { class: "sw-profile-axis", d: `M${M.l} ${M.t}V${H - M.b}H${W - M.r}` });
    el(svg, "text", { class: "sw-profile-tick", x: String(M.l - 3), y: String(sy(hi) + 8), "text-anchor": "end" }, formatNum(hi));
    el(svg, "text", { class: "sw-profile-tick", x: String(M.l - 3), y: String(sy(lo)), "text-anchor": "end" }, formatNum(lo));
    el(svg, "text", { class: "sw-profile-name", x: String((M.l + W - M.r) / 2), y: String(H - 3), "text-anchor": "middle" },
      `${p.name}${log ? " (log)" : ""}`);

    const own = p.codes[target];
    // tick labels: the target's level first, then the ends, then the rest, never overlapping
    const order = [own, 0, p.labels.length - 1, ...p.labels.map((_, k) => k)].filter((k) => k >= 0);
    const labelledX: number[] = [];
    for (const code of order) {
      const x = sx(pos[code]);
      if (labelledX.some((y) => Math.abs(y - x) < 40)) continue;
      labelledX.push(x);
      const label = p.labels[code];
      el(svg, "text", {
        class: `sw-profile-tick${code === own ? " sw-profile-own" : ""}`,
        x: x.toFixed(1),
        y: String(H - M.b + 13),
        "text-anchor": pos[code] < 0.1 ? "start" : pos[code] > 0.9 ? "end" : "middle",
      }, label.length > 8 ? `${label.slice(0, 7)}…` : label);
    }
    const points: string[] = [];
    p.labels.forEach((_, code) => {
      const x = sx(pos[code]);
      const configs = line.get(code) ?? [];
      el(svg, "path", { class: `sw-profile-level${configs.length ? "" : " sw-profile-elsewhere"}`, d: `M${x.toFixed(1)} ${H - M.b}v4` });
      // the profile line joins the configurations equal to the target elsewhere
      const on = configs.find((c) => c === target || sweep.params.every((q) => q === p || q.codes[c] === q.codes[target]));
      if (on !== undefined) {
        const [mean] = meanInterval(sweep, on);
        if (Number.isFinite(mean)) points.push(`${points.length ? "L" : "M"}${x.toFixed(1)} ${sy(mean).toFixed(1)}`);
      }
    });
    if (points.length > 1) el(svg, "path", { class: "sw-profile-line", d: points.join("") });
    if (own >= 0) {
      const x = sx(pos[own]).toFixed(1);
      el(svg, "path", { class: "sw-profile-target-guide", d: `M${x} ${M.t}V${H - M.b}` });
    } else {
      el(svg, "text", { class: "sw-profile-tick", x: String((M.l + W - M.r) / 2), y: String(M.t + 14), "text-anchor": "middle" },
        "the target has no value here");
    }
    p.labels.forEach((label, code) => {
      const configs = line.get(code) ?? [];
      configs.forEach((config, j) => {
        const [mean, a, b] = meanInterval(sweep, config);
        if (!Number.isFinite(mean)) return;
        const status = statusOf(results, config);
        // several configurations at one level (a conditional parameter): side by side
        const x = sx(pos[code]) + (j - (configs.length - 1) / 2) * 7;
        const g = el(svg, "g", { class: `sw-profile-mark sw-status-${status}` });
        if (Number.isFinite(a) && Number.isFinite(b)) {
          el(g, "path", { class: "sw-profile-interval", d: `M${x.toFixed(1)} ${sy(a).toFixed(1)}V${sy(b).toFixed(1)}` });
        }
        const ri = results ? results.index[config] : -1;
        const pAdj = ri >= 0 && results ? results.pvalue_adj[ri] : NaN;
        const dot = el(g, "circle", {
          class: "sw-profile-dot",
          cx: x.toFixed(1),
          cy: sy(mean).toFixed(1),
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
          `mean ${formatNum(mean)} ± ${formatNum(b - mean)} (1 s.e., n = ${sweep.n[config]})` +
          (Number.isFinite(pAdj) ? `; p adj ${formatP(pAdj)}` : "");
        dot.append(t);
      });
    });
    return svg;
  }

  dispose(): void {
    this.el.removeEventListener("click", this.onClick);
    this.el.removeEventListener("keydown", this.onKey);
  }
}
