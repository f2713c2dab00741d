// @vitest-environment jsdom
// Render smoke tests with a fake anywidget model: the DOM contract, racing, inert text,
// selection, keyboard, history, detail panel, virtualisation, cleanup.
import { afterEach, describe, expect, it, vi } from "vitest";
import widget from "./index";
import { mountApp } from "./app";
import { dv, FakeModel, makeResults, makeSweep, type ResultRow } from "./testutil";
import type { WidgetTraits } from "./model/model";

const tick = () => new Promise<void>((r) => setTimeout(r, 0));
const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
  document.body.replaceChildren();
});

/** 4 x 4 grid sweep; target t compares with its adjacent neighbours along a and b. */
function neighbours(t: number): ResultRow[] {
  const a = Math.floor(t / 4);
  const b = t % 4;
  const rows: ResultRow[] = [{ config: t, status: 0 }];
  const add = (c: number, varied: number, status: number, p: number) => rows.push({ config: c, status, p, varied });
  if (a > 0) add(t - 4, 0, 2, 0.001);
  if (a < 3) add(t + 4, 0, 1, 0.002);
  if (b > 0) add(t - 1, 1, 4, 0.4);
  if (b < 3) add(t + 1, 1, 3, 0.03);
  return rows;
}

function mount(initial: Partial<WidgetTraits> = {}, labelsB?: string[]) {
  const target = initial.target ?? 5;
  const model = new FakeModel({
    target,
    _history_index: 0,
    _sweep: makeSweep(4, 4, 5, labelsB),
    _results: makeResults({ target }, neighbours(target)),
    ...initial,
  });
  const el = document.createElement("div");
  document.body.append(el);
  const cleanup = mountApp(model, el);
  cleanups.push(cleanup);
  const root = el.querySelector<HTMLElement>(".sweepwalk")!;
  // grid rows: the profile's level marks carry data-config too (the grid's DOM contract)
  const rows = () => [...root.querySelectorAll<HTMLElement>('[role="row"][data-config]')];
  const row = (c: number) => root.querySelector<HTMLElement>(`[role="row"][data-config="${c}"]`);
  return { model, el, root, rows, row, cleanup };
}

/** The detail request sent for `config` (throws until there is one, for vi.waitFor). */
function sentDetail(model: FakeModel, config: number): Record<string, any> {
  const m = model.sent.find((x) => x.kind === "detail" && x.config === config);
  if (!m) throw new Error(`no detail request for ${config} yet`);
  return m;
}

/** The config id of the grid's target row. */
function row0(root: HTMLElement): string | null {
  return root.querySelector(".sw-data.sw-status-target")?.getAttribute("data-config") ?? null;
}

function click(el: Element, init: MouseEventInit = {}) {
  el.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, ...init }));
}

function key(el: Element, k: string, init: KeyboardEventInit = {}) {
  el.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true, ...init }));
}

