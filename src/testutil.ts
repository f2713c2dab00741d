// Test helpers (not part of the bundle): a fake anywidget model and payload builders that
// mimic what the Python side sends (buffers arrive as DataViews).

import type { AnyModel, RawResults, RawSweep, Vocabulary, WidgetTraits } from "./model/model";
import type { ResultsShape } from "./model/results";
// Python's vocabulary as `_sweep.vocabulary` carries it (tests/test_serialization.py checks
// that this file equals `sweepwalk._vocab.vocabulary_payload()`).
import vocabularyJson from "./vocabulary.fixture.json";
// The settings and the results schema as `_sweep.settings` and `_sweep.results_columns` carry
// them (tests/widget/test_serialization.py checks this file against Python's sweep payload).
import payloadJson from "./payload.fixture.json";

export const VOCABULARY = vocabularyJson as unknown as Vocabulary;
/** The status words in code order. */
export const STATUS_WORDS: string[] = VOCABULARY.status.map(([value]) => value);
export const SETTINGS: string[] = payloadJson.settings;
export const RESULT_COLUMNS: Record<string, string> = payloadJson.results_columns;

/** What decodeResults needs of a sweep of `n` configurations. */
export function shape(n: number): ResultsShape {
  return { n_configs: n, statuses: STATUS_WORDS, results_columns: RESULT_COLUMNS };
}

type Handler = (...args: any[]) => void;

export class FakeModel implements AnyModel {
  state: WidgetTraits;
  private handlers = new Map<string, Set<Handler>>();
  private dirty: Partial<WidgetTraits> = {};
  /** One entry per save_changes(): the traits set since the previous save. */
  saves: Array<Partial<WidgetTraits>> = [];
  sent: Array<Record<string, any>> = [];

  constructor(initial: Partial<WidgetTraits> = {}) {
    this.state = {
      target: 0,
      test: "ks",
      correction: "none",
      alpha: 0.05,
      against: "neighbors",
      neighbors: "adjacent",
      selected: [],
      error_control: "per-target",
      _history_index: 0,
      _sweep: null,
      _results: null,
      _error: "",
      _ledger: null,
      _walk: null,
      _progress: -1,
      ...initial,
    };
  }

  get<K extends keyof WidgetTraits>(key: K): WidgetTraits[K] {
    return this.state[key];
  }

  set<K extends keyof WidgetTraits>(key: K, value: WidgetTraits[K]): void {
    this.dirty[key] = value;
    this.state[key] = value;
    this.emit(`change:${String(key)}`, null, value);
  }

  /** A change coming from the kernel: set several traits, then fire their events. */
  kernelSet(values: Partial<WidgetTraits>): void {
    Object.assign(this.state, values);
    for (const [k, v] of Object.entries(values)) this.emit(`change:${k}`, null, v);
  }

  on(event: string, cb: Handler): void {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event)!.add(cb);
  }

  off(event?: string | null, cb?: Handler | null): void {
    if (!event) return this.handlers.clear();
    if (!cb) return void this.handlers.delete(event);
    this.handlers.get(event)?.delete(cb);
  }

  save_changes(): void {
    this.saves.push(this.dirty);
    this.dirty = {};
  }

  lastSave(): Partial<WidgetTraits> | undefined {
    return this.saves[this.saves.length - 1];
  }

  send(content: unknown): void {
    this.sent.push(content as Record<string, any>);
  }

  emit(event: string, ...args: unknown[]): void {
    for (const h of [...(this.handlers.get(event) ?? [])]) h(...args);
  }

  listenerCount(): number {
    let n = 0;
    for (const s of this.handlers.values()) n += s.size;
    return n;
  }
}

/** A DataView over a copy of `arr` placed at byte `offset` of a larger buffer. */
export function dv(arr: ArrayBufferView, offset = 0): DataView {
  const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
  const host = new Uint8Array(offset + bytes.length);
  host.set(bytes, offset);
  return new DataView(host.buffer, offset, bytes.length);
}

/**
 * A grid sweep: params `a` (numeric, na levels) x `b` (text, nb levels); config id =
 * ia * nb + ib; scores_k seeds each, means increasing with the id.
 */
