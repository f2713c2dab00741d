// Per-row strip plot of the quantised per-seed scores on one axis shared by all rows
// ([score_min, score_max] of the whole sweep). One <path> per row keeps the DOM small.

import type { Sweep } from "./model";

const SVG_NS = "http://www.w3.org/2000/svg";
export const STRIP_WIDTH = 100;
export const STRIP_HEIGHT = 10;

/** x position (0..STRIP_WIDTH) of a quantised score 1..65535 (0 = no score -> NaN). */
export function quantisedX(q: number): number {
  if (q <= 0) return NaN;
  return ((q - 1) / 65534) * STRIP_WIDTH;
}

/** x position of a raw value on the shared axis (clamped; NaN if unknown). */
export function valueX(v: number, min: number, max: number): number {
  if (!Number.isFinite(v)) return NaN;
  if (!(max > min)) return STRIP_WIDTH / 2;
  return Math.min(STRIP_WIDTH, Math.max(0, ((v - min) / (max - min)) * STRIP_WIDTH));
}

/** SVG path data: one short vertical tick per score of `config`. */
export function stripPath(scores: Uint16Array, k: number, config: number): string {
  const parts: string[] = [];
  const base = config * k;
  for (let j = 0; j < k; j++) {
    const x = quantisedX(scores[base + j] ?? 0);
    if (!Number.isNaN(x)) parts.push(`M${x.toFixed(2)} 1.5V${STRIP_HEIGHT - 1.5}`);
  }
  return parts.join("");
}

/** A fresh strip plot element for `config`: ticks per seed, and the mean as a small bar. */
export function renderStrip(doc: Document, sweep: Sweep, config: number): SVGSVGElement {
  const svg = doc.createElementNS(SVG_NS, "svg");
  svg.setAttribute("class", "sw-strip");
  svg.setAttribute("viewBox", `0 0 ${STRIP_WIDTH} ${STRIP_HEIGHT}`);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("aria-hidden", "true");
  const axis = doc.createElementNS(SVG_NS, "path");
  axis.setAttribute("class", "sw-strip-axis");
  axis.setAttribute("d", `M0 ${STRIP_HEIGHT / 2}H${STRIP_WIDTH}`);
  const ticks = doc.createElementNS(SVG_NS, "path");
  ticks.setAttribute("class", "sw-strip-ticks");
  ticks.setAttribute("d", stripPath(sweep.scores, sweep.scores_k, config));
  svg.append(axis, ticks);
  const mx = valueX(sweep.mean[config], sweep.score_min, sweep.score_max);
  if (!Number.isNaN(mx)) {
    const mean = doc.createElementNS(SVG_NS, "path");
    mean.setAttribute("class", "sw-strip-mean");
    mean.setAttribute("d", `M${mx.toFixed(2)} 0V${STRIP_HEIGHT}`);
    svg.append(mean);
  }
  return svg;
}