describe("DOM contract", () => {
  it("exports an anywidget module whose render returns its cleanup", () => {
    const model = new FakeModel({ _sweep: makeSweep(2, 2), _results: makeResults({ target: 0 }, neighbours(0)) });
    const el = document.createElement("div");
    const cleanup = widget.render({ model, el });
    expect(el.querySelector(".sweepwalk")).not.toBeNull();
    cleanup();
    expect(el.querySelector(".sweepwalk")).toBeNull();
    expect(model.listenerCount()).toBe(0);
  });

  it("renders the compared rows with data-config and compare()'s status words", () => {
    const { root, rows, row } = mount();
    expect(root.classList.contains("sweepwalk")).toBe(true);
    expect(rows().map((r) => Number(r.dataset.config)).sort((a, b) => a - b)).toEqual([1, 4, 5, 6, 9]);
    expect(row(5)!.dataset.status).toBe("target");
    expect(row(1)!.dataset.status).toBe("worse");
    expect(row(9)!.dataset.status).toBe("better");
    expect(row(4)!.dataset.status).toBe("ns");
    expect(row(6)!.dataset.status).toBe("differs");
    // the varied parameter's cell is marked
    expect(row(1)!.querySelectorAll(".sw-varied").length).toBe(1);
    expect(row(1)!.querySelector(".sw-varied")!.textContent).toBe("0");
    expect(row(5)!.querySelectorAll(".sw-varied").length).toBe(0);
    expect(row(1)!.textContent).toContain("0.001");
  });

  it("shows rows outside the comparison as data-status=out in the all-rows view", async () => {
    const { root, rows, row } = mount();
    const scope = root.querySelector<HTMLSelectElement>('[data-testid="sw-scope"]')!;
    scope.value = "all";
    scope.dispatchEvent(new Event("change"));
    await tick();
    expect(rows().length).toBe(16);
    expect(row(0)!.dataset.status).toBe("out");
    expect(row(5)!.dataset.status).toBe("target");
    expect(root.querySelector('[data-legend-status="out"] .sw-legend-count')!.textContent).toBe("11");
  });

  it("has stable test hooks", () => {
    const { root } = mount();
    for (const id of ["sw-test", "sw-correction", "sw-alpha", "sw-scope", "sw-against", "sw-neighbors", "sw-back", "sw-forward", "sw-breadcrumb", "sw-detail", "sw-legend", "sw-row-select"]) {
      expect(root.querySelector(`[data-testid="${id}"]`), id).not.toBeNull();
    }
  });

  it("renders data text inertly (parameter values, names)", () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    const { root, row } = mount({}, ["<b>bold</b>", evil, "a&amp;b", "x"]);
    expect(root.querySelector("img")).toBeNull();
    expect(root.querySelector("b")).toBeNull();
    expect(row(5)!.textContent).toContain(evil);
    expect(row(6)!.textContent).toContain("a&amp;b");
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });
});

describe("width", () => {
  /** A ResizeObserver stand-in: `resize(el, width)` reports a new content width for `el`. */
  function stubResizeObserver() {
    const observers: Array<{ cb: ResizeObserverCallback; els: Element[] }> = [];
    class FakeRO {
      private readonly entry: { cb: ResizeObserverCallback; els: Element[] };
      constructor(cb: ResizeObserverCallback) {
        this.entry = { cb, els: [] };
        observers.push(this.entry);
      }
      observe(el: Element) {
        this.entry.els.push(el);
      }
      unobserve() {}
      disconnect() {
        this.entry.els = [];
      }
    }
    vi.stubGlobal("ResizeObserver", FakeRO);
    return (el: Element, width: number) => {
      for (const o of observers) {
        if (!o.els.includes(el)) continue;
        const entry = { target: el, contentRect: { width, height: 400 } } as unknown as ResizeObserverEntry;
        o.cb([entry], o as unknown as ResizeObserver);
      }
    };
  }
  afterEach(() => vi.unstubAllGlobals());

  const cols = (r: HTMLElement) => [...r.querySelectorAll<HTMLElement>('[role="gridcell"]')].map((c) => c.dataset.col ?? "");

  it("below 900 px of widget width: status, p adj, the varied value, mean and estimate come first", () => {
    const resize = stubResizeObserver();
    const { root, row } = mount();
    const wide = cols(row(1)!);
    expect(wide.slice(0, 6)).toEqual(["", "status", "effect", "pvalue_adj", "estimate", "a"]);
    resize(root, 760);
    expect(root.classList.contains("sw-compact")).toBe(true);
    const r = row(1)!;
    expect(cols(r).slice(0, 6)).toEqual(["", "status", "pvalue_adj", "varied", "mean", "estimate"]);
    // every column is still there, the others after the read-first ones
    expect([...cols(r)].sort()).toEqual([...wide, "varied"].sort());
    // config 1 varies `a` (= 0) from the target 5; its mean is 1/16
    expect(r.querySelector('[data-col="varied"] .sw-varied-value')!.textContent).toBe("0");
    expect(r.querySelector('[data-col="varied"]')!.textContent).toBe("0 a");
    expect(r.querySelector('[data-col="mean"]')!.textContent).toBe("0.0625");
    expect(row(5)!.querySelector('[data-col="varied"]')!.textContent).toBe("target");
    // the header follows the same order
    const heads = [...root.querySelectorAll<HTMLElement>(".sw-header [role=columnheader]")].map((h) => h.textContent);
    expect(heads.slice(0, 6)).toEqual(["", "status", "p adj", "varied", "mean", "estimate [interval]"]);
    // and back when the widget is wide again
    resize(root, 1280);
    expect(root.classList.contains("sw-compact")).toBe(false);
    expect(cols(row(1)!).slice(0, 4)).toEqual(["", "status", "effect", "pvalue_adj"]);
  });
});

