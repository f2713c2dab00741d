// Two empirical CDFs (target and row) and the Kolmogorov-Smirnov distance D drawn where
// it occurs: D = sup_x |F_target(x) - F_row(x)|, the statistic of scipy's ks_2samp.

const SVG_NS = "http://www.w3.org/2000/svg";

export interface KsLocation {
  /** The KS distance (NaN if either sample is empty). */
  d: number;
  /** The x where it is reached first (the smallest such pooled value). */
  x: number;
  /** F_a(x) and F_b(x) at that x (right-continuous ECDFs). */
  fa: number;
  fb: number;
}

function sortedFinite(xs: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(Array.prototype.filter.call(xs, (v: number) => Number.isFinite(v)) as number[]);
  return out.sort();
}

/** Where the two-sample KS distance of `a` and `b` occurs. */
export function ksLocation(aIn: ArrayLike<number>, bIn: ArrayLike<number>): KsLocation {
  const a = sortedFinite(aIn);
  const b = sortedFinite(bIn);
  const na = a.length;
  const nb = b.length;
  if (na === 0 || nb === 0) return { d: NaN, x: NaN, fa: NaN, fb: NaN };
  let i = 0;
  let j = 0;
  let best: KsLocation = { d: -1, x: NaN, fa: 0, fb: 0 };
  while (i < na || j < nb) {
    const z = Math.min(i < na ? a[i] : Infinity, j < nb ? b[j] : Infinity);
    while (i < na && a[i] <= z) i++;
    while (j < nb && b[j] <= z) j++;
    const fa = i / na;
    const fb = j / nb;
    const d = Math.abs(fa - fb);
    if (d > best.d + 1e-15) best = { d, x: z, fa, fb };
  }
  return best;
}

/** Points of the step function of the ECDF of sorted `xs`, from `lo` to `hi`. */
export function ecdfPoints(xs: ArrayLike<number>, lo: number, hi: number): Array<[number, number]> {
  const s = sortedFinite(xs);
  const n = s.length;
  const pts: Array<[number, number]> = [[lo, 0]];
  for (let i = 0; i < n; i++) {
    // jump at ties only once
    if (i + 1 < n && s[i + 1] === s[i]) continue;
    const before = pts[pts.length - 1][1];
    pts.push([s[i], before], [s[i], (i + 1) / n]);
  }
  pts.push([hi, n ? 1 : 0]);
  return pts;
}

export interface EcdfPlotOptions {
  width?: number;
  height?: number;
  targetLabel: string;
  rowLabel: string;
  /** Status class of the row's curve (sw-status colours). */
  rowStatus: string;
}

/** An SVG with both ECDFs, the D segment, and a small axis. */
export function renderEcdf(
  doc: Document,
  target: ArrayLike<number>,
  row: ArrayLike<number>,
  opts: EcdfPlotOptions,
): SVGSVGElement {
  const W = opts.width ?? 320;
  const H = opts.height ?? 150;
  // the top margin holds the D label, clear of the curves
  const m = { l: 30, r: 8, t: 20, b: 20 };
  const all = [...sortedFinite(target), ...sortedFinite(row)];
  let lo = all.length ? Math.min(...all) : 0;
  let hi = all.length ? Math.max(...all) : 1;
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pad = (hi - lo) * 0.04;
  lo -= pad;
  hi += pad;
  const sx = (x: number) => m.l + ((x - lo) / (hi - lo)) * (W - m.l - m.r);
  const sy = (y: number) => H - m.b - y * (H - m.t - m.b);
  const path = (pts: Array<[number, number]>) =>
    pts.map(([x, y], i) => `${i ? "L" : "M"}${sx(x).toFixed(1)} ${sy(y).toFixed(1)}`).join("");

  const svg = doc.createElementNS(SVG_NS, "svg");
  svg.setAttribute("class", "sw-ecdf");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("width", String(W));
  svg.setAttribute("height", String(H));
  svg.setAttribute("role", "img");
  const el = (tag: string, attrs: Record<string, string>, text?: string) => {
    const e = doc.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    svg.append(e);
    return e;
  };
  el("path", { class: "sw-ecdf-axis", d: `M${m.l} ${m.t}V${H - m.b}H${W - m.r}` });
  el("text", { class: "sw-ecdf-tick", x: String(m.l - 4), y: String(sy(1) + 4), "text-anchor": "end" }, "1");
  el("text", { class: "sw-ecdf-tick", x: String(m.l - 4), y: String(sy(0)), "text-anchor": "end" }, "0");
  el("text", { class: "sw-ecdf-tick", x: String(m.l), y: String(H - 4) }, fmt(lo + pad));
  el("text", { class: "sw-ecdf-tick", x: String(W - m.r), y: String(H - 4), "text-anchor": "end" }, fmt(hi - pad));
  // an empty sample has no ECDF: draw nothing rather than a line along y = 0
  if (sortedFinite(target).length) el("path", { class: "sw-ecdf-line sw-ecdf-target", d: path(ecdfPoints(target, lo, hi)) });
  if (sortedFinite(row).length) {
    el("path", {
      class: `sw-ecdf-line sw-ecdf-row sw-status-${opts.rowStatus}`,
      d: path(ecdfPoints(row, lo, hi)),
    });
  }
  const ks = ksLocation(target, row);
  if (ks.d > 0) {
    const x = sx(ks.x).toFixed(1);
    el("path", { class: "sw-ecdf-d", d: `M${x} ${sy(ks.fa).toFixed(1)}V${sy(ks.fb).toFixed(1)}` });
    // the label sits in the top margin, above the segment's x, never on a curve
    const lx = Math.min(W - m.r, Math.max(m.l, sx(ks.x)));
    el("path", { class: "sw-ecdf-dguide", d: `M${x} ${m.t - 4}V${Math.min(sy(ks.fa), sy(ks.fb)).toFixed(1)}` });
    el(
      "text",
      {
        class: "sw-ecdf-dlabel",
        x: lx.toFixed(1),
        y: String(m.t - 7),
        "text-anchor": lx < W / 3 ? "start" : lx > (2 * W) / 3 ? "end" : "middle",
      },
      `D = ${ks.d.toFixed(3)} at ${fmt(ks.x)}`,
    );
  }
  const title = doc.createElementNS(SVG_NS, "title");
  title.textContent = `ECDF of ${opts.targetLabel} (solid) and ${opts.rowLabel} (dashed)`;
  svg.prepend(title);
  return svg;
}

function fmt(x: number): string {
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? x.toExponential(1) : String(Number(x.toPrecision(3)));
}
