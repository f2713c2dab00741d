// The results schema and its decoding. The columns and their buffer types are Python's
// (`RESULT_COLUMNS`, sent with the sweep as `_sweep.results_columns`): the decoder reads every
// column the sweep payload names, in the type it names, and the TypeScript type of a column is
// derived from the same list (src/payload.fixture.json, which tests on both sides check against
// Python's payload). Only what a missing column means is the frontend's own.

import type payloadFixture from "../payload.fixture.json";
import { toTyped, type Buffer } from "./buffers";
import type { ResultsState, Status } from "./model";

/** A column of `_results` (Python's `RESULT_COLUMNS`). */
export type ColumnName = keyof (typeof payloadFixture)["results_columns"];

/** Columns that are not Float64, or that are null when the kernel did not send them. */
type Special = "rows" | "status" | "varied" | "underpowered" | "reachable" | "level_pvalue";

/** The decoded columns: Float64 unless said otherwise (NaN where compare() did not send one). */
export type Columns = Record<Exclude<ColumnName, Special>, Float64Array> & {
  rows: Int32Array;
  status: Uint8Array;
  varied: Int16Array;
  /** The kernel's power marker per row, or null when it was not sent. */
  underpowered: Uint8Array | null;
  /** 0 where the row cannot be significant at its level at all; null when not sent. */
  reachable: Uint8Array | null;
  /**
   * Under `error_control="walk"`: the p-value the walk compared with `level` (the pair's first
   * test; significant when `level_pvalue <= level`); null under "per-target".
   */
  level_pvalue: Float64Array | null;
};

export interface RawResults extends Partial<Record<ColumnName, Buffer>> {
  state: ResultsState;
  target: number;
  /** What `estimate` is ("mean difference", "A12", ...). */
  estimand?: string;
  notes?: string[];
  power_basis?: string;
  /** A slow test's early answer: the estimates now, rows still being tested (see statusOf). */
  pending?: boolean;
  /** A windowed sweep compared with many rows: the target's row only, and the legend's counts. */
  partial?: { total: number; counts: Record<string, number> };
}

export interface Results extends Columns {
  state: ResultsState;
  /** Status words in code order (the sweep's `statuses`). */
  statuses: readonly Status[];
  target: number;
  estimand: string;
  /** The comparison's notes, in words. */
  notes: string[];
  /** The difference `seeds_needed` and `underpowered` answer, and whether it is a default. */
  power_basis: string;
  /** Rows are still being tested: their status reads `pending`, their p-values are to come. */
  pending: boolean;
  /** config id -> index into the columns, -1 when the config is not compared. */
  index: Int32Array;
  /**
   * Null when every compared row is here. Else (a windowed sweep compared with many rows) the
   * rows are the target's and those the grid's windows brought (`appendRows`), and this holds
   * the rows compared in all and their number per status, `out` included (the legend's).
   */
  partial: { total: number; counts: Partial<Record<Status, number>> } | null;
}

/** What the decoder needs of the sweep: its size, status words and the results schema. */
export interface ResultsShape {
  n_configs: number;
  statuses: readonly Status[];
  /** column -> buffer type ("f8", "u1", "i2", "i4"): `_sweep.results_columns`. */
  results_columns: Readonly<Record<string, string>>;
}

const TYPES = { f8: Float64Array, u1: Uint8Array, i2: Int16Array, i4: Int32Array, u2: Uint16Array } as const;

/** The value a short buffer is padded with (default NaN); a status of 255 reads `out`. */
const PAD: Partial<Record<ColumnName, number>> = { status: 255, varied: -1, underpowered: 0, reachable: 1 };

/** Columns that stay null when not sent (the frontend tests for their presence). */
const NULL_WHEN_ABSENT: ReadonlySet<string> = new Set<ColumnName>(["underpowered", "reachable", "level_pvalue"]);