describe("clicks and racing", () => {
  it("a click on a row makes it the target; stale results are never shown", async () => {
    const { model, root, row } = mount();
    click(row(9)!.querySelector(".sw-c-param")!);
    expect(model.lastSave()).toEqual({ target: 9 });
    await tick();
    expect(root.getAttribute("aria-busy")).toBe("true");
    expect(row(5)!.dataset.status).toBe("target"); // old results, dimmed, until the answer

    click(row(6)!); // second click before the kernel answered
    expect(model.get("target")).toBe(6);
    model.kernelSet({ _results: makeResults({ target: 9 }, neighbours(9)) });
    await tick();
    expect(root.getAttribute("aria-busy")).toBe("true");
    expect(row(9)!.dataset.status).toBe("better"); // still the old comparison, not target 9's

    model.kernelSet({ _results: makeResults({ target: 6 }, neighbours(6)) });
    await tick();
    expect(root.getAttribute("aria-busy")).toBe("false");
    expect(row(6)!.dataset.status).toBe("target");
    expect(row(5)!.dataset.status).toBe("ns");
    expect(root.querySelector(".sw-data.sw-status-target")!.getAttribute("data-config")).toBe("6");
  });

  it("new results repaint the rows in place: the elements stay attached", async () => {
    const { model, row } = mount({ target: 5 });
    const before = row(9)!;
    click(before.querySelector(".sw-c-param")!);
    model.kernelSet({ _results: makeResults({ target: 9, history: [5, 9] }, neighbours(9)), _history_index: 1 });
    await tick();
    expect(row(9)).toBe(before);
    expect(before.isConnected).toBe(true);
    expect(before.dataset.status).toBe("target");
    expect(before.classList.contains("sw-status-target")).toBe(true);
    expect(row(5)!.dataset.status).toBe("worse"); // 9 - 4: the neighbour along a
  });

  it("keeps the rows in display order in the DOM when it re-uses them", async () => {
    const { model, root, rows } = mount({ target: 5 });
    (root.querySelector('[data-testid="sw-scope"]') as HTMLSelectElement).value = "all";
    root.querySelector('[data-testid="sw-scope"]')!.dispatchEvent(new Event("change"));
    await tick();
    const order = () => rows().map((r) => Number(r.dataset.config));
    expect(order()).toEqual([...Array(16).keys()]);
    model.set("target", 9);
    model.kernelSet({ _results: makeResults({ target: 9, history: [5, 9] }, neighbours(9)), _history_index: 1 });
    await tick();
    expect(order()).toEqual([...Array(16).keys()]);
  });

  it("shows a kernel error in a banner and stops looking busy", async () => {
    const { model, root, row } = mount();
    const banner = root.querySelector<HTMLElement>(".sweepwalk-error")!;
    expect(banner.hidden).toBe(true);
    click(row(9)!);
    model.kernelSet({ _error: "ValueError: <b>boom</b>" });
    await tick();
    expect(banner.hidden).toBe(false);
    expect(banner.textContent).toBe("ValueError: <b>boom</b>");
    expect(banner.querySelector("b")).toBeNull();
    expect(root.getAttribute("aria-busy")).toBe("false");
    expect(root.querySelectorAll('[role="row"][data-config]').length).toBeGreaterThan(0);
  });

  it("setting target from Python repaints", async () => {
    const { model, row } = mount();
    model.kernelSet({ target: 1, _results: makeResults({ target: 1, history: [5, 1] }, neighbours(1)), _history_index: 1 });
    await tick();
    expect(row(1)!.dataset.status).toBe("target");
  });
});

