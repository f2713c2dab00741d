// The kernel sorts and filters the grid's rows itself when it sends them a window at a time
// (python/sweepwalk/widget/window.py): its order must be the frontend's. window.fixture.json
// holds a small sweep's payloads and the kernel's order for every sortable column, both
// directions, both scopes and each status filter (tests/widget/test_window.py writes and checks
// it); here the frontend's rowOrder and the columns' sort keys must give the same orders.

import { describe, expect, it } from "vitest";
import fixture from "../window.fixture.json";
import { decodeResults, decodeSweep, type RawSweep, type Status } from "./model";
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
const key = (column: string) => sortKey(sweep, results, column);

describe("the kernel's window order", () => {
  it("covers NaN keys, absent values and several statuses", () => {
    expect([...sweep.mean].some(Number.isNaN)).toBe(true);
    expect(sweep.params.some((p) => [...p.codes].includes(-1))).toBe(true);
    expect(new Set(results.status).size).toBeGreaterThanOrEqual(3);
  });

  it.each(fixture.cases.map((c) => [`${c.scope} ${c.sort?.join(" ") ?? "unsorted"} ${c.filter ?? "every status"}`, c] as const))(
    "is rowOrder's: %s",
    (_, c) => {
      const sort = c.sort ? { column: c.sort[0], dir: c.sort[1] as SortDir } : null;
      const view = { scope: c.scope as "compared" | "all", filter: (c.filter ?? null) as Status | null, sort };
      expect([...rowOrder(sweep, results, view, key)]).toEqual(c.order);
    },
  );

  it("counts the statuses as the legend does", () => {
    expect(statusCounts(sweep, results)).toEqual(fixture.counts);
  });
});