/** Decode `_results` for a sweep of `shape` (its size, status words, schema); null when empty. */
export function decodeResults(raw: unknown, shape: ResultsShape): Results | null {
  const r = raw as RawResults | null;
  if (!r || typeof r.state !== "object" || r.state === null) return null;
  const rows = toTyped(r.rows, Int32Array);
  const index = new Int32Array(shape.n_configs).fill(-1);
  for (let i = 0; i < rows.length; i++) {
    const c = rows[i];
    if (c >= 0 && c < shape.n_configs) index[c] = i;
  }
  const columns: Record<string, ArrayBufferView | null> = {};
  for (const [name, type] of Object.entries(shape.results_columns)) {
    const buf = r[name as ColumnName];
    if (name === "rows") continue;
    if (buf == null && NULL_WHEN_ABSENT.has(name)) columns[name] = null;
    else {
      const Ctor = TYPES[type as keyof typeof TYPES] ?? Float64Array;
      columns[name] = padded(toTyped(buf, Ctor as never) as never, rows.length, PAD[name as ColumnName] ?? NaN);
    }
  }
  const s = r.state;
  return {
    ...(columns as unknown as Columns),
    state: {
      ...s,
      target: Number(s.target),
      alpha: Number(s.alpha),
      history: Array.isArray(s.history) ? s.history.map(Number) : [Number(s.target)],
      cursor: Number.isInteger(s.cursor) ? s.cursor : 0,
    },
    statuses: shape.statuses,
    target: r.target,
    rows,
    estimand: String(r.estimand ?? ""),
    notes: Array.isArray(r.notes) ? r.notes.map(String) : [],
    power_basis: String(r.power_basis ?? ""),
    pending: r.pending === true,
    index,
    partial: r.partial && typeof r.partial === "object" ? { total: Number(r.partial.total), counts: { ...(r.partial.counts ?? {}) } } : null,
  };
}

/**
 * `base` with the rows of `extra` it lacks (results of the same comparison: a window's rows of
 * partial results); a new object, `base` is left as it is.
 */
export function appendRows(base: Results, extra: Results, shape: ResultsShape): Results {
  const take: number[] = [];
  for (let i = 0; i < extra.rows.length; i++) if (base.index[extra.rows[i]] < 0) take.push(i);
  if (take.length === 0) return base;
  const m = base.rows.length;
  const index = base.index.slice();
  take.forEach((i, k) => (index[extra.rows[i]] = m + k));
  const grow = <T extends ArrayBufferView & ArrayLike<number>>(a: T, b: T): T => {
    const out = new (a.constructor as { new (n: number): T })(m + take.length) as T & { set(x: ArrayLike<number>, at?: number): void };
    out.set(a);
    take.forEach((i, k) => ((out as unknown as number[])[m + k] = b[i]));
    return out;
  };
  const out: Record<string, unknown> = { ...base, index, rows: grow(base.rows, extra.rows) };
  for (const name of Object.keys(shape.results_columns)) {
    if (name === "rows") continue;
    const a = (base as unknown as Record<string, (ArrayBufferView & ArrayLike<number>) | null>)[name];
    const b = (extra as unknown as Record<string, (ArrayBufferView & ArrayLike<number>) | null>)[name];
    out[name] = a && b ? grow(a, b) : a;
  }
  return out as unknown as Results;
}

/** Guard against a short buffer: pad to `m` with `fill` so indexing never reads undefined. */
function padded<T extends Float64Array | Uint8Array | Int16Array>(a: T, m: number, fill: number): T {
  if (a.length >= m) return a;
  const out = new (a.constructor as { new (n: number): T })(m);
  out.fill(fill as never);
  out.set(a as never);
  return out;
}

function sameBytes(a: ArrayBufferView | null, b: ArrayBufferView | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * True when two decoded results show exactly the same thing (every column of the schema byte
 * for byte, the notes, the estimand and the target); their states are compared by the caller.
 */
export function sameColumns(a: Results, b: Results, shape: ResultsShape): boolean {
  if (a.target !== b.target || a.estimand !== b.estimand) return false;
  if (a.power_basis !== b.power_basis || a.pending !== b.pending) return false;
  if (a.notes.length !== b.notes.length || a.notes.some((n, i) => n !== b.notes[i])) return false;
  const col = (r: Results, name: string) => (r as unknown as Record<string, ArrayBufferView | null | undefined>)[name] ?? null;
  return Object.keys(shape.results_columns).every((name) => sameBytes(col(a, name), col(b, name)));
}

/** Are `results` decided walk-wide (an online level per test) rather than per target? */
export function walkWide(results: Results | null): boolean {
  return results !== null && results.level_pvalue !== null;
}
