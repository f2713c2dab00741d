// Types that mirror the Python traitlets one to one (snake_case, no renaming layer),
// and the decoding of the binary buffers described in docs/widget-protocol.md.

import { toTyped, type Buffer } from "./buffers";
import type { RawResults, Results } from "./results";

export { toTyped, type Buffer } from "./buffers";
export { appendRows, decodeResults, walkWide, type RawResults, type Results } from "./results";
export { adoptState, settingsMatch, stateMatches } from "./state";

/**
 * A status word. The words of `compare()` come from Python (`_sweep.vocabulary.status`, in the
 * order of the `_results.status` Uint8 codes); `out` is the frontend's own: a configuration
 * that is not part of the current comparison.
 */
export type Status = string;
export const OUT: Status = "out";
/**
 * The frontend's word for a compared row whose p-value the kernel is still computing (a results
 * payload with `pending: true`, its status code PENDING_CODE): no verdict yet, never one of
 * Python's statuses.
 */
export const PENDING: Status = "pending";
/** The `status` code of a row still being tested (Python's `PENDING_CODE`). */
export const PENDING_CODE = 255;

/** `_sweep.vocabulary`: for each choice (test, correction, ..., status) its [value, label] pairs. */
export type Vocabulary = Record<string, Array<[string, string]>>;


export interface RawParam {
  name: string;
  numeric: boolean;
  labels: string[];
  /** Absent when the sweep is windowed (its rows bring them: `sweep_rows`). */
  codes?: Buffer;
}

/**
 * The sweep columns of some configurations (`sweep_rows`, python/sweepwalk/widget/sweep_rows.py):
 * what a windowed sweep's results and grid windows carry for their rows.
 */
export interface RawSweepRows {
  ids: Buffer;
  /** One Int32 buffer per parameter, in `params` order. */
  codes: Buffer[];
  n: Buffer;
  n_missing: Buffer;
  mean: Buffer;
  std: Buffer;
  /** Ragged: `n[j]` quantised scores per configuration, in `ids` order. */
  scores: Buffer;
}

export interface RawSweep {
  n_configs: number;
  metric: string;
  goal: "max" | "min";
  min_runs: number;
  /** The per-configuration columns are left out: rows bring them (`sweep_rows`). */
  windowed?: boolean;
  params: RawParam[];
  n?: Buffer;
  n_missing?: Buffer;
  mean?: Buffer;
  std?: Buffer;
  /** Ragged: each configuration's `n` quantised scores, configuration by configuration. */
  scores?: Buffer;
  scores_k: number;
  score_min: number;
  score_max: number;
  tests: string[];
  corrections: string[];
  vocabulary: Vocabulary;
  /** The status words of a significant row (Python's `SIGNIFICANT_STATUSES`). */
  significant: string[];
  /** The user-visible settings a results payload's `state` carries (Python's `USER_SETTINGS`). */
  settings: string[];
  /** The results schema: every `_results` column and its buffer type (`RESULT_COLUMNS`). */
  results_columns: Record<string, string>;
}

/** The complete state a `_results` payload was computed for (Python's `Session`). */
export interface ResultsState {
  target: number;
  test: string;
  correction: string;
  alpha: number;
  against: string;
  neighbors: string;
  error_control: string;
  /** The walk's back/forward history and the cursor into it. */
  history: number[];
  cursor: number;
}

/** `_ledger`: the walk ledger's summary (Python writes it after every recompute). */
export interface LedgerInfo {
  error_control: string;
  method: string;
  alpha: number;
  test: string;
  n_tests: number;
  n_discoveries: number;
  rule: string;
  generation: number;
  /** Why the current ledger started ("" for the first one). */
  reason: string;
}

export interface WalkStep {
  from: number;
  to: number;
  varied: string | null;
  pvalue: number | null;
  pvalue_adj: number | null;
  effect: number | null;
}

/** `_walk`: the last greedy walk, laid out in the history from position `offset` on. */
export interface WalkInfo {
  path: number[];
  steps: WalkStep[];
  stopped: string;
  offset: number;
  test: string;
  correction: string;
  alpha: number;
  neighbors: string;
  error_control: string;
  /** What to keep in mind about the walk's end, in words (the winner's curse). */
  notes?: string[];
  /** The end's mean on held-out seeds (null without holdout). */
  holdout_estimate?: { config: number; mean: number | null; low: number | null; high: number | null; n: number } | null;
}

