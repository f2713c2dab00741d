import { describe, expect, it } from "vitest";
import { nextSort, sortIds } from "./sort";

/** Reference: stable sort by a decorated copy; NaN last in both directions. */
function reference(ids: number[], keys: Map<number, number>, dir: "asc" | "desc"): number[] {
  const finite = ids.filter((i) => !Number.isNaN(keys.get(i)!));
  const nan = ids.filter((i) => Number.isNaN(keys.get(i)!));
  const decorated = finite.map((id, pos) => ({ id, pos, k: keys.get(id)! }));
  decorated.sort((a, b) => (a.k === b.k ? a.pos - b.pos : (a.k < b.k ? -1 : 1) * (dir === "asc" ? 1 : -1)));
  return [...decorated.map((d) => d.id), ...nan];
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe("sortIds", () => {
  it("puts NaN last in both directions", () => {
    const keys = [3, NaN, 1, NaN, 2];
    const ids = [0, 1, 2, 3, 4];
    expect([...sortIds(ids, (i) => keys[i], "asc")]).toEqual([2, 4, 0, 1, 3]);
    expect([...sortIds(ids, (i) => keys[i], "desc")]).toEqual([0, 4, 2, 1, 3]);
  });
  it("is stable for ties (keeps the incoming order)", () => {
    const ids = [9, 4, 7, 1, 3];
    expect([...sortIds(ids, () => 1, "asc")]).toEqual(ids);
    expect([...sortIds(ids, () => 1, "desc")]).toEqual(ids);
    expect([...sortIds(ids, (i) => i % 2, "asc")]).toEqual([4, 9, 7, 1, 3]);
  });
  it("matches a reference implementation on random data with ties and NaN", () => {
    const rnd = lcg(42);
    for (let trial = 0; trial < 30; trial++) {
      const n = 1 + Math.floor(rnd() * 200);
      const ids = Array.from({ length: n }, (_, i) => i).sort(() => rnd() - 0.5);
      const keys = new Map(ids.map((i) => [i, rnd() < 0.15 ? NaN : Math.floor(rnd() * 10)]));
      for (const dir of ["asc", "desc"] as const) {
        expect([...sortIds(ids, (i) => keys.get(i)!, dir)]).toEqual(reference(ids, keys, dir));
      }
    }
  });
  it("handles an empty input", () => {
    expect(sortIds([], () => 0, "asc").length).toBe(0);
  });
});

describe("nextSort", () => {
  it("cycles asc -> desc -> none, and restarts on a new column", () => {
    let s = nextSort(null, "p");
    expect(s).toEqual({ column: "p", dir: "asc" });
    s = nextSort(s, "p");
    expect(s).toEqual({ column: "p", dir: "desc" });
    expect(nextSort(s, "p")).toBeNull();
    expect(nextSort(s, "n")).toEqual({ column: "n", dir: "asc" });
  });
  it("a column may start descending: desc -> asc -> none", () => {
    let s = nextSort(null, "mean", "desc");
    expect(s).toEqual({ column: "mean", dir: "desc" });
    s = nextSort(s, "mean", "desc");
    expect(s).toEqual({ column: "mean", dir: "asc" });
    expect(nextSort(s, "mean", "desc")).toBeNull();
  });
});
