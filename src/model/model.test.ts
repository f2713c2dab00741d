import { describe, expect, it } from "vitest";
import { decodeResults, decodeSweep, stateMatches, statusOf, toTyped, type WidgetTraits } from "./model";
import { FakeModel, SETTINGS, dv, makeResults, makeSweep, shape } from "../testutil";

describe("toTyped", () => {
  it("views an aligned DataView without copying", () => {
    const src = Float64Array.from([1.5, NaN, -2]);
    const view = dv(src, 8);
    const out = toTyped(view, Float64Array);
    expect(out.buffer).toBe(view.buffer);
    expect([...out]).toEqual([1.5, NaN, -2]);
  });
  it("copies a misaligned DataView (a slice of a bigger message buffer)", () => {
    for (const offset of [1, 3, 5]) {
      const out = toTyped(dv(Float64Array.from([0.1, 2, Infinity]), offset), Float64Array);
      expect([...out]).toEqual([0.1, 2, Infinity]);
      expect(toTyped(dv(Int32Array.from([-1, 7]), offset), Int32Array)).toEqual(Int32Array.from([-1, 7]));
    }
  });
  it("reads little-endian bytes", () => {
    const bytes = new Uint8Array([0x01, 0x00, 0xff, 0xff]);
    expect([...toTyped(new DataView(bytes.buffer), Uint16Array)]).toEqual([1, 65535]);
    expect([...toTyped(bytes.buffer, Int16Array)]).toEqual([1, -1]);
  });
  it("accepts ArrayBuffers, typed arrays and plain lists, and missing buffers", () => {
    expect([...toTyped(Float64Array.from([1, 2]).buffer, Float64Array)]).toEqual([1, 2]);
    expect([...toTyped(Uint8Array.from([1, 2, 3]), Uint8Array)]).toEqual([1, 2, 3]);
    expect([...toTyped([1, 2, 3], Int32Array)]).toEqual([1, 2, 3]);
    expect(toTyped(null, Float64Array).length).toBe(0);
    expect(toTyped(undefined, Int32Array).length).toBe(0);
  });
  it("drops a trailing partial element", () => {
    expect(toTyped(new DataView(new ArrayBuffer(12)), Float64Array).length).toBe(1);
  });
});

describe("decodeSweep / decodeResults", () => {
  it("decodes every buffer of _sweep", () => {
    const s = decodeSweep(makeSweep(3, 4, 5))!;
    expect(s.n_configs).toBe(12);
    expect(s.params.map((p) => p.name)).toEqual(["a", "b"]);
    expect([...s.params[0].codes]).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    expect(s.mean[6]).toBeCloseTo(0.5);
    expect(s.scores.length).toBe(60);
    expect(s.n[11]).toBe(5);
  });
  it("returns null for an empty trait", () => {
    expect(decodeSweep({})).toBeNull();
    expect(decodeSweep(null)).toBeNull();
    expect(decodeResults({}, shape(3))).toBeNull();
  });
  it("indexes results by config id and maps status codes to words", () => {
    const raw = makeResults({ target: 5 }, [
      { config: 5, status: 0 },
      { config: 1, status: 1, p: 0.01, varied: 0 },
      { config: 9, status: 4, p: 0.5 },
    ]);
    const r = decodeResults(raw, shape(12))!;
    expect(r.index[5]).toBe(0);
    expect(r.index[9]).toBe(2);
    expect(r.index[0]).toBe(-1);
    expect(statusOf(r, 5)).toBe("target");
    expect(statusOf(r, 1)).toBe("better");
    expect(statusOf(r, 9)).toBe("ns");
    expect(statusOf(r, 0)).toBe("out");
    expect(statusOf(null, 0)).toBe("out");
    expect(Number.isNaN(r.pvalue[0])).toBe(true);
    expect(r.varied[1]).toBe(0);
  });
  it("pads short buffers instead of reading undefined", () => {
    const raw = { ...makeResults({ target: 0 }, [{ config: 0, status: 0 }, { config: 1, status: 2 }]) };
    raw.pvalue = dv(new Float64Array(0));
    const r = decodeResults(raw, shape(2))!;
    expect(r.pvalue.length).toBe(2);
    expect(Number.isNaN(r.pvalue[1])).toBe(true);
  });
});

describe("stateMatches", () => {
  const state = makeResults({ target: 3, correction: "holm", history: [1, 3], cursor: 1 }, []).state;
  const model = () => new FakeModel({ target: 3, correction: "holm", _history_index: 1 });
  it("accepts the results of the model's own state", () => {
    expect(stateMatches(state, model(), SETTINGS)).toBe(true);
    const m = model();
    m.set("alpha", 0.00005);
    expect(stateMatches({ ...state, alpha: 5e-5 }, m, SETTINGS)).toBe(true);
  });
  it("rejects results for any other setting, rule, target or cursor", () => {
    const changes: Array<Partial<WidgetTraits>> = [
      { target: 4 },
      { test: "welch" },
      { correction: "none" },
      { alpha: 0.01 },
      { against: "all" },
      { neighbors: "axis" },
      { error_control: "walk" },
      { _history_index: 0 },
    ];
    for (const change of changes) {
      const m = model();
      m.kernelSet(change);
      expect(stateMatches(state, m, SETTINGS)).toBe(false);
    }
  });
});