/** The synced traits (public and private) of `SweepWidget`. */
export interface WidgetTraits {
  target: number;
  test: string;
  correction: string;
  alpha: number;
  against: string;
  neighbors: string;
  selected: number[];
  error_control: string;
  /** Written by the frontend to move along the history (Python then moves the target). */
  _history_index: number;
  _sweep: RawSweep | null | Record<string, never>;
  _results: RawResults | null | Record<string, never>;
  _error: string;
  _ledger: LedgerInfo | Record<string, never> | null;
  _walk: WalkInfo | Record<string, never> | null;
  _progress: number;
}

/** The part of anywidget's model interface that the frontend uses. */
export interface AnyModel {
  get<K extends keyof WidgetTraits>(key: K): WidgetTraits[K];
  set<K extends keyof WidgetTraits>(key: K, value: WidgetTraits[K]): void;
  on(event: string, callback: (...args: any[]) => void): void;
  off(event?: string | null, callback?: ((...args: any[]) => void) | null): void;
  save_changes(): void;
  send(content: unknown, callbacks?: unknown, buffers?: ArrayBuffer[] | ArrayBufferView[]): void;
}

export interface Param {
  name: string;
  numeric: boolean;
  labels: string[];
  /** Per-config code into `labels`; -1 = absent (a conditional parameter that does not apply). */
  codes: Int32Array;
}

export interface Sweep {
  n_configs: number;
  metric: string;
  goal: "max" | "min";
  min_runs: number;
  params: Param[];
  n: Int32Array;
  n_missing: Int32Array;
  mean: Float64Array;
  std: Float64Array;
  /**
   * Quantised scores (0 = no score), ragged: configuration c's are `scores[score_start[c]]` to
   * `scores[score_start[c + 1]]` (read them with `scoresOf`). A windowed sweep keeps them per
   * configuration in `score_rows` instead.
   */
  scores: Uint16Array;
  score_start: Int32Array;
  /** Largest number of scores of a configuration. */
  scores_k: number;
  /**
   * Sent a window at a time: the per-configuration columns hold only the configurations whose
   * rows came (`loaded`); the others read n 0, mean NaN and absent parameter values.
   */
  windowed: boolean;
  /** 1 where a windowed sweep's columns are present (null: every configuration's are). */
  loaded: Uint8Array | null;
  /** A windowed sweep's quantised scores by config id (null when not windowed). */
  score_rows: Map<number, Uint16Array> | null;
  score_min: number;
  score_max: number;
  tests: string[];
  corrections: string[];
  vocabulary: Vocabulary;
  /** Status words in code order (`vocabulary.status`). */
  statuses: Status[];
  /** The status words of a significant row. */
  significant: ReadonlySet<Status>;
  /** The settings a results payload's state carries, by trait name (`_sweep.settings`). */
  settings: readonly string[];
  /** The results schema (`_sweep.results_columns`). */
  results_columns: Readonly<Record<string, string>>;
}

function num(x: unknown, fallback: number): number {
  return typeof x === "number" && Number.isFinite(x) ? x : fallback;
}

/** Decode `_sweep`; returns null for an empty or missing trait. */
export function decodeSweep(raw: WidgetTraits["_sweep"]): Sweep | null {
  if (!raw || typeof (raw as RawSweep).n_configs !== "number") return null;
  const r = raw as RawSweep;
  const windowed = r.windowed === true;
  const size = r.n_configs;
  // a windowed sweep: columns to fill as rows come (NaN / -1 / 0 until then)
  const column = <T extends Float64Array | Int32Array>(buf: Buffer | undefined, Ctor: { new (n: number): T }, fill: number): T =>
    windowed ? (new Ctor(size).fill(fill) as T) : toTyped(buf, Ctor as never);
  const n = column(r.n, Int32Array, 0);
  const vocabulary: Vocabulary = {};
  for (const [name, pairs] of Object.entries(r.vocabulary ?? {})) {
    vocabulary[name] = (pairs ?? []).map(([value, label]) => [String(value), String(label)]);
  }
  return {
    n_configs: r.n_configs,
    metric: String(r.metric ?? ""),
    goal: r.goal === "min" ? "min" : "max",
    min_runs: num(r.min_runs, 1),
    params: (r.params ?? []).map((p) => ({
      name: String(p.name),
      numeric: Boolean(p.numeric),
      labels: (p.labels ?? []).map(String),
      codes: column(p.codes, Int32Array, -1),
    })),
    n,
    n_missing: column(r.n_missing, Int32Array, 0),
    mean: column(r.mean, Float64Array, NaN),
    std: column(r.std, Float64Array, NaN),
    scores: toTyped(r.scores, Uint16Array),
    score_start: windowed ? new Int32Array(0) : starts(n),
    scores_k: num(r.scores_k, 0),
    windowed,
    loaded: windowed ? new Uint8Array(size) : null,
    score_rows: windowed ? new Map() : null,
    score_min: num(r.score_min, 0),
    score_max: num(r.score_max, 1),
    tests: (r.tests ?? []).map(String),
    corrections: (r.corrections ?? []).map(String),
    vocabulary,
    statuses: (vocabulary.status ?? []).map(([value]) => value),
    significant: new Set((r.significant ?? []).map(String)),
    settings: (r.settings ?? []).map(String),
    results_columns: { ...(r.results_columns ?? {}) },
  };
}