export function makeSweep(na: number, nb: number, k = 5, labelsB?: string[]): RawSweep {
  const n = na * nb;
  const codesA = new Int32Array(n);
  const codesB = new Int32Array(n);
  const mean = new Float64Array(n);
  const std = new Float64Array(n);
  const scores = new Uint16Array(n * k);
  for (let i = 0; i < n; i++) {
    codesA[i] = Math.floor(i / nb);
    codesB[i] = i % nb;
    mean[i] = i / n;
    std[i] = 0.1;
    for (let j = 0; j < k; j++) scores[i * k + j] = 1 + Math.round(((i + j) / (n + k)) * 65534);
  }
  return {
    n_configs: n,
    metric: "accuracy",
    goal: "max",
    min_runs: 2,
    params: [
      { name: "a", numeric: true, labels: Array.from({ length: na }, (_, i) => String(i / 10)), codes: dv(codesA) },
      { name: "b", numeric: false, labels: labelsB ?? Array.from({ length: nb }, (_, i) => `opt${i}`), codes: dv(codesB) },
    ],
    n: dv(new Int32Array(n).fill(k)),
    n_missing: dv(new Int32Array(n)),
    mean: dv(mean),
    std: dv(std),
    scores: dv(scores),
    scores_k: k,
    score_min: 0,
    score_max: 1,
    tests: ["ks", "mannwhitney", "welch"],
    corrections: ["none", "holm", "fdr_bh"],
    vocabulary: VOCABULARY,
    significant: ["better", "worse", "differs"],
    settings: SETTINGS,
    results_columns: RESULT_COLUMNS,
  };
}

export interface ResultRow {
  config: number;
  status: number;
  p?: number;
  varied?: number;
  effect?: number;
  diff?: number;
  /** power columns: sent only when some row has `mde` */
  mde?: number;
  underpowered?: boolean;
  /** the level the row was held to; `held`: the p-value compared with it (walk-wide) */
  level?: number;
  held?: number;
}

/** The state a `_results` payload carries (defaults: the FakeModel's, history `[target]`). */
export interface StateInput {
  target: number;
  test?: string;
  correction?: string;
  alpha?: number;
  against?: string;
  neighbors?: string;
  error_control?: string;
  history?: number[];
  cursor?: number;
}

/** A `_results` payload as Python's `results_payload` builds it, for the state given. */
export function makeResults(state: StateInput, rows: ResultRow[]): RawResults {
  const history = state.history ?? [state.target];
  const full = {
    target: state.target,
    test: state.test ?? "ks",
    correction: state.correction ?? "none",
    alpha: state.alpha ?? 0.05,
    against: state.against ?? "neighbors",
    neighbors: state.neighbors ?? "adjacent",
    error_control: state.error_control ?? "per-target",
    history,
    cursor: state.cursor ?? history.length - 1,
  };
  const f = (g: (r: ResultRow) => number) => dv(Float64Array.from(rows.map(g)));
  const out: RawResults = {
    state: full,
    target: state.target,
    rows: dv(Int32Array.from(rows.map((r) => r.config))),
    status: dv(Uint8Array.from(rows.map((r) => r.status)), 3),
    statistic: f((r) => (r.p === undefined ? NaN : 1 - r.p)),
    pvalue: f((r) => r.p ?? NaN),
    pvalue_adj: f((r) => (r.p === undefined ? NaN : Math.min(1, r.p * 2))),
    effect: f((r) => r.effect ?? (r.p === undefined ? NaN : 0.5)),
    diff_mean: f((r) => r.diff ?? 0),
    varied: dv(Int16Array.from(rows.map((r) => r.varied ?? -1))),
  };
  if (rows.some((r) => r.mde !== undefined)) {
    const eff = (r: ResultRow) => r.effect ?? 0.5;
    Object.assign(out, {
      effect_low: f((r) => eff(r) - 0.1),
      effect_high: f((r) => eff(r) + 0.1),
      diff_mean_low: f((r) => (r.diff ?? 0) - 0.01),
      diff_mean_high: f((r) => (r.diff ?? 0) + 0.01),
      mde: f((r) => r.mde ?? NaN),
      seeds_needed: f((r) => (r.mde === undefined ? NaN : 40)),
      underpowered: dv(Uint8Array.from(rows.map((r) => (r.underpowered ? 1 : 0))), 1),
    });
  }
  if (rows.some((r) => r.level !== undefined)) out.level = f((r) => r.level ?? NaN);
  if (rows.some((r) => r.held !== undefined)) out.level_pvalue = f((r) => r.held ?? NaN);
  return out;
}
