// @vitest-environment jsdom
// The walk insights in the rendered widget, with a fake anywidget model: power marker, detail
// intervals, error-control control and ledger badge, walk player, importance panel.
import { afterEach, describe, expect, it, vi } from "vitest";
import { mountApp } from "./app";
import { FakeModel, makeResults, makeSweep, type ResultRow } from "./testutil";
import type { LedgerInfo, WalkInfo, WidgetTraits } from "./model/model";

const tick = () => new Promise<void>((r) => setTimeout(r, 0));
const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
  document.body.replaceChildren();
  vi.useRealTimers();
});

const ROWS: ResultRow[] = [
  { config: 1, status: 2, p: 0.001, varied: 0, effect: 0.2, diff: -0.1, mde: 0.05 },
  { config: 4, status: 4, p: 0.4, varied: 1, effect: 0.55, diff: 0.01, mde: 0.05, underpowered: true },
  { config: 5, status: 0 },
  { config: 6, status: 4, p: 0.5, varied: 1, effect: 0.5, diff: 0.2, mde: 0.05 },
  { config: 9, status: 1, p: 0.002, varied: 0, effect: 0.9, diff: 0.1, mde: 0.05 },
];

const LEDGER: LedgerInfo = {
  error_control: "per-target",
  method: "lond",
  alpha: 0.05,
  test: "ks",
  n_tests: 4,
  n_discoveries: 2,
  rule: "per-target: each comparison is corrected within its own family only",
  generation: 1,
  reason: "",
};

function mount(initial: Partial<WidgetTraits> = {}) {
  const model = new FakeModel({
    target: 5,
    _history_index: 0,
    _sweep: makeSweep(4, 4, 5),
    _results: makeResults({ target: 5 }, ROWS),
    _ledger: LEDGER,
    ...initial,
  });
  const el = document.createElement("div");
  document.body.append(el);
  cleanups.push(mountApp(model, el));
  const root = el.querySelector<HTMLElement>(".sweepwalk")!;
  const q = <T extends HTMLElement = HTMLElement>(sel: string) => root.querySelector<T>(sel)!;
  const row = (c: number) => q(`[role="row"][data-config="${c}"]`);
  return { model, root, q, row };
}

function reply(model: FakeModel, kind: string, body: Record<string, unknown>) {
  const req = model.sent.find((m) => m.kind === kind);
  if (!req) throw new Error(`no ${kind} request`);
  model.emit("msg:custom", { kind: `${kind}-response`, id: req.id, ...body }, []);
  return req;
}

describe("power marker and detail intervals", () => {
  it("marks the underpowered ns row, and only it", () => {
    const { root, row } = mount();
    expect(row(4).dataset.underpowered).toBe("true");
    expect(row(4).querySelector(".sw-power")!.getAttribute("title")).toContain("underpowered");
    const marked = [...root.querySelectorAll<HTMLElement>('[data-underpowered="true"]')].map((r) => r.dataset.config);
    expect(marked).toEqual(["4"]);
  });

  it("shows the effect and mean-difference intervals, mde and seeds needed", async () => {
    const { root, row } = mount();
    row(4).querySelector<HTMLElement>(".sw-c-param")!.dispatchEvent(new MouseEvent("click", { bubbles: true, ctrlKey: true }));
    await tick();
    const stat = (k: string) => root.querySelector<HTMLElement>(`.sw-detail [data-stat="${k}"]`)?.textContent;
    expect(stat("effect")).toBe("0.550 [0.450, 0.650]");
    expect(stat("Δ")).toBe("+0.0100 [0, 0.0200]"); // signed, as the estimate
    expect(stat("mde")).toBe("0.0500");
    expect(stat("seeds")).toBe("40");
    expect(stat("power")).toContain("underpowered");
  });

  it("names the difference seeds needed is for next to it, and a default as such", async () => {
    const basis = "seeds_needed and ◔ (underpowered) are for a difference in means of 0.05 = half the median seed sd (default; pass effect_of_interest=): a question about the noise, not a difference you chose";
    const { root, row } = mount({ _results: { ...makeResults({ target: 5 }, ROWS), power_basis: basis } });
    row(4).querySelector<HTMLElement>(".sw-c-param")!.dispatchEvent(new MouseEvent("click", { bubbles: true, ctrlKey: true }));
    await tick();
    const keys = [...root.querySelectorAll<HTMLElement>(".sw-detail .sw-stat-key")].map((k) => k.textContent);
    expect(keys.indexOf("power for")).toBe(keys.indexOf("seeds needed") + 1);
    expect(root.querySelector<HTMLElement>('.sw-detail [data-stat="power_basis"]')!.textContent).toBe(basis);
  });
});

