// @vitest-environment jsdom
// The neighbourhood profile, the legend's filter, hover inspection and the walk's end note.
import { afterEach, describe, expect, it } from "vitest";
import { mountApp } from "../app";
import { decodeResults, decodeSweep, type Param, type WalkInfo, type WidgetTraits } from "../model/model";
import { levelPositions, meanInterval, panelRange, targetLines, tickLabels } from "./profile";
import { walkEndText } from "./walkplayer";
import { dv, FakeModel, makeResults, makeSweep } from "../testutil";

const tick = () => new Promise<void>((r) => setTimeout(r, 0));
const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
  document.body.replaceChildren();
});

const param = (labels: string[], numeric = true): Param => ({ name: "p", numeric, labels, codes: new Int32Array(0) });

describe("profile geometry", () => {
  it("finds the target's line along each parameter (4 x 3 grid, id = a * 3 + b)", () => {
    const sweep = decodeSweep(makeSweep(4, 3))!;
    const [a, b] = targetLines(sweep, 4); // a = 1, b = 1
    expect([...a.entries()].sort()).toEqual([[0, [1]], [1, [4]], [2, [7]], [3, [10]]]);
    expect([...b.entries()].sort()).toEqual([[0, [3]], [1, [4]], [2, [5]]]);
  });
  it("puts a compared neighbour on the line of its varied parameter (a conditional parameter)", () => {
    const sweep = decodeSweep(makeSweep(4, 3))!;
    // config 8 (a = 2, b = 2) differs from 4 in both; the kernel says it varies along a
    const results = decodeResults(makeResults({ target: 4 }, [{ config: 4, status: 0 }, { config: 8, status: 1, p: 0.01, varied: 0 }]), sweep);
    const [a] = targetLines(sweep, 4, results);
    expect(a.get(2)).toEqual([7, 8]);
  });
  it("spaces levels by value, on a log axis when they span two decades", () => {
    expect(levelPositions(param(["0", "1", "4"])).x).toEqual([0, 0.25, 1]);
    const lr = levelPositions(param(["0.0001", "0.001", "0.01"]));
    expect(lr.log).toBe(true);
    expect(lr.x[1]).toBeCloseTo(0.5, 12);
    expect(levelPositions(param(["1", "10"])).log).toBe(false); // one decade: linear
    expect(levelPositions(param(["relu", "tanh", "gelu"], false)).x).toEqual([0, 0.5, 1]);
  });
  it("draws mean ± 1 standard error", () => {
    const sweep = decodeSweep(makeSweep(2, 2, 4))!; // std 0.1, n 4
    const [m, lo, hi] = meanInterval(sweep, 3);
    expect(m).toBeCloseTo(0.75, 12);
    expect(hi - m).toBeCloseTo(0.1 / 2, 12);
    expect(m - lo).toBeCloseTo(0.1 / 2, 12);
  });
});

function mount(initial: Partial<WidgetTraits> = {}) {
  // 4 x 4 grid, target 5 (a = 1, b = 1): neighbours 1 (worse), 9 (better), 4 (ns), 6 (differs)
  const model = new FakeModel({
    target: 5,
    _history_index: 0,
    _sweep: makeSweep(4, 4),
    _results: makeResults({ target: 5 }, [
      { config: 1, status: 2, p: 0.001, varied: 0 },
      { config: 4, status: 4, p: 0.4, varied: 1 },
      { config: 5, status: 0 },
      { config: 6, status: 3, p: 0.03, varied: 1 },
      { config: 9, status: 1, p: 0.002, varied: 0 },
    ]),
    ...initial,
  });
  const el = document.createElement("div");
  document.body.append(el);
  cleanups.push(mountApp(model, el));
  const root = el.querySelector<HTMLElement>(".sweepwalk")!;
  return { model, root };
}

