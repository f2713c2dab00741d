// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { applyMove, breadcrumbWindow, canGo, jumpHistory, renderBreadcrumb, stepHistory } from "./history";
import { FakeModel } from "../testutil";

describe("history moves", () => {
  const h = [4, 8, 2, 8];
  it("steps back and forward within the list", () => {
    expect(stepHistory(h, 3, -1)).toEqual({ index: 2, target: 2 });
    expect(stepHistory(h, 1, +1)).toEqual({ index: 2, target: 2 });
    expect(stepHistory(h, 0, -1)).toBeNull();
    expect(stepHistory(h, 3, +1)).toBeNull();
    expect(canGo(h, 0, -1)).toBe(false);
    expect(canGo(h, 0, +1)).toBe(true);
    expect(canGo([], 0, -1)).toBe(false);
  });
  it("jumps to a position, not to the current one", () => {
    expect(jumpHistory(h, 0, 3)).toEqual({ index: 0, target: 4 });
    expect(jumpHistory(h, 3, 3)).toBeNull();
    expect(jumpHistory(h, 9, 3)).toBeNull();
  });
  it("asks for a move with _history_index alone (Python moves the target)", () => {
    const model = new FakeModel({ _history_index: 3, target: 8 });
    expect(applyMove(model, stepHistory(h, 3, -1))).toBe(true);
    expect(model.saves).toEqual([{ _history_index: 2 }]);
    expect(applyMove(model, null)).toBe(false);
    expect(model.saves.length).toBe(1);
  });
  it("windows a long breadcrumb around the cursor", () => {
    expect(breadcrumbWindow(5, 4, 12)).toEqual({ start: 0, end: 5 });
    expect(breadcrumbWindow(40, 39, 12)).toEqual({ start: 28, end: 40 });
    const w = breadcrumbWindow(40, 5, 12);
    expect(w.start).toBeLessThanOrEqual(5);
    expect(w.end).toBeGreaterThan(5);
    expect(w.end - w.start).toBe(12);
  });
  it("renders crumbs as text with the current one marked, and jumps on click", () => {
    const el = document.createElement("nav");
    const jumps: number[] = [];
    renderBreadcrumb(el, h, 1, null, (p) => jumps.push(p));
    const crumbs = el.querySelectorAll<HTMLButtonElement>(".sw-crumb");
    expect([...crumbs].map((c) => c.textContent)).toEqual(["#4", "#8", "#2", "#8"]);
    expect(crumbs[1].getAttribute("aria-current")).toBe("step");
    expect(el.querySelector("[data-config]")).toBeNull(); // data-config marks grid rows only
    crumbs[2].click();
    expect(jumps).toEqual([2]);
  });
});
