// @vitest-environment jsdom
// Results the kernel sent ahead (src/ahead.ts): a click on a neighbour is painted from them at
// once, only when they follow from the results on screen and the current settings; the
// kernel's answer confirms (no repaint), replaces, or (an error) takes them back.
import { afterEach, describe, expect, it } from "vitest";
import { mountApp } from "../app";
import { FakeModel, makeResults, makeSweep, type ResultRow, type StateInput } from "../testutil";
import type { RawResults } from "./model";

const tick = () => new Promise<void>((r) => setTimeout(r, 0));
const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
  document.body.replaceChildren();
  performance.clearMarks();
});

/** 4 x 4 grid: the target, the row below it better, the one to the right ns. */
function rowsFor(t: number, below = 1): ResultRow[] {
  const rows: ResultRow[] = [{ config: t, status: 0 }];
  if (t + 4 < 16) rows.push({ config: t + 4, status: below, p: 0.001, varied: 0 });
  if (t % 4 < 3) rows.push({ config: t + 1, status: 4, p: 0.4, varied: 1 });
  if (t >= 4) rows.push({ config: t - 4, status: 2, p: 0.002, varied: 0 });
  return rows;
}

/** The `ahead` message as Python's ahead_message builds it: buffers replaced by indices. */
function aheadMessage(from: StateInput & { history: number[]; cursor: number }, entries: Array<[number, RawResults]>) {
  const buffers: DataView[] = [];
  const out = entries.map(([target, raw]) => {
    const results: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(raw)) {
      if (value instanceof DataView) {
        results[name] = { buffer: buffers.length };
        buffers.push(value);
      } else results[name] = value;
    }
    return { target, results };
  });
  const state = makeResults(from, []).state;
  return [{ kind: "ahead", from: state, entries: out }, buffers] as const;
}

function mount() {
  const model = new FakeModel({ target: 5, _history_index: 0, _sweep: makeSweep(4, 4, 5), _results: makeResults({ target: 5 }, rowsFor(5)) });
  const el = document.createElement("div");
  document.body.append(el);
  cleanups.push(mountApp(model, el));
  const root = el.querySelector<HTMLElement>(".sweepwalk")!;
  const row = (c: number) => root.querySelector<HTMLElement>(`[role="row"][data-config="${c}"]`);
  const clickRow = (c: number) => row(c)!.querySelector(".sw-c-effect")!.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }));
  return { model, root, row, clickRow };
}

const after9 = () => makeResults({ target: 9, history: [5, 9], cursor: 1 }, rowsFor(9));
const painted = () => performance.getEntriesByName("sweepwalk:results-painted").length;

describe("results sent ahead", () => {
  it("paints a click on a neighbour at once, and the kernel's equal answer repaints nothing", async () => {
    const { model, root, row, clickRow } = mount();
    model.emit("msg:custom", ...aheadMessage({ target: 5, history: [5], cursor: 0 }, [[9, after9()]]));
    clickRow(9);
    await tick();
    expect(model.lastSave()).toEqual({ target: 9 });
    expect(row(9)!.dataset.status).toBe("target");
    expect(row(13)!.dataset.status).toBe("better");
    expect(row(5)!.dataset.status).toBe("worse");
    expect(root.getAttribute("aria-busy")).toBe("false");
    expect(performance.getEntriesByName("sweepwalk:results-ahead").length).toBe(1);
    const before = painted();
    const kept = row(13);
    model.kernelSet({ _results: after9(), _history_index: 1 }); // the same, byte for byte
    await tick();
    expect(painted()).toBe(before);
    expect(row(13)).toBe(kept);
    expect(row(9)!.dataset.status).toBe("target");
  });

  it("is replaced by a different answer of the kernel", async () => {
    const { model, row, clickRow } = mount();
    model.emit("msg:custom", ...aheadMessage({ target: 5, history: [5], cursor: 0 }, [[9, after9()]]));
    clickRow(9);
    await tick();
    expect(row(13)!.dataset.status).toBe("better");
    model.kernelSet({ _results: makeResults({ target: 9, history: [5, 9], cursor: 1 }, rowsFor(9, 4)), _history_index: 1 });
    await tick();
    expect(row(13)!.dataset.status).toBe("ns");
  });

  it("is not used when it does not follow from the results on screen", async () => {
    // computed ahead of another target, or of another point in the history
    for (const from of [{ target: 6, history: [6], cursor: 0 }, { target: 5, history: [3, 5], cursor: 1 }]) {
      const { model, row, clickRow } = mount();
      model.emit("msg:custom", ...aheadMessage(from, [[9, after9()]]));
      clickRow(9);
      await tick();
      expect(model.lastSave()).toEqual({ target: 9 });
      expect(row(9)!.dataset.status).toBe("better"); // still the target 5 results: wait for the kernel
      expect(performance.getEntriesByName("sweepwalk:results-ahead").length).toBe(0);
      cleanups.pop()!();
    }
  });

  it("is not used after a setting changed", async () => {
    const { model, row, root, clickRow } = mount();
    model.emit("msg:custom", ...aheadMessage({ target: 5, history: [5], cursor: 0 }, [[9, after9()]]));
    const test = root.querySelector<HTMLSelectElement>('[data-testid="sw-test"]')!;
    test.value = "welch";
    test.dispatchEvent(new Event("change"));
    await tick();
    clickRow(9);
    await tick();
    expect(performance.getEntriesByName("sweepwalk:results-ahead").length).toBe(0);
    expect(row(9)!.dataset.status).toBe("better");
  });

  it("is taken back when the kernel reports an error for the click", async () => {
    const { model, row, clickRow } = mount();
    model.emit("msg:custom", ...aheadMessage({ target: 5, history: [5], cursor: 0 }, [[9, after9()]]));
    clickRow(9);
    await tick();
    expect(row(9)!.dataset.status).toBe("target");
    model.kernelSet({ _error: "RuntimeError: the comparison failed" });
    await tick();
    expect(row(5)!.dataset.status).toBe("target");
    expect(row(9)!.dataset.status).toBe("better");
  });
});
