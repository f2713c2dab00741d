// The kernel sorts and filters the grid's rows itself when it sends them a window at a time
// (python/sweepwalk/widget/window.py): its order must be the frontend's. window.fixture.json
// holds a small sweep's payloads and the kernel's order for every sortable column, both
// directions, both scopes and each status filter, for a comparison and for a permutation test's
// early answer (rows `pending`) (tests/widget/test_window.py writes and checks it); here the
// frontend's rowOrder and the columns' sort keys must give the same orders.

import { describe, expect, it } from "vitest";
import fixture from "../window.fixture.json";
import { appendRows, decodeResults, decodeSweep, isLoaded, mergeSweepRows, OUT, PENDING, scoresOf, statusOf, type RawSweep, type RawSweepRows, type Results, type Status, type Sweep } from "./model";
import { decodeWindow } from "./window";
import { rowOrder, statusCounts } from "./rows";
import type { SortDir } from "./sort";
import { sortKey } from "../panels/columns";

/** JSON has no NaN nor infinity: the fixture writes NaN as null, infinity as "Infinity". */
function numbers(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((x) => (x === null ? NaN : typeof x === "string" ? Number(x) : x));
}

const isNumber = (x: unknown) => x === null || typeof x === "number" || x === "Infinity" || x === "-Infinity";

function unjson<T extends Record<string, unknown>>(raw: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (name === "params") out[name] = (value as Record<string, unknown>[]).map((p) => ({ ...p, codes: numbers(p.codes) }));
    else if (Array.isArray(value) && value.length > 0 && value.every(isNumber)) out[name] = numbers(value);
    else out[name] = value;
  }
  return out as T;
}

const sweep = decodeSweep(unjson(fixture.sweep as unknown as Record<string, unknown>) as unknown as RawSweep)!;
const results = decodeResults(unjson(fixture.results as unknown as Record<string, unknown>), sweep)!;
const early = decodeResults(unjson(fixture.pending.results as unknown as Record<string, unknown>), sweep)!;

/** A payload's part of the fixture: the kernel's counts, orders and scrolls. */
interface Listed {
  counts: Partial<Record<Status, number>>;
  cases: Array<{ scope: string; sort: string[] | null; filter: string | null; order: number[] }>;
  windows: Array<{ limit: number; scope: string; sort: string[] | null; filter: string | null; replies: Array<{ msg: unknown; buffers: number[][] }> }>;
}

/** The kernel's orders, counts and windows of `listed` are the frontend's under `shown`. */
function checkListings(shown: Results, listed: Listed): void {
  const key = (column: string) => sortKey(sweep, shown, column);

  describe("the kernel's window order", () => {
    it.each(listed.cases.map((c) => [`${c.scope} ${c.sort?.join(" ") ?? "unsorted"} ${c.filter ?? "every status"}`, c] as const))(
      "is rowOrder's: %s",
      (_, c) => {
        const sort = c.sort ? { column: c.sort[0], dir: c.sort[1] as SortDir } : null;
        const view = { scope: c.scope as "compared" | "all", filter: (c.filter ?? null) as Status | null, sort };
        expect([...rowOrder(sweep, shown, view, key)]).toEqual(c.order);
      },
    );

    it("counts the statuses as the legend does", () => {
      expect(statusCounts(sweep, shown)).toEqual(listed.counts);
    });
  });

  describe("the grid a window at a time", () => {
    it.each(listed.windows.map((w) => [`${w.scope} ${w.sort?.join(" ") ?? "unsorted"} ${w.filter ?? "every status"}`, w] as const))(
      "is the full payload's grid: %s",
      (_, w) => {
        const sort = w.sort ? { column: w.sort[0], dir: w.sort[1] as SortDir } : null;
        const view = { scope: w.scope as "compared" | "all", filter: (w.filter ?? null) as Status | null, sort };
        const all: number[] = [];
        for (const [k, reply] of w.replies.entries()) {
          const buffers = reply.buffers.map((bytes) => new DataView(Uint8Array.from(bytes).buffer));
          const win = decodeWindow(reply.msg as unknown as Record<string, unknown>, buffers, sweep)!;
          expect(win.offset).toBe(k * w.limit);
          expect(win.order.length).toBe(Math.max(0, Math.min(w.limit, win.total - win.offset)));
          expect(win.counts).toEqual(statusCounts(sweep, shown));
          for (const c of win.order) {
            all.push(c);
            // every row of the window shows what the full payload shows for it
            expect(statusOf(win.results, c)).toBe(statusOf(shown, c));
            const i = win.results.index[c];
            const j = shown.index[c];
            expect(i >= 0).toBe(j >= 0);
            if (i < 0) continue;
            for (const column of Object.keys(fixture.sweep.results_columns)) {
              const a = (win.results as unknown as Record<string, ArrayLike<number> | null>)[column];
              const b = (shown as unknown as Record<string, ArrayLike<number> | null>)[column];
              expect(a === null).toBe(b === null);
              if (a && b) expect([column, a[i]]).toEqual([column, b[j]]);
            }
          }
          expect(win.total).toBe(rowOrder(sweep, shown, view, key).length);
        }
        expect(all).toEqual([...rowOrder(sweep, shown, view, key)]);
      },
    );
  });
}

describe("a comparison", () => {
  it("covers NaN keys, absent values and several statuses", () => {
    expect([...sweep.mean].some(Number.isNaN)).toBe(true);
    expect(sweep.params.some((p) => [...p.codes].includes(-1))).toBe(true);
    expect(new Set(results.status).size).toBeGreaterThanOrEqual(3);
  });

  checkListings(results, fixture);
});

