// Walk insights, pure logic (no DOM): the power marker, the per-target summary of which
// parameters matter among the target's neighbours, where the user stands on a played walk,
// and the ledger's one-line summary. The panels that draw them live in importance.ts,
// walkplayer.ts and ledger.ts.

import { statusOf, type LedgerInfo, type Results, type Sweep, type WalkInfo } from "./model";

/**
 * Is row `i` of `results` underpowered? The power marker (a row shown as `ns` whose minimal
 * detectable difference exceeds the observed |difference in means|) is decided in the kernel,
 * once (`sweepwalk._vocab.is_underpowered`); this reads its flag, which follows the statuses
 * shown, also under walk-wide error control. No flag sent: no marker.
 */
export function isUnderpowered(results: Results | null, i: number): boolean {
  if (!results || i < 0 || i >= results.rows.length) return false;
  return results.underpowered !== null && results.underpowered[i] === 1;
}

/** Median of finite values (NaN for none). */
export function median(values: readonly number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const h = Math.floor(v.length / 2);
  return v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

export interface ParamSummary {
  param: string;
  /** index into sweep.params */
  index: number;
  /** neighbours along the parameter (rows compared with the target) */
  compared: number;
  /** of which a test was made (status other than `na`) */
  tested: number;
  /** of which significant under the rule in force (better, worse, differs) */
  significant: number;
  /** median |A12 - 0.5| over the tested ones (0 = no tendency, 0.5 = complete separation) */
  median_abs_effect: number;
  /** tested and significant, with a Δ mean interval not inside ±margin */
  matters: number;
  /** tested, with a Δ mean interval inside ±margin (0 without a margin) */
  negligible: number;
  /** tested and neither */
  inconclusive: number;
}

/**
 * Which parameters matter around the target: per parameter, the target's neighbours along it
 * (rows whose `varied` is that parameter), how many were tested, how many are significant under
 * the statuses shown, and the median |effect − 0.5|. Parameters with no neighbour are listed
 * with zeros so the table keeps the sweep's order.
 */
export function neighbourSummary(sweep: Sweep, results: Results | null, margin: number | null = null): ParamSummary[] {
  const out: ParamSummary[] = sweep.params.map((p, index) => ({
    param: p.name,
    index,
    compared: 0,
    tested: 0,
    significant: 0,
    median_abs_effect: NaN,
    matters: 0,
    negligible: 0,
    inconclusive: 0,
  }));
  if (!results) return out;
  const effects: number[][] = sweep.params.map(() => []);
  for (let i = 0; i < results.rows.length; i++) {
    const v = results.varied[i];
    const config = results.rows[i];
    if (v < 0 || v >= out.length || config === results.target) continue;
    const s = out[v];
    s.compared++;
    if (!Number.isFinite(results.pvalue[i])) continue; // no test could be made
    s.tested++;
    const significant = sweep.significant.has(statusOf(results, config));
    if (significant) s.significant++;
    // the kernel's interval of the difference in means lies inside ±margin: as small as that
    const lo = results.diff_mean_low[i];
    const hi = results.diff_mean_high[i];
    const within = margin !== null && margin > 0 && lo > -margin && hi < margin;
    if (within) s.negligible++;
    else if (significant) s.matters++;
    else s.inconclusive++;
    effects[v].push(Math.abs(results.effect[i] - 0.5));
  }
  out.forEach((s, k) => (s.median_abs_effect = median(effects[k])));
  return out;
}

export interface WalkPosition {
  /** The walk's path still fills the history from `offset` on. */
  onPath: boolean;
  /** 0-based step of the cursor along the path (0 = start), -1 when off the path. */
  step: number;
  /** number of moves of the walk */
  moves: number;
}

/** Where the history cursor stands on the played walk. */
export function walkPosition(walk: WalkInfo | null, history: readonly number[], index: number): WalkPosition {
  if (!walk || !Array.isArray(walk.path) || walk.path.length === 0) return { onPath: false, step: -1, moves: 0 };
  const { path, offset } = walk;
  const moves = path.length - 1;
  const onPath = offset >= 0 && path.every((c, k) => history[offset + k] === c);
  const step = onPath && index >= offset && index < offset + path.length ? index - offset : -1;
  return { onPath, step, moves };
}

/** A `_walk` value that holds a walk (not `{}` / null). */
export function asWalk(raw: unknown): WalkInfo | null {
  const w = raw as WalkInfo | null;
  return w && Array.isArray(w.path) && w.path.length > 0 ? w : null;
}

/** A `_ledger` value that holds a ledger summary (not `{}` / null). */
export function asLedger(raw: unknown): LedgerInfo | null {
  const l = raw as LedgerInfo | null;
  return l && typeof l.n_tests === "number" ? l : null;
}

/** The ledger badge: a short text and its tooltip (the full rule). */
export function ledgerSummary(info: LedgerInfo | null): { text: string; title: string } {
  if (!info) return { text: "", title: "" };
  const tests = `${info.n_tests} test${info.n_tests === 1 ? "" : "s"} so far`;
  const method = info.method === "lord++" ? "LORD++" : info.method.toUpperCase();
  const rule =
    info.error_control === "walk"
      ? `walk-wide FDR ≤ ${info.alpha} (${method})`
      : "per-target correction (no walk-wide control)";
  const title = info.reason ? `${info.rule}\n${info.reason}` : info.rule;
  return { text: `${rule} · ${tests}, ${info.n_discoveries} significant`, title };
}