describe("the profile in the widget", () => {
  it("marks each level on the target's line with its config and status; a click moves the target", async () => {
    const { model, root } = mount();
    await tick();
    const profile = root.querySelector<HTMLElement>('[data-testid="sw-profile"]')!;
    const panels = [...profile.querySelectorAll<SVGElement>("svg[data-param]")];
    expect(panels.map((p) => p.dataset.param)).toEqual(["a", "b"]);
    const marks = (p: SVGElement) =>
      [...p.querySelectorAll("[data-config]")].map((m) => [m.getAttribute("data-config"), m.getAttribute("data-status")]);
    // along a: 1 (worse), 5 (target), 9 (better), 13 (not compared)
    expect(marks(panels[0])).toEqual([["1", "worse"], ["5", "target"], ["9", "better"], ["13", "out"]]);
    expect(marks(panels[1])).toEqual([["4", "ns"], ["5", "target"], ["6", "differs"], ["7", "out"]]);
    profile.querySelector<SVGElement>('[data-config="9"]')!.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    expect(model.get("target")).toBe(9);
  });

  it("the legend filters the rows by status; again shows all", async () => {
    const { root } = mount();
    await tick();
    const rows = () => [...root.querySelectorAll<HTMLElement>('[role="row"][data-config]')].map((r) => r.dataset.status);
    expect(rows()).toHaveLength(5);
    const better = root.querySelector<HTMLElement>('[data-legend-status="better"]')!;
    better.click();
    await tick();
    expect(rows()).toEqual(["better"]);
    expect(better.getAttribute("aria-pressed")).toBe("true");
    better.click();
    await tick();
    expect(rows()).toHaveLength(5);
    expect(root.querySelector('[data-legend-status="out"] .sw-legend-name')!.textContent).toBe("not compared");
    expect(root.querySelector(".sw-legend-marks")!.textContent).toContain("◔");
  });

  it("the filter follows new results in the all-rows view", async () => {
    const { model, root } = mount();
    await tick();
    (root.querySelector('[data-testid="sw-scope"]') as HTMLSelectElement).value = "all";
    root.querySelector('[data-testid="sw-scope"]')!.dispatchEvent(new Event("change"));
    root.querySelector<HTMLElement>('[data-legend-status="better"]')!.click();
    await tick();
    const shown = () => [...root.querySelectorAll<HTMLElement>('[role="row"][data-config]')].map((r) => r.dataset.config);
    expect(shown()).toEqual(["9"]);
    // the kernel answers a move to 9: now 13 is the better one
    model.set("target", 9);
    model.set("_history_index", 1);
    model.kernelSet({
      _results: makeResults({ target: 9, history: [5, 9] }, [
        { config: 5, status: 2, p: 0.01, varied: 0 },
        { config: 9, status: 0 },
        { config: 13, status: 1, p: 0.01, varied: 0 },
      ]),
    });
    await tick();
    expect(shown()).toEqual(["13"]);
  });

  it("hovering a row describes it in the detail panel without moving the target", async () => {
    const { model, root } = mount();
    await tick();
    const detail = root.querySelector<HTMLElement>('[data-testid="sw-detail"]')!;
    expect(detail.dataset.detailConfig).toBe("5");
    const row = root.querySelector<HTMLElement>('[role="row"][data-config="9"] .sw-c-param')!;
    row.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
    expect(detail.dataset.detailConfig).toBe("9");
    expect(detail.textContent).toContain("#9 vs target #5");
    expect(model.get("target")).toBe(5);
    root.querySelector(".sw-body")!.dispatchEvent(new MouseEvent("mouseleave"));
    expect(detail.dataset.detailConfig).toBe("5");
  });

  it("puts status, A12 and p adj right after the checkbox, sticky, with data-sort for every column", async () => {
    const { root } = mount();
    await tick();
    const heads = [...root.querySelectorAll<HTMLElement>(".sw-header [role=columnheader]")];
    expect(heads.slice(1, 4).map((h) => h.dataset.sort)).toEqual(["status", "effect", "pvalue_adj"]);
    expect(heads.slice(1).every((h) => h.dataset.sort)).toBe(true);
    expect(heads.map((h) => h.dataset.sort)).toContain("a");
    const row = root.querySelector<HTMLElement>('[role="row"][data-config="9"]')!;
    const cells = [...row.querySelectorAll<HTMLElement>('[role="gridcell"]')];
    expect(cells.slice(0, 4).every((c) => c.classList.contains("sw-sticky"))).toBe(true);
    expect(cells.slice(1, 4).map((c) => c.dataset.col)).toEqual(["status", "effect", "pvalue_adj"]);
  });
});

describe("each panel's own y-range", () => {
  const pt = (mean: number, se = 0.002) => ({ mean, low: mean - se, high: mean + se });
  it("leaves a collapsed neighbour out of the range; the target always stays in", () => {
    const points = [pt(0.97), pt(0.96), pt(0.965), pt(0.186)];
    const r = panelRange(points, 0.97, [0, 1]);
    expect(r.lo).toBeCloseTo(0.958, 12);
    expect(r.hi).toBeCloseTo(0.972, 12);
    expect(r.inRange(0.186)).toBe(false);
    expect(points.slice(0, 3).every((p) => r.inRange(p.mean))).toBe(true);
    // the target is kept even when it is the odd one out
    expect(panelRange(points, 0.186, [0, 1]).lo).toBeCloseTo(0.184, 12); // its bar too
  });
  it("keeps an ordinary spread whole", () => {
    const points = [pt(0.5, 0.02), pt(0.7, 0.02), pt(0.9, 0.02), pt(0.95, 0.02)];
    const r = panelRange(points, 0.9, [0, 1]);
    expect(points.every((p) => r.inRange(p.mean))).toBe(true);
    expect(r.lo).toBeCloseTo(0.48, 12);
    expect(r.hi).toBeCloseTo(0.97, 12);
  });
  it("labels stay inside the metric's range (an accuracy axis never says more than 1)", () => {
    const r = panelRange([pt(0.999, 0.004), pt(0.995, 0.004)], 0.999, [0.2, 1]);
    expect(r.hi).toBe(1);
    const flat = panelRange([pt(1, 0), pt(1, 0)], 1, [0.2, 1]);
    expect(flat.hi).toBe(1);
    expect(flat.lo).toBeLessThan(1);
  });
});

