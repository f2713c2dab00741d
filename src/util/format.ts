// Number formatting for the grid and the detail panel. Missing values (NaN, null,
// undefined, +-Infinity where it makes no sense) are shown as an em dash.

export const DASH = "—";

function missing(x: number | null | undefined): x is null | undefined {
  return x === null || x === undefined || Number.isNaN(x);
}

/** A p-value: three significant digits down to 0.001 ("0.0123"), then "7.4e-7". */
export function formatP(p: number | null | undefined): string {
  if (missing(p) || !Number.isFinite(p)) return DASH;
  if (p === 0) return "0";
  if (p >= 0.001) return p.toPrecision(3);
  return p.toExponential(1).replace("e+", "e");
}

/** A general number with `digits` significant digits, no exponent for everyday magnitudes. */
export function formatNum(x: number | null | undefined, digits = 3): string {
  if (missing(x)) return DASH;
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  if (x === 0) return "0";
  const ax = Math.abs(x);
  if (ax >= 1e6 || ax < 1e-4) return x.toExponential(Math.max(0, digits - 1)).replace("e+", "e");
  const s = x.toPrecision(digits);
  // toPrecision may still use an exponent ("1.2e+3" for digits < integer digits).
  return s.includes("e") ? String(Math.round(x)) : s;
}

/** "0.812 ± 0.031"; the std part is omitted when it is missing (n < 2). */
export function formatMeanStd(mean: number, std: number, digits = 3): string {
  if (missing(mean)) return DASH;
  if (missing(std)) return formatNum(mean, digits);
  return `${formatNum(mean, digits)} ± ${formatNum(std, 2)}`;
}

/** A12 effect size on [0, 1]: three decimals ("0.500"). */
export function formatEffect(e: number | null | undefined): string {
  if (missing(e) || !Number.isFinite(e)) return DASH;
  return e.toFixed(3);
}

/** "+0.0123 [−0.004, 0.031]": a signed estimate with its interval, 3 significant digits. */
export function formatEstimate(x: number, lo: number, hi: number): string {
  if (missing(x) || !Number.isFinite(x)) return DASH;
  const v = (x > 0 ? "+" : "") + formatNum(x);
  return Number.isFinite(lo) && Number.isFinite(hi) ? `${v} [${formatNum(lo)}, ${formatNum(hi)}]` : v;
}

export function formatInt(n: number | null | undefined): string {
  if (missing(n) || !Number.isFinite(n)) return DASH;
  return String(Math.round(n));
}

/**
 * A walk-wide decision: "0.0144 > 0.00313" (the p-value against the online level it was held to;
 * significant when p ≤ level). An em dash when there was no test.
 */
export function formatLevelTest(p: number, level: number): string {
  if (missing(p) || missing(level)) return DASH;
  return `${formatP(p)} ${p <= level ? "≤" : ">"} ${formatP(level)}`;
}