/** Where each configuration's scores start in the ragged `scores` (n_configs + 1 offsets). */
function starts(n: Int32Array): Int32Array {
  const out = new Int32Array(n.length + 1);
  for (let c = 0; c < n.length; c++) out[c + 1] = out[c] + Math.max(0, n[c]);
  return out;
}

/** The quantised scores of configuration `config` (empty when it has none or is not loaded). */
export function scoresOf(sweep: Sweep, config: number): Uint16Array {
  if (sweep.score_rows) return sweep.score_rows.get(config) ?? EMPTY_SCORES;
  const a = sweep.score_start[config];
  const b = sweep.score_start[config + 1];
  return a === undefined || b === undefined ? EMPTY_SCORES : sweep.scores.subarray(a, b);
}
const EMPTY_SCORES = new Uint16Array(0);

/** Are configuration `config`'s sweep columns here (always, unless the sweep is windowed)? */
export function isLoaded(sweep: Sweep, config: number): boolean {
  return config >= 0 && config < sweep.n_configs && (sweep.loaded === null || sweep.loaded[config] === 1);
}

/**
 * Fill a windowed sweep's columns with the rows of `raw` (`sweep_rows`); returns how many
 * configurations were new. A sweep sent whole is left as it is.
 */
export function mergeSweepRows(sweep: Sweep, raw: RawSweepRows | null | undefined): number {
  if (!sweep.loaded || !sweep.score_rows || !raw || typeof raw !== "object") return 0;
  const ids = toTyped(raw.ids, Int32Array);
  const n = toTyped(raw.n, Int32Array);
  const missing = toTyped(raw.n_missing, Int32Array);
  const mean = toTyped(raw.mean, Float64Array);
  const std = toTyped(raw.std, Float64Array);
  const scores = toTyped(raw.scores, Uint16Array);
  const codes = sweep.params.map((_, k) => toTyped((raw.codes ?? [])[k], Int32Array));
  let added = 0;
  let at = 0;
  for (let j = 0; j < ids.length; j++) {
    const c = ids[j];
    const k = Math.max(0, n[j] ?? 0);
    if (c >= 0 && c < sweep.n_configs && sweep.loaded[c] !== 1) {
      sweep.n[c] = n[j];
      sweep.n_missing[c] = missing[j] ?? 0;
      sweep.mean[c] = mean[j] ?? NaN;
      sweep.std[c] = std[j] ?? NaN;
      sweep.params.forEach((p, i) => (p.codes[c] = codes[i][j] ?? -1));
      sweep.score_rows.set(c, scores.slice(at, at + k));
      sweep.loaded[c] = 1;
      added++;
    }
    at += k;
  }
  return added;
}

/** The values of one choice of the vocabulary (`test`, `correction`, ...), in display order. */
export function choices(sweep: Sweep | null, name: string): string[] {
  return (sweep?.vocabulary[name] ?? []).map(([value]) => value);
}

/** value -> label of one choice of the vocabulary. */
export function labels(sweep: Sweep | null, name: string): Record<string, string> {
  return Object.fromEntries(sweep?.vocabulary[name] ?? []);
}

/** The status as a reader sees it: "out" reads "not compared" (the attribute stays `out`). */
export function statusWord(status: string): string {
  return status === OUT ? "not compared" : status;
}

/** The status of a configuration under `results` (`out` if it is not compared). */
export function statusOf(results: Results | null, config: number): Status {
  if (!results) return "out";
  const i = results.index[config];
  if (i === undefined || i < 0) return OUT;
  const code = results.status[i];
  if (results.pending && code === PENDING_CODE) return PENDING;
  return results.statuses[code] ?? OUT;
}

/** Display label of one configuration's value of parameter `p` (em dash when absent). */
export function paramLabel(p: Param, config: number): string {
  const code = p.codes[config];
  return code === undefined || code < 0 ? "—" : (p.labels[code] ?? "—");
}

/** "lr=0.1, depth=3": a configuration as text (for titles and the breadcrumb). */
export function configLabel(sweep: Sweep | null, config: number): string {
  if (!sweep) return `#${config}`;
  return sweep.params.map((p) => `${p.name}=${paramLabel(p, config)}`).join(", ");
}