describe("error control and ledger", () => {
  it("the control writes error_control; the badge shows the rule and the number of tests", async () => {
    const { model, q } = mount();
    const badge = q('[data-testid="sw-ledger"]');
    expect(badge.dataset.tests).toBe("4");
    expect(badge.dataset.rule).toBe("per-target");
    expect(badge.textContent).toContain("4 tests so far");
    const select = q<HTMLSelectElement>('[data-testid="sw-error-control"]');
    select.value = "walk";
    select.dispatchEvent(new Event("change"));
    expect(model.lastSave()).toEqual({ error_control: "walk" });
    model.kernelSet({ _ledger: { ...LEDGER, error_control: "walk", n_tests: 4, generation: 2, reason: "rule 'per-target' → 'walk': a fresh ledger started (the previous one had 4 tests)" } });
    await tick();
    expect(badge.dataset.rule).toBe("walk");
    expect(badge.textContent).toContain("walk-wide FDR ≤ 0.05 (LOND)");
    expect(q('[data-testid="sw-ledger-reason"]').textContent).toContain("fresh ledger");
    expect(q<HTMLSelectElement>('[data-testid="sw-correction"]').disabled).toBe(true);
  });
});

describe("walk player", () => {
  it("asks the kernel for a walk and steps along the laid-out path", async () => {
    const { model, q } = mount();
    q('[data-testid="sw-walk"]').click();
    const req = reply(model, "walk", { path: [5, 9, 13], stopped: "no better neighbour" });
    expect(req.start).toBe(5);
    const walk: WalkInfo = {
      path: [5, 9, 13],
      steps: [
        { from: 5, to: 9, varied: "a", pvalue: 0.002, pvalue_adj: 0.002, effect: 0.9 },
        { from: 9, to: 13, varied: "a", pvalue: 0.01, pvalue_adj: 0.01, effect: 0.8 },
      ],
      stopped: "no better neighbour",
      offset: 0,
      test: "ks",
      correction: "none",
      alpha: 0.05,
      neighbors: "adjacent",
      error_control: "per-target",
    };
    const history = [5, 9, 13];
    // what the kernel sends for each cursor position (one message per move)
    const at = (cursor: number, h = history) => ({
      target: h[cursor],
      _history_index: cursor,
      _results: makeResults({ target: h[cursor], history: h, cursor }, ROWS),
    });
    model.kernelSet({ _walk: walk, ...at(0) });
    await tick();
    const player = q('[data-testid="sw-walk-player"]');
    expect(player.dataset.path).toBe("5,9,13");
    expect(player.dataset.step).toBe("0");
    expect(q('[data-testid="sw-walk-status"]').textContent).toContain("step 0 of 2");
    expect(q<HTMLButtonElement>('[data-testid="sw-walk-prev"]').disabled).toBe(true);
    // the breadcrumb shows the whole path
    expect([...document.querySelectorAll<HTMLElement>(".sw-crumb")].map((b) => b.dataset.crumbConfig)).toEqual(["5", "9", "13"]);

    q('[data-testid="sw-walk-next"]').click();
    expect(model.lastSave()).toEqual({ _history_index: 1 });
    model.kernelSet(at(1));
    await tick();
    expect(player.dataset.step).toBe("1");
    q('[data-testid="sw-walk-next"]').click();
    expect(model.lastSave()).toEqual({ _history_index: 2 });
    model.kernelSet(at(2));
    await tick();
    expect(q<HTMLButtonElement>('[data-testid="sw-walk-next"]').disabled).toBe(true);
    q('[data-testid="sw-walk-prev"]').click();
    expect(model.lastSave()).toEqual({ _history_index: 1 });
    model.kernelSet(at(1));

    // a click elsewhere replaces the forward branch: the player says the walk was left
    model.kernelSet(at(2, [5, 9, 10]));
    await tick();
    expect(player.dataset.step).toBe("-1");
    expect(q('[data-testid="sw-walk-status"]').textContent).toContain("left the walk");
  });

  it("clears 'walking…' when the reply comes after the walk's traits (the kernel's order)", async () => {
    const { model, q } = mount();
    q('[data-testid="sw-walk"]').click();
    expect(q('[data-testid="sw-walk-status"]').textContent).toBe("walking…");
    const walk: WalkInfo = {
      path: [5, 9],
      steps: [{ from: 5, to: 9, varied: "a", pvalue: 0.002, pvalue_adj: 0.002, effect: 0.9 }],
      stopped: "no better neighbour",
      offset: 0,
      test: "ks",
      correction: "none",
      alpha: 0.05,
      neighbors: "adjacent",
      error_control: "per-target",
    };
    model.kernelSet({ _walk: walk, _results: makeResults({ target: 5, history: [5, 9], cursor: 0 }, ROWS) });
    await tick();
    reply(model, "walk", {});
    await tick();
    expect(q('[data-testid="sw-walk-status"]').textContent).toContain("step 0 of 1");
  });

  it("shows a kernel error", async () => {
    const { model, q } = mount();
    q('[data-testid="sw-walk"]').click();
    const req = model.sent.find((m) => m.kind === "walk")!;
    model.emit("msg:custom", { kind: "error", id: req.id, message: "boom" }, []);
    await tick();
    expect(q('[data-testid="sw-walk-status"]').textContent).toBe("walk failed: boom");
  });
});