describe("selection", () => {
  it("checkbox, ctrl-click and shift-click write `selected`, not `target`", async () => {
    const { model, row } = mount();
    click(row(4)!.querySelector('[data-testid="sw-row-select"]')!);
    expect(model.lastSave()).toEqual({ selected: [4] });
    await tick();
    expect(row(4)!.getAttribute("aria-selected")).toBe("true");
    expect(row(4)!.querySelector<HTMLInputElement>("input")!.checked).toBe(true);
    click(row(9)!, { ctrlKey: true });
    expect(model.get("selected")).toEqual([4, 9]);
    click(row(4)!, { metaKey: true });
    expect(model.get("selected")).toEqual([9]);
    click(row(1)!, { shiftKey: true }); // range from the anchor (4) to 1 in display order
    expect(model.get("selected")).toEqual([1, 4, 9]);
    expect(model.get("target")).toBe(5);
  });
});

describe("keyboard and history", () => {
  it("arrows move the focus, Enter makes the focused row the target", async () => {
    const { model, root } = mount();
    const grid = root.querySelector<HTMLElement>(".sw-viewport")!;
    key(grid, "ArrowDown");
    key(grid, "ArrowDown");
    await tick();
    const focused = root.querySelector<HTMLElement>(".sw-focused")!;
    expect(focused.dataset.config).toBe("4"); // display order 1, 4, 5, 6, 9
    expect(grid.getAttribute("aria-activedescendant")).toBe(focused.id);
    key(grid, "Enter");
    expect(model.lastSave()).toEqual({ target: 4 });
    key(grid, " ");
    expect(model.get("selected")).toEqual([4]);
  });

  it("Alt+Left / Alt+Right and the buttons ask for history moves, one save each", async () => {
    const history = [5, 9, 6];
    const at = (cursor: number) => ({
      target: history[cursor],
      _history_index: cursor,
      _results: makeResults({ target: history[cursor], history, cursor }, neighbours(history[cursor])),
    });
    const { model, root } = mount(at(2));
    const grid = root.querySelector<HTMLElement>(".sw-viewport")!;
    key(grid, "ArrowLeft", { altKey: true });
    expect(model.lastSave()).toEqual({ _history_index: 1 }); // Python moves the target
    await tick();
    expect(root.getAttribute("aria-busy")).toBe("true"); // the shown results are for cursor 2
    model.kernelSet(at(1));
    await tick();
    expect(root.getAttribute("aria-busy")).toBe("false");
    key(grid, "ArrowRight", { altKey: true });
    expect(model.lastSave()).toEqual({ _history_index: 2 });
    model.kernelSet(at(2));
    await tick();
    const back = root.querySelector<HTMLButtonElement>('[data-testid="sw-back"]')!;
    const fwd = root.querySelector<HTMLButtonElement>('[data-testid="sw-forward"]')!;
    expect(fwd.disabled).toBe(true);
    back.click();
    back.click(); // before the kernel answered: two steps back
    expect(model.get("_history_index")).toBe(0);
    expect(model.get("target")).toBe(6);
    model.kernelSet(at(0));
    await tick();
    expect(back.disabled).toBe(true);
    expect(row0(root)).toBe("5");
    const crumbs = root.querySelectorAll<HTMLButtonElement>('[data-testid="sw-breadcrumb"] .sw-crumb');
    expect([...crumbs].map((c) => c.textContent)).toEqual(["#5", "#9", "#6"]);
    expect(crumbs[0].getAttribute("aria-current")).toBe("step");
    crumbs[2].click();
    expect(model.lastSave()).toEqual({ _history_index: 2 });
  });
});

