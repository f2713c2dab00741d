// Types that mirror the Python traitlets one to one (snake_case, no renaming layer),
// and the decoding of the binary buffers described in docs/widget-protocol.md.

import { toTyped, type Buffer } from "./buffers";
import type { RawResults, Results } from "./results";

export { toTyped, type Buffer } from "./buffers";
export { decodeResults, walkWide, type RawResults, type Results } from "./results";
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
  codes: Buffer;
}

export interface RawSweep {
  n_configs: number;
  metric: string;
  goal: "max" | "min";
  min_runs: number;
  params: RawParam[];
  n: Buffer;
  n_missing: Buffer;
  mean: Buffer;
  std: Buffer;
  scores: Buffer;
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
  /** (n_configs * scores_k) quantised scores; 0 = no score. */
  scores: Uint16Array;
  scores_k: number;
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
      codes: toTyped(p.codes, Int32Array),
    })),
    n: toTyped(r.n, Int32Array),
    n_missing: toTyped(r.n_missing, Int32Array),
    mean: toTyped(r.mean, Float64Array),
    std: toTyped(r.std, Float64Array),
    scores: toTyped(r.scores, Uint16Array),
    scores_k: num(r.scores_k, 0),
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
