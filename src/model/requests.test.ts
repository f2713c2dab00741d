import { describe, expect, it, vi } from "vitest";
import { MessageRouter } from "./router";
import { CancelledError, LatestOnly, Requester, type JobProgress } from "./requests";
import { ResultsGate } from "./gate";
import { decodeSweep } from "./model";
import { dv, FakeModel, makeResults, makeSweep } from "../testutil";

describe("Requester", () => {
  it("matches replies to requests by id, in any order", async () => {
    const model = new FakeModel();
    const req = new Requester(new MessageRouter(model), 0);
    const a = req.request("detail", { config: 1 });
    const b = req.request("detail", { config: 2 });
    const [ma, mb] = model.sent;
    expect(ma).toMatchObject({ kind: "detail", config: 1 });
    expect(ma.id).not.toBe(mb.id);
    model.emit("msg:custom", { kind: "detail-response", id: mb.id, config: 2 }, [dv(Float64Array.from([2]))]);
    model.emit("msg:custom", { kind: "detail-response", id: ma.id, config: 1 }, []);
    expect((await b).msg.config).toBe(2);
    expect((await a).msg.config).toBe(1);
    expect(req.size).toBe(0);
  });
  it("rejects on an error reply and ignores foreign or malformed messages", async () => {
    const model = new FakeModel();
    const req = new Requester(new MessageRouter(model), 0);
    const p = req.request("detail", { config: 1 });
    const id = model.sent[0].id;
    model.emit("msg:custom", { kind: "detail-response", id: "someone-else" }, []);
    model.emit("msg:custom", "not an object", []);
    model.emit("msg:custom", { kind: "other-response", id }, []);
    expect(req.size).toBe(1);
    model.emit("msg:custom", { kind: "error", id, message: "KeyError: config" }, []);
    await expect(p).rejects.toThrow("KeyError: config");
  });
  it("passes a job's progress on, restarts its timeout, and rejects a cancelled job", async () => {
    vi.useFakeTimers();
    try {
      const model = new FakeModel();
      const req = new Requester(new MessageRouter(model), 1000);
      const seen: JobProgress[] = [];
      const p = req.request("importance", {}, { onProgress: (x) => seen.push(x) });
      const id = model.sent[0].id;
      vi.advanceTimersByTime(900);
      model.emit("msg:custom", { kind: "progress", id, job: "importance", fraction: 0.5, seconds: 1, eta: null }, []);
      vi.advanceTimersByTime(900); // 1.8 s after the request, 0.9 s after its last progress
      expect(req.size).toBe(1);
      expect(seen).toEqual([{ job: "importance", fraction: 0.5, seconds: 1, eta: null }]);
      model.emit("msg:custom", { kind: "cancelled", id, job: "importance", message: "cancelled from the widget" }, []);
      const err = await p.catch((e) => e);
      expect(err).toBeInstanceOf(CancelledError);
      expect(err.message).toBe("cancelled from the widget");
    } finally {
      vi.useRealTimers();
    }
  });
  it("times out and cleans up on dispose", async () => {
    vi.useFakeTimers();
    try {
      const model = new FakeModel();
      const router = new MessageRouter(model);
      const req = new Requester(router, 1000);
      const p = req.request("detail", { config: 1 });
      vi.advanceTimersByTime(1001);
      await expect(p).rejects.toThrow("timed out");
      const q = req.request("detail", { config: 2 });
      req.dispose();
      await expect(q).rejects.toThrow("disposed");
      expect(router.handlerCount).toBe(0);
      router.dispose();
      expect(model.listenerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("LatestOnly", () => {
  it("lets only the newest token paint", () => {
    const l = new LatestOnly();
    const t1 = l.begin();
    const t2 = l.begin();
    expect(l.isCurrent(t1)).toBe(false);
    expect(l.isCurrent(t2)).toBe(true);
    l.cancel();
    expect(l.isCurrent(t2)).toBe(false);
  });
});

describe("ResultsGate: last click wins", () => {
  const sweep = decodeSweep(makeSweep(3, 3))!;
  const results = (target: number, extra: Record<string, unknown> = {}) =>
    makeResults({ target, ...extra }, [{ config: target, status: 0 }, { config: (target + 1) % 9, status: 1, p: 0.01 }]);

  it("never shows results computed for an older target", () => {
    const model = new FakeModel({ target: 0, _results: results(0) });
    const gate = new ResultsGate();
    gate.update(model, sweep);
    expect(gate.accepted?.target).toBe(0);
    // user clicks 4, then 7 quickly
    model.set("target", 4);
    model.set("target", 7);
    expect(gate.pending(model, sweep)).toBe(true);
    // the kernel answers the first click last-but-one
    model.kernelSet({ _results: results(4) });
    expect(gate.update(model, sweep)).toBe(false);
    expect(gate.accepted?.target).toBe(0);
    expect(gate.pending(model, sweep)).toBe(true);
    model.kernelSet({ _results: results(7) });
    expect(gate.update(model, sweep)).toBe(true);
    expect(gate.accepted?.target).toBe(7);
    expect(gate.pending(model, sweep)).toBe(false);
    // (the kernel answers in order: a state that comes after this one was asked for by
    // another client, and is taken: see "takes the state of results another client asked for")
  });
  it("also keys on the test/correction/alpha/scope settings", () => {
    const model = new FakeModel({ target: 2, _results: results(2) });
    const gate = new ResultsGate();
    gate.update(model, sweep);
    model.set("alpha", 0.01);
    model.kernelSet({ _results: results(2) }); // stale: alpha 0.05
    gate.update(model, sweep);
    expect(gate.pending(model, sweep)).toBe(true);
    model.kernelSet({ _results: results(2, { alpha: 0.01 }) });
    gate.update(model, sweep);
    expect(gate.pending(model, sweep)).toBe(false);
  });
  it("keeps the statuses of the old rule pending after a switch of error_control", () => {
    const model = new FakeModel({ target: 2, _results: results(2) });
    const gate = new ResultsGate();
    gate.update(model, sweep);
    expect(gate.pending(model, sweep)).toBe(false);
    model.set("error_control", "walk"); // only the rule deciding the statuses changed
    expect(gate.pending(model, sweep)).toBe(true);
    model.kernelSet({ _results: results(2) }); // a late answer for the old rule
    expect(gate.update(model, sweep)).toBe(false);
    model.kernelSet({ _results: results(2, { error_control: "walk" }) });
    expect(gate.update(model, sweep)).toBe(true);
    expect(gate.pending(model, sweep)).toBe(false);
  });
  it("takes the state of results another client asked for (no echo reaches this one)", () => {
    const model = new FakeModel({ target: 2, _results: results(2) });
    const gate = new ResultsGate();
    gate.update(model, sweep);
    // another browser window clicked row 4 and set alpha: only the results reach this one
    model.kernelSet({ _results: results(4, { alpha: 0.1, history: [2, 4] }) });
    expect(gate.update(model, sweep)).toBe(true);
    expect([model.get("target"), model.get("alpha"), model.get("_history_index")]).toEqual([4, 0.1, 1]);
    expect(gate.pending(model, sweep)).toBe(false);
    expect(model.saves).toEqual([]); // taken locally, not sent back to the kernel
  });
  it("never takes another state while this view waits for its own", () => {
    const model = new FakeModel({ target: 2, _results: results(2) });
    const gate = new ResultsGate();
    gate.update(model, sweep);
    model.set("target", 6); // this view's click, not answered yet
    model.kernelSet({ _results: results(4) }); // an older answer
    expect(gate.update(model, sweep)).toBe(false);
    expect(model.get("target")).toBe(6);
    expect(gate.pending(model, sweep)).toBe(true);
  });
  it("accepts results that arrive with the target change (a Python-side w.target = i)", () => {
    const model = new FakeModel({ target: 0, _results: results(0) });
    const gate = new ResultsGate();
    gate.update(model, sweep);
    model.kernelSet({ target: 5, _results: results(5) });
    gate.update(model, sweep);
    expect(gate.accepted?.target).toBe(5);
  });
});
