// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { dequantise, FULL_AXIS, quantisedX, renderStrip, stripAxis, stripPath, valueX } from "./stripplot";
import { decodeSweep } from "../model/model";
import { makeSweep } from "../testutil";

describe("strip plot axis", () => {
  const rows = [[0, 100, 200], [50, 0, 0], [60000, 65535, 1]];
  const scores = (c: number) => rows[c] ?? null;
  it("spans the scores of the shown rows only, ignoring 0 (no score)", () => {
    expect(stripAxis(scores, [0])).toEqual({ lo: 100, hi: 200 });
    expect(stripAxis(scores, [0, 1])).toEqual({ lo: 50, hi: 200 });
    expect(stripAxis(scores, [2])).toEqual({ lo: 1, hi: 65535 });
    expect(stripAxis(scores, [])).toEqual(FULL_AXIS);
    expect(stripAxis(() => [7, 7], [0])).toEqual({ lo: 6, hi: 8 });
  });
  it("is the whole range while a listed row is not known (a windowed sweep)", () => {
    expect(stripAxis(scores, [0, 3])).toEqual(FULL_AXIS);
    expect(stripAxis(scores, [0, -1])).toEqual(FULL_AXIS);
  });
  it("maps levels and values consistently", () => {
    const axis = { lo: 100, hi: 200 };
    expect(quantisedX(100, axis)).toBe(0);
    expect(quantisedX(200, axis)).toBe(100);
    expect(Number.isNaN(quantisedX(0, axis))).toBe(true);
    const v = dequantise(150, 2, 4);
    expect(valueX(v, 2, 4, axis)).toBeCloseTo(50, 9);
    expect(valueX(NaN, 2, 4, axis)).toBeNaN();
    expect(valueX(100, 2, 4, axis)).toBe(100); // clamped
  });
  it("draws one tick per score", () => {
    expect(stripPath(rows[0], { lo: 100, hi: 200 })).toBe("M0.00 1.5V8.5M100.00 1.5V8.5");
    expect(stripPath(rows[1])).toMatch(/^M[\d.]+ 1.5V8.5$/);
    const svg = renderStrip(document, decodeSweep(makeSweep(2, 2, 4))!, 3);
    expect(svg.querySelector(".sw-strip-ticks")!.getAttribute("d")!.match(/M/g)!.length).toBe(4);
    expect(svg.querySelector(".sw-strip-mean")).not.toBeNull();
  });
});