describe("a permutation test's early answer", () => {
  it("has rows pending, rows with a status and rows not compared", () => {
    expect(early.pending).toBe(true);
    const words = new Set(Array.from({ length: sweep.n_configs }, (_, c) => statusOf(early, c)));
    expect(words).toEqual(new Set(["target", "na", PENDING, OUT]));
    expect(fixture.pending.counts).toHaveProperty(PENDING);
  });

  checkListings(early, fixture.pending);
});

describe("a windowed sweep filled by its rows", () => {
  const full = sweep;
  const slim = () => decodeSweep(unjson(fixture.windowed_sweep as unknown as Record<string, unknown>) as unknown as RawSweep)!;
  const rowsOf = (raw: Record<string, unknown>) => ({ ...unjson(raw), codes: (raw.codes as unknown[][]).map(numbers) }) as unknown as RawSweepRows;

  /** Every sweep column of `config` in `s` is the full payload's. */
  function expectSameRow(s: Sweep, config: number): void {
    expect(isLoaded(s, config)).toBe(true);
    const pick = (x: Sweep) => ({
      n: x.n[config],
      n_missing: x.n_missing[config],
      mean: x.mean[config],
      std: x.std[config],
      codes: x.params.map((p) => p.codes[config]),
      scores: [...scoresOf(x, config)],
    });
    expect([config, pick(s)]).toEqual([config, pick(full)]);
  }

  it("holds no configuration's columns until its rows come", () => {
    const s = slim();
    expect(s.windowed).toBe(true);
    expect(fixture.windowed_sweep).not.toHaveProperty("mean");
    expect(fixture.windowed_sweep.params.every((p) => !("codes" in p))).toBe(true);
    expect(s.n_configs).toBe(full.n_configs);
    for (let c = 0; c < s.n_configs; c++) expect(isLoaded(s, c)).toBe(false);
  });

  it("lists the compared rows as the full payload does, from the results' own rows", () => {
    const s = slim();
    mergeSweepRows(s, rowsOf(fixture.results_rows as unknown as Record<string, unknown>));
    for (const c of results.rows) expectSameRow(s, c);
    const keyOf = (column: string) => sortKey(s, results, column);
    for (const c of fixture.cases.filter((x) => x.scope === "compared")) {
      const sort = c.sort ? { column: c.sort[0], dir: c.sort[1] as SortDir } : null;
      const view = { scope: "compared" as const, filter: (c.filter ?? null) as Status | null, sort };
      expect([c.sort, c.filter, [...rowOrder(s, results, view, keyOf)]]).toEqual([c.sort, c.filter, c.order]);
    }
  });

  it.each(fixture.windows.map((w) => [`${w.scope} ${w.sort?.join(" ") ?? "unsorted"} ${w.filter ?? "every status"}`, w] as const))(
    "gets each row's columns from its window, as the full payload has them: %s",
    (_, w) => {
      const s = slim();
      for (const reply of w.replies) {
        const buffers = reply.buffers.map((bytes) => new DataView(Uint8Array.from(bytes).buffer));
        const win = decodeWindow(reply.msg as unknown as Record<string, unknown>, buffers, s)!;
        expect(win.sweep_rows).not.toBeNull();
        const before = [...win.order].filter((c) => !isLoaded(s, c)).length;
        expect(mergeSweepRows(s, win.sweep_rows)).toBe(before);
        for (const c of win.order) expectSameRow(s, c);
      }
    },
  );
});

describe("partial results filled by the windows", () => {
  const raw = unjson(fixture.results as unknown as Record<string, unknown>) as Record<string, unknown>;
  const rows = raw.rows as number[];
  const t = rows.indexOf(raw.target as number);
  const cut: Record<string, unknown> = { ...raw, partial: { total: rows.length, counts: fixture.counts } };
  for (const name of Object.keys(fixture.sweep.results_columns)) {
    if (Array.isArray(raw[name])) cut[name] = [(raw[name] as number[])[t]];
  }

  it("show every row a window brought as the full results do, and the kernel's counts", () => {
    let partial = decodeResults(cut, sweep)!;
    expect(partial.rows.length).toBe(1);
    expect(statusCounts(sweep, partial)).toEqual(fixture.counts);
    const seen = new Set<number>();
    for (const w of fixture.windows) {
      for (const reply of w.replies) {
        const buffers = reply.buffers.map((bytes) => new DataView(Uint8Array.from(bytes).buffer));
        const win = decodeWindow(reply.msg as unknown as Record<string, unknown>, buffers, sweep)!;
        partial = appendRows(partial, win.results, sweep);
        for (const c of win.order) seen.add(c);
      }
    }
    expect(statusCounts(sweep, partial)).toEqual(fixture.counts);
    expect(seen.size).toBe(sweep.n_configs);
    for (const c of seen) {
      expect([c, statusOf(partial, c)]).toEqual([c, statusOf(results, c)]);
      const i = partial.index[c];
      const j = results.index[c];
      if (j < 0) continue;
      for (const column of Object.keys(fixture.sweep.results_columns)) {
        const a = (partial as unknown as Record<string, ArrayLike<number> | null>)[column];
        const b = (results as unknown as Record<string, ArrayLike<number> | null>)[column];
        if (a && b) expect([c, column, a[i]]).toEqual([c, column, b[j]]);
      }
    }
  });
});