describe("tick labels", () => {
  it("keep the first ones asked for and drop any that would overlap", () => {
    const items = [
      { code: 2, x: 100, width: 30, anchor: "middle" as const }, // 85..115
      { code: 0, x: 50, width: 30, anchor: "start" as const }, // 50..80
      { code: 3, x: 150, width: 30, anchor: "end" as const }, // 120..150
      { code: 1, x: 78, width: 30, anchor: "middle" as const }, // 63..93: overlaps 0 and 2
    ];
    expect(tickLabels(items)).toEqual([2, 0, 3]);
  });
});

describe("the profile's panels", () => {
  /** 4 x 4 sweep, target 5; config 13 (a = 3, b = 1, on a's line) collapsed to 0.186. */
  function mountOutlier() {
    const raw = makeSweep(4, 4, 5);
    const mean = Float64Array.from({ length: 16 }, (_, i) => 0.95 + 0.002 * i);
    mean[13] = 0.186;
    raw.mean = dv(mean);
    raw.std = dv(new Float64Array(16).fill(0.004));
    raw.score_min = 0.18;
    raw.score_max = 0.99;
    return mount({ _sweep: raw });
  }
  const num = (el: Element, name: string) => Number(el.getAttribute(name));

  it("draws a collapsed neighbour clipped at the edge with its value; the others fill the panel", async () => {
    const { root } = mountOutlier();
    await tick();
    const panel = root.querySelector<SVGElement>('svg[data-param="a"]')!;
    const mark = panel.querySelector('[data-config="13"]')!.closest("g")!;
    expect(mark.getAttribute("data-clipped")).toBe("low");
    expect(mark.querySelector(".sw-profile-clip-value")!.textContent).toBe("▼ 0.186");
    const ys = [1, 5, 9].map((c) => num(panel.querySelector(`[data-config="${c}"]`)!, "cy"));
    // the three others spread over most of the plot's height (130 - 8 - 30 - 2 * 10 = 72 px)
    expect(Math.max(...ys) - Math.min(...ys)).toBeGreaterThan(40);
    // the clipped mark sits below every other one, inside the panel
    expect(num(panel.querySelector('[data-config="13"]')!, "cy")).toBeGreaterThan(Math.max(...ys));
    expect(num(panel.querySelector('[data-config="13"]')!, "cy")).toBeLessThan(130 - 30);
    // panel b has no outlier and its own range
    const b = root.querySelector<SVGElement>('svg[data-param="b"]')!;
    expect(b.querySelector("[data-clipped]")).toBeNull();
    expect(Number(b.dataset.yLow)).toBeGreaterThan(Number(panel.dataset.yLow) - 1e-12);
  });

  it("labels its y-range within the metric's range, left of every mark", async () => {
    const { root } = mountOutlier();
    await tick();
    for (const panel of root.querySelectorAll<SVGElement>("svg[data-param]")) {
      const labels = [...panel.querySelectorAll(".sw-profile-ytick")].map((t) => Number(t.textContent));
      expect(labels).toHaveLength(2);
      for (const v of labels) {
        expect(v).toBeGreaterThanOrEqual(0.18);
        expect(v).toBeLessThanOrEqual(0.99);
      }
      // y labels end at x = 36; every mark (radius <= 6) starts right of the axis at 40
      for (const dot of panel.querySelectorAll(".sw-profile-dot")) expect(num(dot, "cx") - num(dot, "r")).toBeGreaterThan(40);
    }
  });

  it("labels no y-range on a panel without marks", async () => {
    // a conditional parameter: b is absent (code -1) for the target 5 and for every config with a = 1
    const raw = makeSweep(4, 4);
    const codes = new Int32Array(16).map((_, i) => (Math.floor(i / 4) === 1 ? -1 : i % 4));
    raw.params[1].codes = dv(codes);
    const { root } = mount({ _sweep: raw });
    await tick();
    const b = root.querySelector<SVGElement>('svg[data-param="b"]')!;
    expect(b.querySelectorAll(".sw-profile-dot")).toHaveLength(0);
    expect(b.querySelectorAll(".sw-profile-ytick")).toHaveLength(0);
    expect(b.textContent).toContain("the target has no value here");
    expect(root.querySelector('svg[data-param="a"]')!.querySelectorAll(".sw-profile-ytick")).toHaveLength(2);
  });

  it("explains its marks in one line and says its bars are not the test's interval", async () => {
    const { root } = mount();
    await tick();
    const key = root.querySelector('[data-testid="sw-profile-key"]')!.textContent!;
    for (const words of ["status", "not compared", "1 s.e.", "not the test's interval", "target's level", "no configuration at that level", "beyond the panel's range"]) {
      expect(key).toContain(words);
    }
  });
});