describe("vocabulary", () => {
  it("menus, labels and the legend come from the kernel's vocabulary", () => {
    const sweep = makeSweep(4, 4, 5);
    sweep.corrections = ["none", "simes-hochberg", "fdr_bh"];
    const { root } = mount({ _sweep: sweep });
    const options = (id: string) =>
      [...root.querySelectorAll<HTMLOptionElement>(`[data-testid="${id}"] option`)].map((o) => [o.value, o.textContent]);
    const vocabulary = sweep.vocabulary;
    // a label never drifts: Python's "simes-hochberg" keeps its label
    expect(options("sw-correction")).toEqual(
      sweep.corrections.map((c) => [c, Object.fromEntries(vocabulary.correction)[c]]),
    );
    expect(options("sw-correction")[1]).toEqual(["simes-hochberg", "Simes-Hochberg"]);
    for (const [id, name] of [["sw-against", "against"], ["sw-neighbors", "neighbors"], ["sw-error-control", "error_control"]]) {
      expect(options(id)).toEqual(vocabulary[name]);
    }
    const legend = [...root.querySelectorAll<HTMLElement>("[data-legend-status]")];
    expect(legend.map((e) => e.dataset.legendStatus)).toEqual([...vocabulary.status.map(([s]) => s), "out"]);
    expect(legend[0].title).toBe(vocabulary.status[0][1]);
  });

  it("a status word the kernel adds is shown without a frontend change", () => {
    const sweep = makeSweep(4, 4, 5);
    sweep.vocabulary = { ...sweep.vocabulary, status: [...sweep.vocabulary.status, ["pending", "not decided yet"]] };
    const code = sweep.vocabulary.status.length - 1;
    const { root, row } = mount({ _sweep: sweep, _results: makeResults({ target: 5 }, [{ config: 5, status: 0 }, { config: 6, status: code, p: 0.5 }]) });
    expect(row(6)!.dataset.status).toBe("pending");
    expect(root.querySelector<HTMLElement>('[data-legend-status="pending"]')!.title).toBe("not decided yet");
  });
});

describe("controls and sorting", () => {
  it("controls write their traits", () => {
    const { model, root } = mount();
    const test = root.querySelector<HTMLSelectElement>('[data-testid="sw-test"]')!;
    expect([...test.options].map((o) => o.value)).toEqual(["ks", "mannwhitney", "welch"]);
    test.value = "welch";
    test.dispatchEvent(new Event("change"));
    expect(model.lastSave()).toEqual({ test: "welch" });
    const corr = root.querySelector<HTMLSelectElement>('[data-testid="sw-correction"]')!;
    corr.value = "holm";
    corr.dispatchEvent(new Event("change"));
    expect(model.get("correction")).toBe("holm");
    const alpha = root.querySelector<HTMLInputElement>('[data-testid="sw-alpha"]')!;
    alpha.value = "1.5";
    alpha.dispatchEvent(new Event("change"));
    expect(model.get("alpha")).toBe(0.05);
    expect(alpha.getAttribute("aria-invalid")).toBe("true");
    alpha.value = "0.01";
    alpha.dispatchEvent(new Event("change"));
    expect(model.get("alpha")).toBe(0.01);
  });

  it("clicking a header sorts (NaN last), again reverses", async () => {
    const { root, rows } = mount();
    const header = root.querySelector<HTMLElement>('[data-sort="pvalue"]')!;
    click(header);
    await tick();
    const order = () => rows().sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top)).map((r) => Number(r.dataset.config));
    expect(order()).toEqual([1, 9, 6, 4, 5]); // p: .001 .002 .03 .4, target (NaN) last
    expect(root.querySelector('[data-sort="pvalue"]')!.getAttribute("aria-sort")).toBe("ascending");
    click(root.querySelector('[data-sort="pvalue"]')!);
    await tick();
    expect(order()).toEqual([4, 6, 9, 1, 5]);
  });
});

describe("walk-wide error control", () => {
  it("the grid and the detail show each row's p against its online level, not p adj", async () => {
    const rows = neighbours(5).map((r) => (r.config === 5 ? r : { ...r, level: 0.0125, held: r.p }));
    const { root, row } = mount({ error_control: "walk", _results: makeResults({ target: 5, error_control: "walk" }, rows) });
    const heads = [...root.querySelectorAll<HTMLElement>(".sw-header [role=columnheader]")].map((h) => h.textContent);
    expect(heads).toContain("p vs level");
    expect(heads).not.toContain("p adj");
    expect(root.querySelector('[data-col="pvalue_adj"]')).toBeNull();
    expect(row(1)!.querySelector('[data-col="level"]')!.textContent).toBe("0.00100 ≤ 0.0125");
    expect(row(4)!.querySelector('[data-col="level"]')!.textContent).toBe("0.400 > 0.0125");
    expect(row(5)!.querySelector('[data-col="level"]')!.textContent).toBe("—");
    click(row(4)!, { ctrlKey: true }); // focus without changing the target
    await tick();
    const panel = root.querySelector<HTMLElement>('[data-testid="sw-detail"]')!;
    expect(panel.querySelector('[data-stat="level"]')!.textContent).toBe("0.400 > 0.0125 (walk-wide online FDR level: not significant)");
    expect(panel.textContent).not.toContain("p adjusted");
  });

  it("per target, the grid and the detail show p adj", async () => {
    const { root, row } = mount();
    expect(row(1)!.querySelector('[data-col="pvalue_adj"]')!.textContent).toBe("0.00200");
    expect(root.querySelector('[data-col="level"]')).toBeNull();
    click(row(4)!, { ctrlKey: true });
    await tick();
    const panel = root.querySelector<HTMLElement>('[data-testid="sw-detail"]')!;
    expect(panel.querySelector('[data-stat="p"][data-stat]')).not.toBeNull();
    expect(panel.textContent).toContain("p adjusted");
    expect(panel.querySelector('[data-stat="level"]')).toBeNull();
  });
});