describe("importance panel", () => {
  const body = {
    params: ["a", "b"],
    pairs: [12, 12],
    tested: [12, 10],
    too_few_runs: [0, 2],
    significant: [9, 0],
    share_significant: [0.75, 0],
    median_abs_effect: [0.3, 0.05],
    equivalent: [1, 2],
    matters: [8, 0],
    negligible: [1, 2],
    inconclusive: [3, 8],
    verdict: ["matters", "inconclusive"],
    settings: {
      test: "ks", correction: "fdr_bh", alpha: 0.05, neighbors: "adjacent", margin: 0.0125,
      margin_source: "default: half the median seed-to-seed standard deviation", family: 22,
    },
    seconds: 0.004,
  };

  it("computes lazily when opened and draws one bar per parameter", async () => {
    const { model, q } = mount();
    const panel = q<HTMLDetailsElement>('[data-testid="sw-importance-panel"]');
    expect(model.sent.some((m) => m.kind === "importance")).toBe(false);
    panel.open = true;
    panel.dispatchEvent(new Event("toggle"));
    const req = reply(model, "importance", body);
    expect(req.margin).toBeNull();
    await tick();
    const bars = [...q('[data-testid="sw-importance"]').querySelectorAll<HTMLElement>(".sw-imp-row")];
    expect(bars.map((b) => b.dataset.param)).toEqual(["a", "b"]);
    // stacked: matters / negligible / inconclusive, widths their shares of the tested pairs
    const segs = (b: HTMLElement) =>
      [...b.querySelectorAll<HTMLElement>(".sw-imp-seg")].map((s) => [s.dataset.part, s.textContent, s.style.width]);
    expect(segs(bars[0])).toEqual([["matters", "8", "66.7%"], ["negligible", "1", "8.3%"], ["inconclusive", "3", "25%"]]);
    expect(segs(bars[1])).toEqual([["negligible", "2", "20%"], ["inconclusive", "8", "80%"]]);
    expect(bars[0].querySelector(".sw-imp-verdict")!.textContent).toBe("matters");
    expect(q(".sw-importance-note").textContent).toContain("22 neighbour pairs");
    // the margin in use, with the engine's reason when the user gave none
    expect(q('[data-testid="sw-importance-margin-used"]').textContent).toBe(
      "margin ±0.0125 (default: half the median seed-to-seed standard deviation)",
    );
    // the per-target table, from the results shown (its margin: the kernel's)
    const local = [...q('[data-testid="sw-neighbour-importance"]').querySelectorAll<HTMLElement>("tr[data-param]")];
    const text = (td: Element) => td.querySelector(".sw-imp-count")?.textContent ?? td.textContent;
    expect(local.map((r) => [...r.querySelectorAll("td")].map(text))).toEqual([
      ["a", "2", "2 · 0 · 0", "2", "0.350"],
      ["b", "2", "0 · 0 · 2", "0", "0.025"],
    ]);
  });

  it("shows the job's progress messages with Cancel once it has run a second", async () => {
    vi.useFakeTimers();
    const { model, q } = mount();
    q('[data-testid="sw-importance-run"]').click();
    const job = q('[data-testid="sw-job"][data-job="importance"]');
    const bar = q<HTMLProgressElement>('[data-job="importance"] [data-testid="sw-job-progress"]');
    const req = model.sent.find((m) => m.kind === "importance")!;
    expect(job.dataset.state).toBe("running");
    expect(job.hidden).toBe(true); // a quick job never flashes a bar
    model.emit("msg:custom", { kind: "progress", id: req.id, job: "importance", fraction: 0.4, seconds: 2, eta: 3 }, []);
    await vi.advanceTimersByTimeAsync(1100);
    expect(job.hidden).toBe(false);
    expect(bar.value).toBeCloseTo(0.4);
    expect(q('[data-job="importance"] [data-testid="sw-job-status"]').textContent).toBe("40% · about 3 s left");
    expect(q<HTMLButtonElement>('[data-job="importance"] [data-testid="sw-job-cancel"]').hidden).toBe(false);
    reply(model, "importance", body);
    await vi.advanceTimersByTimeAsync(10);
    expect(job.dataset.state).toBe("done");
    expect(job.hidden).toBe(true);
    expect(q('[data-testid="sw-importance"]').querySelectorAll(".sw-imp-row").length).toBe(2);
  });

  it("Cancel sends a cancel message; the cancelled reply is shown, not an error", async () => {
    const { model, q } = mount();
    q('[data-testid="sw-importance-run"]').click();
    const req = model.sent.find((m) => m.kind === "importance")!;
    const cancel = q<HTMLButtonElement>('[data-job="importance"] [data-testid="sw-job-cancel"]');
    cancel.click();
    const asked = model.sent.find((m) => m.kind === "cancel")!;
    expect(asked).toMatchObject({ kind: "cancel", job: "importance" });
    expect(cancel.disabled).toBe(true);
    model.emit("msg:custom", { kind: "cancel-response", id: asked.id, job: "importance", cancelled: true }, []);
    model.emit("msg:custom", { kind: "cancelled", id: req.id, job: "importance", message: "cancelled from the widget" }, []);
    await tick();
    const job = q('[data-testid="sw-job"][data-job="importance"]');
    expect(job.dataset.state).toBe("cancelled");
    expect(job.hidden).toBe(false);
    expect(q('[data-job="importance"] [data-testid="sw-job-status"]').textContent).toContain("cancelled");
    expect(q(".sw-importance-note").classList.contains("sw-detail-error")).toBe(false);
    expect(q<HTMLButtonElement>('[data-testid="sw-importance-run"]').disabled).toBe(false);
  });

  it("an error of the job is visible", async () => {
    const { model, q } = mount();
    q('[data-testid="sw-importance-run"]').click();
    const req = model.sent.find((m) => m.kind === "importance")!;
    model.emit("msg:custom", { kind: "error", id: req.id, message: "MemoryError: too many pairs" }, []);
    await tick();
    expect(q('[data-testid="sw-job"][data-job="importance"]').dataset.state).toBe("error");
    expect(q('[data-job="importance"] [data-testid="sw-job-status"]').textContent).toContain("MemoryError: too many pairs");
    expect(q(".sw-importance-note").textContent).toContain("MemoryError: too many pairs");
  });

  it("a w.importance() run from Python shows its _progress, without Cancel", async () => {
    const { model, q } = mount();
    model.kernelSet({ _progress: 0.25 });
    await tick();
    const job = q('[data-testid="sw-job"][data-job="importance"]');
    expect(job.dataset.state).toBe("running");
    expect(q<HTMLProgressElement>('[data-job="importance"] [data-testid="sw-job-progress"]').value).toBeCloseTo(0.25);
    expect(q<HTMLButtonElement>('[data-job="importance"] [data-testid="sw-job-cancel"]').hidden).toBe(true);
    model.kernelSet({ _progress: -1 });
    await tick();
    expect(job.dataset.state).toBe("done");
  });
});
