import { describe, expect, it } from "vitest";
import { DASH, formatEffect, formatEstimate, formatInt, formatMeanStd, formatNum, formatP } from "./format";

describe("formatP", () => {
  it("shows missing values as an em dash", () => {
    for (const x of [NaN, null, undefined, Infinity]) expect(formatP(x)).toBe(DASH);
    expect(DASH).toBe("\u2014");
  });
  it("uses three significant digits down to 0.001 and scientific below", () => {
    expect(formatP(1)).toBe("1.00");
    expect(formatP(0.05)).toBe("0.0500");
    expect(formatP(0.04994)).toBe("0.0499");
    expect(formatP(0.001)).toBe("0.00100");
    expect(formatP(0.00099)).toBe("9.9e-4");
    expect(formatP(7.4e-7)).toBe("7.4e-7");
    expect(formatP(3.2e-7)).toBe("3.2e-7");
    expect(formatP(0)).toBe("0");
  });
  it("never writes a value below 0.001 as 0.000", () => {
    for (let e = -3.5; e > -300; e -= 0.7) expect(formatP(10 ** e)).not.toMatch(/^0\.000/);
  });
});

describe("formatNum and friends", () => {
  it("handles missing and infinite values", () => {
    expect(formatNum(NaN)).toBe(DASH);
    expect(formatNum(Infinity)).toBe("∞");
    expect(formatNum(-Infinity)).toBe("−∞");
    expect(formatInt(NaN)).toBe(DASH);
    expect(formatEffect(NaN)).toBe(DASH);
  });
  it("keeps significant digits", () => {
    expect(formatNum(0.812345)).toBe("0.812");
    expect(formatNum(0.812345, 4)).toBe("0.8123");
    expect(formatNum(12345.6)).toBe("12346");
    expect(formatNum(1.5e-6)).toBe("1.50e-6");
    expect(formatNum(2.5e7)).toBe("2.50e7");
    expect(formatNum(0)).toBe("0");
  });
  it("formats mean ± std and drops a missing std", () => {
    expect(formatMeanStd(0.8123, 0.0311)).toBe("0.812 ± 0.031");
    expect(formatMeanStd(0.8, NaN)).toBe("0.800");
    expect(formatMeanStd(NaN, 0.1)).toBe(DASH);
  });
  it("formats A12 with three decimals", () => {
    expect(formatEffect(0.5)).toBe("0.500");
    expect(formatEffect(1)).toBe("1.000");
  });
  it("formats a signed estimate with its interval", () => {
    expect(formatEstimate(0.01234, -0.004, 0.0311)).toBe("+0.0123 [-0.00400, 0.0311]");
    expect(formatEstimate(-0.5, NaN, NaN)).toBe("-0.500");
    expect(formatEstimate(NaN, 0, 1)).toBe(DASH);
  });
});
