// @vitest-environment jsdom
// A slow test's early answer (`_results.pending`): the new target's rows with their estimates
// at once, every row still being tested marked pending (never a verdict), then the verdicts.
import { afterEach, describe, expect, it } from "vitest";
import { mountApp } from "./app";
import { PENDING_CODE } from "./model/model";
import { FakeModel, makeResults, makeSweep, type ResultRow } from "./testutil";

const tick = () => new Promise<void>((r) => setTimeout(r, 0));
const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
  document.body.replaceChildren();
});

const TARGET = 5;
/** Target 5 of a 4 x 4 grid and its neighbours: 1 worse, 9 better, 4 ns, 6 na (too few runs). */
const FINAL: ResultRow[] = [
  { config: TARGET, status: 0 },
  { config: 1, status: 2, p: 0.001, diff: -0.05, varied: 0 },
  { config: 9, status: 1, p: 0.002, diff: 0.04, varied: 0 },
  { config: 4, status: 4, p: 0.4, diff: 0.001, varied: 1 },
  { config: 6, status: 5, diff: 0.002, varied: 1 },
];
/** The early answer: the same estimates, no p-value, the testable rows pending. */
const EARLY: ResultRow[] = FINAL.map((r) =>
  r.config === TARGET || r.status === 5 ? r : { ...r, status: PENDING_CODE, p: undefined },
);

function mount() {
  const model = new FakeModel({ target: TARGET, test: "permutation", _sweep: makeSweep(4, 4, 5) });
  const el = document.createElement("div");
  document.body.append(el);
  cleanups.push(mountApp(model, el));
  const root = el.querySelector<HTMLElement>(".sweepwalk")!;
  const row = (c: number) => root.querySelector<HTMLElement>(`[role="row"][data-config="${c}"]`)!;
  const cell = (c: number, col: string) => row(c).querySelector<HTMLElement>(`[data-col="${col}"]`);
  return { model, root, row, cell };
}

describe("a pending results payload", () => {
  it("shows the rows being tested as pending, then their verdicts", async () => {
    const { model, root, row, cell } = mount();
    model.kernelSet({ _results: { ...makeResults({ target: TARGET, test: "permutation" }, EARLY), pending: true } });
    await tick();
    expect(row(TARGET).dataset.status).toBe("target");
    for (const c of [1, 9, 4]) {
      expect(row(c).dataset.status).toBe("pending");
      expect(row(c).dataset.pending).toBe("true");
      expect(row(c).querySelector(".sw-glyph")!.textContent).toBe("…");
      expect(cell(c, "pvalue")?.textContent ?? cell(c, "padj")!.textContent).toBe("…");
    }
    // a row with too few runs is known to be untestable before any test
    expect(row(6).dataset.status).toBe("na");
    expect(row(6).dataset.pending).toBeUndefined();
    // no verdict anywhere: the legend counts none, and no row reads as better or worse
    expect(root.querySelectorAll('[role="row"][data-status="better"], [role="row"][data-status="worse"]').length).toBe(0);
    expect(root.querySelector('[data-legend-status="ns"] .sw-legend-count')?.textContent ?? "0").toBe("0");
    expect(root.getAttribute("aria-busy")).toBe("false"); // the estimates are readable, not dimmed

    model.kernelSet({ _results: makeResults({ target: TARGET, test: "permutation" }, FINAL) });
    await tick();
    expect(row(1).dataset.status).toBe("worse");
    expect(row(9).dataset.status).toBe("better");
    expect(row(4).dataset.status).toBe("ns");
    expect(root.querySelectorAll("[data-pending]").length).toBe(0);
  });

  it("reads code 255 as out when the payload is not pending", async () => {
    const { model, root } = mount();
    model.kernelSet({ _results: makeResults({ target: TARGET, test: "permutation" }, EARLY) });
    await tick();
    expect(root.querySelectorAll('[role="row"][data-status="pending"]').length).toBe(0);
  });
});
