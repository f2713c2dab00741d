// Pure logic of the walk insights: power marker, per-target summary, walk position, ledger
// text, importance rows.
import { describe, expect, it } from "vitest";
import { asLedger, isUnderpowered, ledgerSummary, median, neighbourSummary, walkPosition } from "./insights";
import { barPercent, importanceKey, importanceRows, type ImportanceReply } from "../panels/importance";
import { decodeResults, decodeSweep, type LedgerInfo, type WalkInfo } from "./model";
import { makeResults, makeSweep, type ResultRow } from "../testutil";

const sweep = decodeSweep(makeSweep(4, 4))!;
const decode = (rows: ResultRow[], target = 5) => decodeResults(makeResults({ target }, rows), sweep)!;

describe("power marker", () => {
  const rows: ResultRow[] = [
    { config: 1, status: 4, p: 0.4, diff: 0.01, mde: 0.05 }, // ns, mde > |diff|: underpowered
    { config: 4, status: 4, p: 0.5, diff: -0.08, mde: 0.05 }, // ns, mde < |diff|
    { config: 5, status: 0 },
    { config: 6, status: 1, p: 0.001, diff: 0.01, mde: 0.05 }, // better: never
    { config: 9, status: 4, p: 0.3, diff: 0.0 }, // ns, no mde (NaN)
  ];

  it("has no rule of its own: without the kernel's flags there is no marker", () => {
    const r = decode(rows); // row 0 would be underpowered by the rule (ns, mde > |diff|)
    r.underpowered = null;
    expect([0, 1, 2, 3, 4].some((i) => isUnderpowered(r, i))).toBe(false);
  });

  it("uses the kernel's flags when sent, and is false without power columns", () => {
    const flagged = decode(rows.map((x) => ({ ...x, underpowered: x.config === 4 })));
    expect(flagged.underpowered).not.toBeNull();
    expect([0, 1, 2, 3, 4].map((i) => isUnderpowered(flagged, i))).toEqual([false, true, false, false, false]);
    const plain = decode(rows.map(({ mde, ...x }) => x));
    expect(plain.underpowered).toBeNull();
    expect(plain.mde.every(Number.isNaN)).toBe(true);
    expect([0, 1, 2, 3, 4].some((i) => isUnderpowered(plain, i))).toBe(false);
    expect(isUnderpowered(null, 0)).toBe(false);
  });
});

