// @vitest-environment jsdom
// The wiring: one View per paint, each panel redraws only when its slice of it changed, and the
// model side routes every custom message through one listener.
import { afterEach, describe, expect, it } from "vitest";
import { mountApp } from "./app";
import { Memo } from "./util/memo";
import { MessageRouter } from "./model/router";
import { sameState } from "./model/state";
import { decodeResults, decodeSweep } from "./model/model";
import { FakeModel, makeResults, makeSweep, SETTINGS, shape } from "./testutil";

const tick = () => new Promise<void>((r) => setTimeout(r, 0));
const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
  document.body.replaceChildren();
});

function mount() {
  const model = new FakeModel({
    target: 5,
    _history_index: 0,
    _sweep: makeSweep(4, 4),
    _results: makeResults({ target: 5 }, [
      { config: 1, status: 2, p: 0.001, varied: 0 },
      { config: 4, status: 4, p: 0.4, varied: 1 },
      { config: 5, status: 0 },
      { config: 9, status: 1, p: 0.002, varied: 0 },
    ]),
  });
  const el = document.createElement("div");
  document.body.append(el);
  cleanups.push(mountApp(model, el));
  return { model, root: el.querySelector<HTMLElement>(".sweepwalk")! };
}

/** The elements each panel builds when it draws (a redraw replaces them). */
function drawn(root: HTMLElement) {
  return {
    row: root.querySelector('[role="row"][data-config="9"]')!.firstElementChild,
    profile: root.querySelector('[data-testid="sw-profile"] svg'),
    detail: root.querySelector(".sw-detail-stats")!.firstElementChild,
    legend: root.querySelector('[data-testid="sw-legend"]')!.firstElementChild,
    crumbs: root.querySelector('[data-testid="sw-breadcrumb"]')!.firstElementChild,
    importance: root.querySelector('[data-testid="sw-importance-panel"] tr[data-param]'),
  };
}

describe("panels draw only when their slice of the view changes", () => {
  it("a kernel message about the progress or the ledger redraws no table, plot or legend", async () => {
    const { model, root } = mount();
    await tick();
    const before = drawn(root);
    for (const [name, el] of Object.entries(before)) expect(el, name).not.toBeNull();
    model.kernelSet({ _progress: 0.5, _ledger: { error_control: "per-target", method: "", alpha: 0.05, test: "ks", n_tests: 3, n_discoveries: 2, rule: "", generation: 0, reason: "" } });
    await tick();
    const after = drawn(root);
    for (const name of Object.keys(before) as Array<keyof typeof before>) expect(after[name], name).toBe(before[name]);
    expect(root.querySelector('[data-testid="sw-ledger"]')!.getAttribute("data-tests")).toBe("3");
  });
  it("new results redraw the grid, the profile, the detail and the legend", async () => {
    const { model, root } = mount();
    await tick();
    const before = drawn(root);
    model.kernelSet({ _results: makeResults({ target: 5 }, [{ config: 5, status: 0 }, { config: 9, status: 2, p: 0.01, varied: 0 }]) });
    await tick();
    const after = drawn(root);
    for (const name of ["profile", "detail", "importance"] as const) expect(after[name], name).not.toBe(before[name]);
    expect(root.querySelector('[role="row"][data-config="9"]')!.getAttribute("data-status")).toBe("worse");
    // the legend's items stay (they follow the sweep's vocabulary); their counts follow the results
    const count = (status: string) => root.querySelector(`[data-legend-status="${status}"] .sw-legend-count`)!.textContent;
    expect([count("better"), count("worse"), count("ns")]).toEqual(["0", "1", "0"]);
  });
});

describe("Memo", () => {
  it("is changed the first time, then only when a part is another object", () => {
    const memo = new Memo();
    const a = {};
    expect(memo.changed([a, 1, NaN])).toBe(true);
    expect(memo.changed([a, 1, NaN])).toBe(false);
    expect(memo.changed([{}, 1, NaN])).toBe(true);
    memo.reset();
    expect(memo.changed([a, 1, NaN])).toBe(true);
  });
});

describe("MessageRouter", () => {
  it("listens once and sends replies, kernel jobs and `ahead` each to their own handlers", () => {
    const model = new FakeModel();
    const router = new MessageRouter(model);
    const seen: string[] = [];
    router.onReply((m) => seen.push(`reply ${m.kind}`));
    router.onKernelJob((m) => seen.push(`job ${m.kind}`));
    const off = router.onKind("ahead", (m) => seen.push(`kind ${m.kind}`));
    expect(model.listenerCount()).toBe(1);
    model.emit("msg:custom", { kind: "detail-response", id: "x-1" }, []);
    model.emit("msg:custom", { kind: "progress", id: null, job: "compare", fraction: 0.5 }, []);
    model.emit("msg:custom", { kind: "ahead", from: {}, entries: [] }, []);
    model.emit("msg:custom", { kind: "something-else" }, []);
    model.emit("msg:custom", "not an object", []);
    expect(seen).toEqual(["reply detail-response", "job progress", "kind ahead"]);
    off();
    expect(router.handlerCount).toBe(2);
    router.dispose();
    expect(model.listenerCount()).toBe(0);
  });
});

describe("the settings and the results schema come from the sweep payload", () => {
  it("compares states by the payload's settings (alpha to 1e-12 relative), with the history", () => {
    const state = makeResults({ target: 3, correction: "holm", history: [1, 3], cursor: 1 }, []).state;
    expect(sameState(state, { ...state, alpha: state.alpha * (1 + 1e-14) }, SETTINGS)).toBe(true);
    expect(sameState(state, { ...state, correction: "none" }, SETTINGS)).toBe(false);
    // a setting the payload does not name is not compared
    expect(sameState(state, { ...state, correction: "none" }, SETTINGS.filter((s) => s !== "correction"))).toBe(true);
    expect(sameState(state, { ...state, history: [2, 3] }, SETTINGS)).toBe(false);
    expect(sameState(state, { ...state, history: [2, 3] }, SETTINGS, false)).toBe(true);
  });
  it("decodes each column in the type the payload names, and only the columns it names", () => {
    const raw = makeResults({ target: 0 }, [{ config: 0, status: 0 }, { config: 1, status: 2, p: 0.01, varied: 1 }]);
    const sweep = decodeSweep(makeSweep(2, 2))!;
    const r = decodeResults(raw, sweep)!;
    expect(r.status).toBeInstanceOf(Uint8Array);
    expect(r.varied).toBeInstanceOf(Int16Array);
    expect(r.pvalue).toBeInstanceOf(Float64Array);
    expect(r.level_pvalue).toBeNull(); // not sent: per-target
    const { pvalue: _dropped, ...columns } = shape(4).results_columns;
    const without = decodeResults(raw, { ...shape(4), results_columns: columns })! as unknown as Record<string, unknown>;
    expect(without.pvalue).toBeUndefined();
    expect(without.pvalue_adj).toBeInstanceOf(Float64Array);
  });
});
