// Types that mirror the Python traitlets one to one (snake_case, no renaming layer),
// and the decoding of the binary buffers described in docs/widget-protocol.md.

/**
 * A status word. The words of `compare()` come from Python (`_sweep.vocabulary.status`, in the
 * order of the `_results.status` Uint8 codes); `out` is the frontend's own: a configuration
 * that is not part of the current comparison.
 */
export type Status = string;
export const OUT: Status = "out";

/** `_sweep.vocabulary`: for each choice (test, correction, ..., status) its [value, label] pairs. */
export type Vocabulary = Record<string, Array<[string, string]>>;

/** A binary buffer as the widget manager hands it over (DataView in JupyterLab/VS Code). */
export type Buffer = DataView | ArrayBuffer | ArrayBufferView | ArrayLike<number>;

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

export interface RawResults {
  state: ResultsState;
  target: number;
  rows: Buffer;
  status: Buffer;
  statistic: Buffer;
  pvalue: Buffer;
  pvalue_adj: Buffer;
  effect: Buffer;
  diff_mean: Buffer;
  varied: Buffer;
  // effect and mean-difference intervals, power (present when compare() has them)
  effect_low?: Buffer;
  effect_high?: Buffer;
  diff_mean_low?: Buffer;
  diff_mean_high?: Buffer;
  mde?: Buffer;
  seeds_needed?: Buffer;
  underpowered?: Buffer;
  // the verdict evidence (present when compare() has them)
  estimate?: Buffer;
  estimate_low?: Buffer;
  estimate_high?: Buffer;
  min_pvalue?: Buffer;
  reachable?: Buffer;
  level?: Buffer;
  level_pvalue?: Buffer;
  estimand?: string;
  notes?: string[];
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

type TypedCtor<T> = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  new (length: number): T;
  from(values: ArrayLike<number>): T;
  BYTES_PER_ELEMENT: number;
};

/**
 * View a buffer as a little-endian typed array of `Ctor`.
 *
 * Zero-copy when the bytes are aligned; copies otherwise (a DataView may start at any byte
 * offset of a larger message buffer). Plain number arrays are accepted for tests and for
 * widget managers that hand over lists. Missing buffers give an empty array.
 */
export function toTyped<T extends ArrayBufferView>(buf: Buffer | null | undefined, Ctor: TypedCtor<T>): T {
  if (buf == null) return new Ctor(0);
  if (buf instanceof Ctor) return buf;
  let bytes: ArrayBufferLike;
  let offset = 0;
  let length: number;
  if (ArrayBuffer.isView(buf)) {
    bytes = buf.buffer;
    offset = buf.byteOffset;
    length = buf.byteLength;
  } else if (buf instanceof ArrayBuffer || isArrayBufferLike(buf)) {
    bytes = buf as ArrayBufferLike;
    length = (buf as ArrayBuffer).byteLength;
  } else {
    return Ctor.from(buf as ArrayLike<number>);
  }
  const size = Ctor.BYTES_PER_ELEMENT;
  const count = Math.floor(length / size);
  if (offset % size === 0) return new Ctor(bytes, offset, count);
  const copy = new Uint8Array(count * size);
  copy.set(new Uint8Array(bytes, offset, count * size));
  return new Ctor(copy.buffer, 0, count);
}

function isArrayBufferLike(x: unknown): boolean {
  return typeof x === "object" && x !== null && typeof (x as ArrayBuffer).byteLength === "number"
    && typeof (x as ArrayBuffer).slice === "function" && !("length" in (x as object));
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
}

