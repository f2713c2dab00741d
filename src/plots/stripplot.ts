// Per-row strip plot of the quantised per-seed scores on one axis shared by all rows of
// the current view (the range of their scores, so neighbours are not squashed by a far
// outlier elsewhere in the sweep). One <path> per row keeps the DOM small.

import { scoresOf, type Sweep } from "../model/model";

const SVG_NS = "http://www.w3.org/2000/svg";
export const STRIP_WIDTH = 100;
export const STRIP_HEIGHT = 10;

/** The axis, in quantised units 1..65535: shared by every row of the current view. */
export interface StripAxis {
  lo: number;
  hi: number;
}

export const FULL_AXIS: StripAxis = { lo: 1, hi: 65535 };

/**
 * The smallest axis holding every score of the rows in `order` (`scores(config)`: a row's
 * quantised scores; null when not known here): the full axis when there is none, or when a row
 * listed is not known (a windowed sweep: the axis is then the sweep's whole range, which does
 * not move as rows come).
 */
export function stripAxis(scores: (config: number) => ArrayLike<number> | null, order: ArrayLike<number>): StripAxis {
  let lo = 65536;
  let hi = 0;
  for (let i = 0; i < order.length; i++) {
    const row = order[i] < 0 ? null : scores(order[i]);
    if (row === null) return FULL_AXIS;
    for (let j = 0; j < row.length; j++) {
      const q = row[j];
      if (q > 0) {
        if (q < lo) lo = q;
        if (q > hi) hi = q;
      }
    }
  }
  if (hi === 0) return FULL_AXIS;
  if (hi === lo) return { lo: Math.max(1, lo - 1), hi: Math.min(65535, hi + 1) };
  return { lo, hi };
}

/** The score value of a quantised level on the sweep's [score_min, score_max]. */
export function dequantise(q: number, min: number, max: number): number {
  return min + ((q - 1) / 65534) * (max - min);
}

/** x position (0..STRIP_WIDTH) of a quantised score (0 = no score -> NaN). */
export function quantisedX(q: number, axis: StripAxis = FULL_AXIS): number {
  if (q <= 0) return NaN;
  return ((q - axis.lo) / (axis.hi - axis.lo)) * STRIP_WIDTH;
}

/** x position of a raw value on the axis (clamped; NaN if unknown). */
export function valueX(v: number, min: number, max: number, axis: StripAxis = FULL_AXIS): number {
  if (!Number.isFinite(v)) return NaN;
  if (!(max > min)) return STRIP_WIDTH / 2;
  const q = 1 + ((v - min) / (max - min)) * 65534;
  return Math.min(STRIP_WIDTH, Math.max(0, quantisedX(q, axis)));
}

/** SVG path data: one short vertical tick per score of a row (its quantised `scores`). */
export function stripPath(scores: ArrayLike<number>, axis: StripAxis = FULL_AXIS): string {
  const parts: string[] = [];
  for (let j = 0; j < scores.length; j++) {
    const x = quantisedX(scores[j] ?? 0, axis);
    if (!Number.isNaN(x)) parts.push(`M${x.toFixed(2)} 1.5V${STRIP_HEIGHT - 1.5}`);
  }
  return parts.join("");
}

/** A fresh strip plot element for `config`: ticks per seed, and the mean as a small bar. */
export function renderStrip(doc: Document, sweep: Sweep, config: number, axis: StripAxis = FULL_AXIS): SVGSVGElement {
  const svg = doc.createElementNS(SVG_NS, "svg");
  svg.setAttribute("class", "sw-strip");
  svg.setAttribute("viewBox", `0 0 ${STRIP_WIDTH} ${STRIP_HEIGHT}`);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("aria-hidden", "true");
  const line = doc.createElementNS(SVG_NS, "path");
  line.setAttribute("class", "sw-strip-axis");
  line.setAttribute("d", `M0 ${STRIP_HEIGHT / 2}H${STRIP_WIDTH}`);
  const ticks = doc.createElementNS(SVG_NS, "path");
  ticks.setAttribute("class", "sw-strip-ticks");
  ticks.setAttribute("d", stripPath(scoresOf(sweep, config), axis));
  svg.append(line, ticks);
  const mx = valueX(sweep.mean[config], sweep.score_min, sweep.score_max, axis);
  if (!Number.isNaN(mx)) {
    const mean = doc.createElementNS(SVG_NS, "path");
    mean.setAttribute("class", "sw-strip-mean");
    mean.setAttribute("d", `M${mx.toFixed(2)} 0V${STRIP_HEIGHT}`);
    svg.append(mean);
  }
  return svg;
}