describe("neighbour summary", () => {
  it("counts per varied parameter with the statuses shown, median |A12 - 0.5|", () => {
    const r = decode([
      { config: 1, status: 2, p: 0.001, varied: 0, effect: 0.1 }, // worse
      { config: 9, status: 4, p: 0.4, varied: 0, effect: 0.6 }, // ns
      { config: 5, status: 0 },
      { config: 4, status: 5, varied: 1 }, // na: compared, not tested
      { config: 6, status: 1, p: 0.01, varied: 1, effect: 0.95 }, // better
    ]);
    const s = neighbourSummary(sweep, r);
    expect(s.map((x) => [x.param, x.compared, x.tested, x.significant])).toEqual([
      ["a", 2, 2, 1],
      ["b", 2, 1, 1],
    ]);
    expect(s[0].median_abs_effect).toBeCloseTo((0.4 + 0.1) / 2, 12);
    expect(s[1].median_abs_effect).toBeCloseTo(0.45, 12);
    expect(neighbourSummary(sweep, null).every((x) => x.tested === 0 && Number.isNaN(x.median_abs_effect))).toBe(true);
  });

  it("splits tested neighbours into matters / negligible within ±m / inconclusive", () => {
    // diff_mean intervals are diff ± 0.01 (testutil), sent only with mde
    const r = decode([
      { config: 5, status: 0 },
      { config: 1, status: 2, p: 0.001, varied: 0, diff: -0.2, mde: 0.1 }, // worse, far outside ±0.05
      { config: 9, status: 4, p: 0.4, varied: 0, diff: 0.001, mde: 0.1 }, // ns, [-0.009, 0.011] inside ±0.05
      { config: 6, status: 4, p: 0.3, varied: 1, diff: 0.045, mde: 0.1 }, // ns, [0.035, 0.055] crosses 0.05
      { config: 4, status: 1, p: 0.01, varied: 1, diff: 0.002, mde: 0.1 }, // better, but inside ±0.05
    ]);
    const split = (m: number | null) => neighbourSummary(sweep, r, m).map((x) => [x.matters, x.negligible, x.inconclusive]);
    expect(split(0.05)).toEqual([[1, 1, 0], [0, 1, 1]]);
    // no margin: nothing can be called negligible
    expect(split(null)).toEqual([[1, 0, 1], [1, 0, 1]]);
  });

  it("median", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, NaN, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe("walk position", () => {
  const walk = { path: [3, 7, 8], steps: [], offset: 1, stopped: "no better neighbour" } as unknown as WalkInfo;
  it("follows the history cursor along the laid-out path", () => {
    expect(walkPosition(walk, [0, 3, 7, 8], 1)).toEqual({ onPath: true, step: 0, moves: 2 });
    expect(walkPosition(walk, [0, 3, 7, 8], 3)).toEqual({ onPath: true, step: 2, moves: 2 });
    expect(walkPosition(walk, [0, 3, 7, 8], 0)).toEqual({ onPath: true, step: -1, moves: 2 });
  });
  it("notices when the user left the path (forward branch replaced)", () => {
    expect(walkPosition(walk, [0, 3, 4], 2)).toEqual({ onPath: false, step: -1, moves: 2 });
    expect(walkPosition(null, [0], 0)).toEqual({ onPath: false, step: -1, moves: 0 });
  });
});

describe("ledger summary", () => {
  const info: LedgerInfo = {
    error_control: "walk",
    method: "lond",
    alpha: 0.05,
    test: "ks",
    n_tests: 12,
    n_discoveries: 3,
    rule: "walk: LOND ...",
    generation: 2,
    reason: "test 'ks' → 'welch': a fresh ledger started",
  };
  it("says which rule is in force and how many tests", () => {
    const s = ledgerSummary(info);
    expect(s.text).toBe("walk-wide FDR ≤ 0.05 (LOND) · 12 tests so far, 3 significant");
    expect(s.title).toContain("fresh ledger");
    const p = ledgerSummary({ ...info, error_control: "per-target", n_tests: 1, reason: "" });
    expect(p.text).toContain("per-target");
    expect(p.text).toContain("1 test so far");
    expect(asLedger({})).toBeNull();
    expect(ledgerSummary(null).text).toBe("");
  });
});

describe("importance rows", () => {
  it("turns the reply into rows (null -> NaN) and bars", () => {
    const reply = {
      params: ["lr", "depth"],
      pairs: [10, 4],
      tested: [8, 4],
      too_few_runs: [2, 0],
      significant: [6, 0],
      share_significant: [0.75, 0],
      median_abs_effect: [0.3, null],
      equivalent: [null, null],
      verdict: ["matters", "inconclusive"],
      settings: { test: "ks", correction: "fdr_bh", alpha: 0.05, neighbors: "adjacent", margin: null, family: 12 },
      seconds: 0.01,
    } satisfies ImportanceReply;
    const rows = importanceRows(reply);
    expect(rows[0]).toMatchObject({ param: "lr", tested: 8, significant: 6, share: 0.75, verdict: "matters" });
    expect(rows[1].median_abs_effect).toBeNaN();
    expect(barPercent(0.75)).toBe(75);
    expect(barPercent(NaN)).toBe(0);
    expect(barPercent(1.2)).toBe(100);
    expect(importanceKey({ test: "ks", alpha: 0.05, neighbors: "adjacent" }, null)).not.toBe(
      importanceKey({ test: "ks", alpha: 0.05, neighbors: "adjacent" }, 0.01),
    );
  });
});
