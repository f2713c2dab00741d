// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { dequantise, FULL_AXIS, quantisedX, renderStrip, stripAxis, stripPath, valueX } from "./stripplot";
import { decodeSweep } from "../model/model";
import { makeSweep } from "../testutil";

describe("strip plot axis", () => {
  const scores = Uint16Array.from([0, 100, 200, /* config 1 */ 50, 0, 0, /* config 2 */ 60000, 65535, 1]);
  it("spans the scores of the shown rows only, ignoring 0 (no score)", () => {
    expect(stripAxis(scores, 3, [0])).toEqual({ lo: 100, hi: 200 });
    expect(stripAxis(scores, 3, [0, 1])).toEqual({ lo: 50, hi: 200 });
    expect(stripAxis(scores, 3, [2])).toEqual({ lo: 1, hi: 65535 });
    expect(stripAxis(scores, 3, [])).toEqual(FULL_AXIS);
    expect(stripAxis(Uint16Array.from([7, 7]), 2, [0])).toEqual({ lo: 6, hi: 8 });
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
    expect(stripPath(scores, 3, 0, { lo: 100, hi: 200 })).toBe("M0.00 1.5V8.5M100.00 1.5V8.5");
    expect(stripPath(scores, 3, 1)).toMatch(/^M[\d.]+ 1.5V8.5$/);
    const svg = renderStrip(document, decodeSweep(makeSweep(2, 2, 4))!, 3);
    expect(svg.querySelector(".sw-strip-ticks")!.getAttribute("d")!.match(/M/g)!.length).toBe(4);
    expect(svg.querySelector(".sw-strip-mean")).not.toBeNull();
  });
});
