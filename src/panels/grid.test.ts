import { describe, expect, it } from "vitest";
import { ROW_HEIGHT } from "./grid";
import { revealScrollTop, visibleRange } from "../util/virtual";
import { columnsFor, sortKey } from "./columns";
import { decodeResults, decodeSweep } from "../model/model";
import { makeResults, makeSweep } from "../testutil";

describe("visibleRange", () => {
  it("covers the viewport plus overscan and stays inside [0, count]", () => {
    expect(visibleRange(0, 260, 26, 1000, 5)).toEqual({ start: 0, end: 15 });
    expect(visibleRange(2600, 260, 26, 1000, 5)).toEqual({ start: 95, end: 115 });
    expect(visibleRange(26 * 998, 260, 26, 1000, 5)).toEqual({ start: 993, end: 1000 });
    expect(visibleRange(-50, 260, 26, 1000, 0)).toEqual({ start: 0, end: 10 });
    expect(visibleRange(1e9, 260, 26, 10, 2)).toEqual({ start: 10, end: 10 });
    expect(visibleRange(0, 260, 26, 0)).toEqual({ start: 0, end: 0 });
  });
  it("keeps the DOM small for 100k rows at any scroll position", () => {
    const n = 100_000;
    for (const top of [0, 1234, 26 * 50_000 + 13, 26 * n]) {
      const { start, end } = visibleRange(top, 420, ROW_HEIGHT, n);
      expect(end - start).toBeLessThanOrEqual(Math.ceil(420 / ROW_HEIGHT) + 13);
      expect(start).toBeGreaterThanOrEqual(0);
      expect(end).toBeLessThanOrEqual(n);
    }
  });
  it("every row in view is inside the range (brute force)", () => {
    const rh = 26;
    for (let top = 0; top < 3000; top += 37) {
      const { start, end } = visibleRange(top, 300, rh, 100, 0);
      for (let i = 0; i < 100; i++) {
        const visible = i * rh < top + 300 && (i + 1) * rh > top;
        if (visible) expect(i >= start && i < end).toBe(true);
      }
    }
  });
});

describe("revealScrollTop", () => {
  it("scrolls only as much as needed", () => {
    expect(revealScrollTop(5, 0, 260, 26)).toBe(0); // visible already
    expect(revealScrollTop(20, 0, 260, 26)).toBe(21 * 26 - 260);
    expect(revealScrollTop(2, 520, 260, 26)).toBe(52);
    expect(revealScrollTop(9, 0, 260, 26, 26)).toBe(10 * 26 - 234);
  });
});

describe("sortKey", () => {
  const sweep = decodeSweep(makeSweep(2, 3))!;
  const results = decodeResults(
    makeResults({ target: 1 }, [{ config: 1, status: 0 }, { config: 0, status: 2, p: 0.2 }, { config: 4, status: 1, p: 0.01 }]),
    sweep,
  )!;
  it("reads parameter codes, sweep stats and result columns", () => {
    expect(sortKey(sweep, results, "b")(4)).toBe(1);
    expect(sortKey(sweep, results, "mean")(3)).toBeCloseTo(0.5);
    expect(sortKey(sweep, results, "pvalue")(4)).toBe(0.01);
    expect(Number.isNaN(sortKey(sweep, results, "pvalue")(5))).toBe(true); // not compared
    expect(Number.isNaN(sortKey(sweep, null, "pvalue_adj")(0))).toBe(true);
  });
  it("ranks statuses target, better, worse, ..., out", () => {
    const k = sortKey(sweep, results, "status");
    expect(k(1)).toBeLessThan(k(4));
    expect(k(4)).toBeLessThan(k(0));
    expect(k(0)).toBeLessThan(k(5));
  });
});

describe("columnsFor", () => {
  const sweep = decodeSweep(makeSweep(2, 3))!;
  const pinned = (cols: ReturnType<typeof columnsFor>) => cols.filter((c) => c.sticky).map((c) => c.kind);
  it("keeps status, p adj and the estimate in view in the wide layout (sticky, before the parameters)", () => {
    const cols = columnsFor(sweep, "mean difference");
    expect(pinned(cols)).toEqual(["select", "status", "effect", "padj", "estimate"]);
    // the sticky columns come first: one pinned group
    expect(cols.slice(0, 5).every((c) => c.sticky)).toBe(true);
    expect(pinned(columnsFor(sweep, "", false, true))).toEqual(["select", "status", "effect", "level", "estimate"]);
  });
  it("puts status, p adj, the varied value, the mean and the estimate first in the compact layout", () => {
    const cols = columnsFor(sweep, "", true);
    expect(cols.slice(0, 6).map((c) => c.kind)).toEqual(["select", "status", "padj", "varied", "mean", "estimate"]);
    expect(pinned(cols)).toEqual(["select", "status", "padj"]);
  });
});