export interface Results {
  state: ResultsState;
  /** Status words in code order (the sweep's `statuses`). */
  statuses: readonly Status[];
  target: number;
  rows: Int32Array;
  status: Uint8Array;
  statistic: Float64Array;
  pvalue: Float64Array;
  pvalue_adj: Float64Array;
  effect: Float64Array;
  diff_mean: Float64Array;
  varied: Int16Array;
  /** Bootstrap intervals, power (NaN where compare() did not send them). */
  effect_low: Float64Array;
  effect_high: Float64Array;
  diff_mean_low: Float64Array;
  diff_mean_high: Float64Array;
  mde: Float64Array;
  seeds_needed: Float64Array;
  /** The kernel's power marker per row, or null when it was not sent. */
  underpowered: Uint8Array | null;
  /** The tested estimate with the test's own interval (NaN where not sent). */
  estimate: Float64Array;
  estimate_low: Float64Array;
  estimate_high: Float64Array;
  /** Smallest p-value the test can give at these sample sizes. */
  min_pvalue: Float64Array;
  /** 0 where the row cannot be significant at its level at all; null when not sent. */
  reachable: Uint8Array | null;
  /** The level each row's p-value was held to: the family's alpha, or the walk's online level. */
  level: Float64Array;
  /**
   * Under `error_control="walk"`: the p-value the walk compared with `level` (the pair's first
   * test; significant when `level_pvalue <= level`); null under "per-target".
   */
  level_pvalue: Float64Array | null;
  /** What `estimate` is ("mean difference", "A12", ...). */
  estimand: string;
  /** The comparison's notes, in words. */
  notes: string[];
  /** config id -> index into the arrays above, -1 when the config is not compared. */
  index: Int32Array;
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

/**
 * Decode `_results` for a sweep of `nConfigs` configurations whose status words, in code
 * order, are `statuses`; null when empty.
 */
export function decodeResults(raw: WidgetTraits["_results"], nConfigs: number, statuses: readonly Status[]): Results | null {
  if (!raw || typeof (raw as RawResults).state !== "object" || (raw as RawResults).state === null) return null;
  const r = raw as RawResults;
  const rows = toTyped(r.rows, Int32Array);
  const index = new Int32Array(nConfigs).fill(-1);
  for (let i = 0; i < rows.length; i++) {
    const c = rows[i];
    if (c >= 0 && c < nConfigs) index[c] = i;
  }
  const m = rows.length;
  const f64 = (b: Buffer | undefined) => padded(toTyped(b, Float64Array), m, NaN);
  const s = r.state;
  return {
    state: {
      target: Number(s.target),
      test: String(s.test),
      correction: String(s.correction),
      alpha: Number(s.alpha),
      against: String(s.against),
      neighbors: String(s.neighbors),
      error_control: String(s.error_control),
      history: Array.isArray(s.history) ? s.history.map(Number) : [Number(s.target)],
      cursor: Number.isInteger(s.cursor) ? s.cursor : 0,
    },
    statuses,
    target: r.target,
    rows,
    status: padded(toTyped(r.status, Uint8Array), m, 255),
    statistic: f64(r.statistic),
    pvalue: f64(r.pvalue),
    pvalue_adj: f64(r.pvalue_adj),
    effect: f64(r.effect),
    diff_mean: f64(r.diff_mean),
    varied: padded(toTyped(r.varied, Int16Array), m, -1),
    effect_low: f64(r.effect_low),
    effect_high: f64(r.effect_high),
    diff_mean_low: f64(r.diff_mean_low),
    diff_mean_high: f64(r.diff_mean_high),
    mde: f64(r.mde),
    seeds_needed: f64(r.seeds_needed),
    underpowered: r.underpowered == null ? null : padded(toTyped(r.underpowered, Uint8Array), m, 0),
    estimate: f64(r.estimate),
    estimate_low: f64(r.estimate_low),
    estimate_high: f64(r.estimate_high),
    min_pvalue: f64(r.min_pvalue),
    reachable: r.reachable == null ? null : padded(toTyped(r.reachable, Uint8Array), m, 1),
    level: f64(r.level),
    level_pvalue: r.level_pvalue == null ? null : f64(r.level_pvalue),
    estimand: String(r.estimand ?? ""),
    notes: Array.isArray(r.notes) ? r.notes.map(String) : [],
    index,
  };
}

/** Guard against a short buffer: pad to `m` with `fill` so indexing never reads undefined. */
function padded<T extends Float64Array | Uint8Array | Int16Array>(a: T, m: number, fill: number): T {
  if (a.length >= m) return a;
  const out = new (a.constructor as { new (n: number): T })(m);
  out.fill(fill as never);
  out.set(a as never);
  return out;
}

/** Are `results` decided walk-wide (an online level per test) rather than per target? */
export function walkWide(results: Results | null): boolean {
  return results !== null && results.level_pvalue !== null;
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
  return results.statuses[results.status[i]] ?? OUT;
}

/** The user-visible settings a results payload's state must match (with the cursor). */
const SETTINGS = ["target", "test", "correction", "against", "neighbors", "error_control"] as const;

/**
 * Is `state` (what a results payload was computed for) the model's current state? The
 * frontend writes its own settings, target and history cursor; results for any other state
 * (an earlier click, a move still on its way) are not shown as current.
 */
export function stateMatches(state: ResultsState, model: AnyModel): boolean {
  return state.target === model.get("target") && settingsMatch(state, model) && state.cursor === model.get("_history_index");
}

/** Are the comparison settings of `state` (all but the target and the cursor) the model's? */
export function settingsMatch(state: ResultsState, model: AnyModel): boolean {
  for (const name of SETTINGS) if (name !== "target" && state[name] !== model.get(name)) return false;
  const alpha = model.get("alpha");
  return Math.abs(state.alpha - alpha) <= 1e-12 * Math.max(1, Math.abs(alpha));
}

/**
 * Take `state` into the model, locally (no save: the kernel already has it). For a change that
 * another client of the kernel made: the kernel sends no echo of traits a frontend writes, so
 * the other clients learn the new state from the results that answer it.
 */
export function adoptState(state: ResultsState, model: AnyModel): void {
  for (const name of SETTINGS) model.set(name, state[name] as never);
  model.set("alpha", state.alpha);
  model.set("_history_index", state.cursor);
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
