import { describe, expect, it } from "vitest";
import { decodeResults, decodeSweep } from "./model";
import { rowOrder, statusCounts } from "./rows";
import { sortKey } from "../panels/columns";
import { makeResults, makeSweep } from "../testutil";

// 4 x 4 sweep (means increase with the id), target 5 with neighbours 1 (worse), 4 (ns), 6 (differs), 9 (better)
const sweep = decodeSweep(makeSweep(4, 4))!;
const results = decodeResults(
  makeResults({ target: 5 }, [
    { config: 1, status: 2, p: 0.001, varied: 0 },
    { config: 4, status: 4, p: 0.4, varied: 1 },
    { config: 5, status: 0 },
    { config: 6, status: 3, p: 0.03, varied: 1 },
    { config: 9, status: 1, p: 0.002, varied: 0 },
  ]),
  sweep,
)!;
const key = (column: string) => sortKey(sweep, results, column);

describe("rowOrder", () => {
  it("lists the compared rows by id, or all rows, filtered by status and sorted", () => {
    expect([...rowOrder(sweep, results, { scope: "compared", filter: null, sort: null }, key)]).toEqual([1, 4, 5, 6, 9]);
    expect(rowOrder(sweep, results, { scope: "all", filter: null, sort: null }, key)).toHaveLength(16);
    expect([...rowOrder(sweep, results, { scope: "all", filter: "out", sort: null }, key)]).toEqual([0, 2, 3, 7, 8, 10, 11, 12, 13, 14, 15]);
    expect([...rowOrder(sweep, results, { scope: "compared", filter: null, sort: { column: "pvalue", dir: "asc" } }, key)]).toEqual([1, 9, 6, 4, 5]);
    expect([...rowOrder(sweep, null, { scope: "compared", filter: null, sort: null }, key)]).toHaveLength(16);
  });
});

describe("statusCounts", () => {
  it("counts the compared rows per status and the rest as out", () => {
    expect(statusCounts(sweep, results)).toEqual({ target: 1, better: 1, worse: 1, differs: 1, ns: 1, out: 11 });
    expect(statusCounts(sweep, null)).toEqual({ out: 16 });
  });
});