describe("small things the reader sees", () => {
  const gridOrder = (root: HTMLElement) => [...root.querySelectorAll<HTMLElement>('[role="row"][data-config]')].map((r) => Number(r.dataset.config));
  const hover = (root: HTMLElement, config: number) =>
    root.querySelector(`[role="row"][data-config="${config}"] .sw-c-param`)!.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
  const stat = (root: HTMLElement, name: string) => root.querySelector(`[data-testid="sw-detail"] [data-stat="${name}"]`)!.textContent;

  it("the detail says 'not compared' as the legend does", async () => {
    const { root } = mount();
    const scope = root.querySelector<HTMLSelectElement>('[data-testid="sw-scope"]')!;
    scope.value = "all";
    scope.dispatchEvent(new Event("change"));
    await tick();
    hover(root, 0);
    expect(stat(root, "status")).toBe("not compared");
    hover(root, 9);
    expect(stat(root, "status")).toBe("better");
  });

  it("Δ mean and the estimate, the same number, are written the same way", async () => {
    const raw = makeResults({ target: 5 }, [
      { config: 5, status: 0 },
      { config: 9, status: 1, p: 0.002, varied: 0, diff: 0.0123, mde: 0.05 },
    ]);
    Object.assign(raw, { estimate: raw.diff_mean, estimate_low: raw.diff_mean_low, estimate_high: raw.diff_mean_high, estimand: "mean difference" });
    const { root } = mount({ _results: raw });
    await tick();
    hover(root, 9);
    expect(stat(root, "Δ")).toBe("+0.0123 [0.00230, 0.0223]");
    expect(stat(root, "estimate")).toBe(stat(root, "Δ"));
  });

  it("the first sort on mean puts the best first for the metric's goal", async () => {
    const { root } = mount();
    await tick();
    const head = () => root.querySelector<HTMLElement>('.sw-header [data-sort="mean"]')!;
    head().click();
    await tick();
    expect(gridOrder(root)).toEqual([9, 6, 5, 4, 1]); // goal max: highest mean first
    head().click();
    await tick();
    expect(gridOrder(root)).toEqual([1, 4, 5, 6, 9]);
    const minimise = makeSweep(4, 4);
    minimise.goal = "min";
    const other = mount({ _sweep: minimise });
    await tick();
    other.root.querySelector<HTMLElement>('.sw-header [data-sort="mean"]')!.click();
    await tick();
    expect(gridOrder(other.root)).toEqual([1, 4, 5, 6, 9]); // goal min: lowest first
  });

  it("clearing the 'not compared' filter goes back to the view it left", async () => {
    const { root } = mount();
    await tick();
    const scope = root.querySelector<HTMLSelectElement>('[data-testid="sw-scope"]')!;
    const out = () => root.querySelector<HTMLElement>('[data-legend-status="out"]')!;
    out().click();
    await tick();
    expect(scope.value).toBe("all");
    expect(gridOrder(root)).toHaveLength(11);
    out().click();
    await tick();
    expect(scope.value).toBe("compared");
    expect(gridOrder(root)).toHaveLength(5);
    // a view the user chose while filtering is kept
    out().click();
    await tick();
    scope.value = "all";
    scope.dispatchEvent(new Event("change"));
    out().click();
    await tick();
    expect(scope.value).toBe("all");
    expect(gridOrder(root)).toHaveLength(16);
  });
});

describe("walk end", () => {
  const walk = (extra: Partial<WalkInfo>): WalkInfo => ({
    path: [0, 4, 9], steps: [], stopped: "no better neighbour", offset: 0, test: "ks", correction: "none",
    alpha: 0.05, neighbors: "adjacent", error_control: "per-target", ...extra,
  });
  it("shows the held-out estimate, or says the end's estimate is optimistic", () => {
    expect(walkEndText(walk({ holdout_estimate: null }))).toBe("end #9: estimate is optimistic: confirm with fresh seeds");
    expect(walkEndText(walk({ holdout_estimate: { config: 9, mean: 0.9123, low: 0.9, high: 0.925, n: 4 }, notes: ["a note."] })))
      .toBe("end #9: held-out estimate 0.912 [0.900, 0.925] on 4 fresh seeds. a note.");
  });
});
