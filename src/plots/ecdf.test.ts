// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { ecdfPoints, ksLocation, renderEcdf } from "./ecdf";

/** Brute force: D = max over every pooled value of |F_a - F_b| (scipy's ks_2samp statistic). */
function bruteD(a: number[], b: number[]): number {
  const F = (xs: number[], z: number) => xs.filter((x) => x <= z).length / xs.length;
  return Math.max(...[...a, ...b].map((z) => Math.abs(F(a, z) - F(b, z))));
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe("ksLocation", () => {
  it("finds D and where it occurs", () => {
    const loc = ksLocation([1, 2, 3], [4, 5, 6]);
    expect(loc.d).toBe(1);
    expect(loc.x).toBe(3);
    expect(loc.fa).toBe(1);
    expect(loc.fb).toBe(0);
  });
  it("equals the brute-force statistic on random samples with ties", () => {
    const rnd = lcg(7);
    for (let t = 0; t < 200; t++) {
      const a = Array.from({ length: 1 + Math.floor(rnd() * 15) }, () => Math.floor(rnd() * 8));
      const b = Array.from({ length: 1 + Math.floor(rnd() * 15) }, () => Math.floor(rnd() * 8) + rnd() * 0.5);
      const loc = ksLocation(a, b);
      expect(loc.d).toBeCloseTo(bruteD(a, b), 12);
      expect(Math.abs(loc.fa - loc.fb)).toBeCloseTo(loc.d, 12);
    }
  });
  it("ignores NaN and is NaN for an empty sample", () => {
    expect(ksLocation([1, NaN, 2], [1, 2]).d).toBe(0);
    expect(Number.isNaN(ksLocation([], [1]).d)).toBe(true);
  });
});

describe("ecdfPoints / renderEcdf", () => {
  it("steps once per distinct value, to 1", () => {
    const pts = ecdfPoints([2, 1, 2], 0, 3);
    expect(pts).toEqual([[0, 0], [1, 0], [1, 1 / 3], [2, 1 / 3], [2, 1], [3, 1]]);
  });
  it("draws both curves and the D segment with its value", () => {
    const svg = renderEcdf(document, [1, 2, 3], [2.5, 4, 5], { targetLabel: "t", rowLabel: "r", rowStatus: "better" });
    expect(svg.querySelectorAll(".sw-ecdf-line").length).toBe(2);
    expect(svg.querySelector(".sw-ecdf-d")).not.toBeNull();
    expect(svg.querySelector(".sw-ecdf-dlabel")?.textContent).toBe(`D = ${(2 / 3).toFixed(3)} at 2`);
  });
  it("draws no curve for an empty sample", () => {
    const svg = renderEcdf(document, [1, 2, 3], [], { targetLabel: "t", rowLabel: "r", rowStatus: "ns" });
    expect(svg.querySelectorAll(".sw-ecdf-line").length).toBe(1);
    expect(svg.querySelector(".sw-ecdf-row")).toBeNull();
    expect(svg.querySelector(".sw-ecdf-dlabel")).toBeNull();
  });
  it("places the D label above the plot area, clear of the curves", () => {
    const svg = renderEcdf(document, [1, 2, 3], [2.5, 4, 5], { targetLabel: "t", rowLabel: "r", rowStatus: "better" });
    const label = svg.querySelector(".sw-ecdf-dlabel")!;
    const curveTop = Math.min(
      ...Array.from(svg.querySelectorAll(".sw-ecdf-line"), (p) =>
        Math.min(...(p.getAttribute("d")!.match(/-?\d+(\.\d+)? (-?\d+(\.\d+)?)/g) ?? []).map((xy) => Number(xy.split(" ")[1]))),
      ),
    );
    expect(Number(label.getAttribute("y"))).toBeLessThan(curveTop - 4);
  });
});