describe("detail panel", () => {
  it("asks the kernel for exact scores and draws both ECDFs with D", async () => {
    const { model, root, row } = mount();
    click(row(9)!, { ctrlKey: true }); // focus without changing the target
    const req = await vi.waitFor(() => sentDetail(model, 9), { timeout: 3000 });
    model.emit(
      "msg:custom",
      { kind: "detail-response", id: req.id, config: 9, target: 5 },
      [dv(Float64Array.from([0.1, 0.2, 0.3])), dv(Float64Array.from([0.25, 0.4, 0.5]), 4)],
    );
    await tick();
    const panel = root.querySelector<HTMLElement>('[data-testid="sw-detail"]')!;
    expect(panel.textContent).toContain("#9 vs target #5");
    expect(panel.querySelector(".sw-ecdf-d")).not.toBeNull();
    expect(panel.querySelector(".sw-ecdf-dlabel")!.textContent).toMatch(/^D = 0.667 at /);
    expect(panel.querySelector('[data-stat="p"]')!.textContent).toBe("0.00200");
    // data-config marks grid rows and the profile's level marks only (external checks select them)
    for (const el of root.querySelectorAll("[data-config]")) {
      expect(el.matches('.sw-data[data-status], [data-testid="sw-profile"] .sw-profile-dot[data-status]')).toBe(true);
    }
  });

  it("drops the answer to an older focus", async () => {
    const { model, root, row } = mount();
    click(row(9)!, { ctrlKey: true });
    const old = await vi.waitFor(() => sentDetail(model, 9), { timeout: 3000 });
    click(row(1)!, { ctrlKey: true });
    await vi.waitFor(() => sentDetail(model, 1), { timeout: 3000 });
    model.emit("msg:custom", { kind: "detail-response", id: old.id, config: 9, target: 5 }, [dv(Float64Array.from([1])), dv(Float64Array.from([2]))]);
    await tick();
    const panel = root.querySelector<HTMLElement>('[data-testid="sw-detail"]')!;
    expect(panel.textContent).toContain("#1 vs target #5");
    expect(panel.querySelector(".sw-ecdf")).toBeNull();
  });
});

describe("virtualisation", () => {
  it("keeps only the visible rows of a 100k-configuration sweep in the DOM", async () => {
    const t0 = performance.now();
    const { root, rows } = mount({ target: 0, _sweep: makeSweep(1000, 100, 3), _results: makeResults({ target: 0 }, [{ config: 0, status: 0 }]) });
    const scope = root.querySelector<HTMLSelectElement>('[data-testid="sw-scope"]')!;
    scope.value = "all";
    scope.dispatchEvent(new Event("change"));
    await tick();
    expect(rows().length).toBeGreaterThan(10);
    expect(rows().length).toBeLessThan(40);
    const body = root.querySelector<HTMLElement>(".sw-body")!;
    expect(body.style.height).toBe(`${100_000 * 26}px`);
    const viewport = root.querySelector<HTMLElement>(".sw-viewport")!;
    viewport.scrollTop = 26 * 50_000;
    viewport.dispatchEvent(new Event("scroll"));
    await new Promise((r) => setTimeout(r, 50));
    const ids = rows().map((r) => Number(r.dataset.config));
    expect(ids).toContain(50_000);
    expect(ids.length).toBeLessThan(40);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
