// @vitest-environment jsdom
// The bars of jobs the kernel starts itself (a slow comparison), with a fake anywidget model.
import { describe, expect, it, vi } from "vitest";
import { JobBar, KernelJobs } from "./jobs";
import { Requester } from "../model/requests";
import { MessageRouter } from "../model/router";
import { FakeModel } from "../testutil";

function setup(delayMs = 0) {
  const model = new FakeModel();
  const router = new MessageRouter(model);
  const requester = new Requester(router, 0);
  const bar = new JobBar(document, requester, "compare");
  const jobs = new KernelJobs(router, { compare: bar }, delayMs);
  const progress = (fraction: number, id: unknown = null) =>
    model.emit("msg:custom", { kind: "progress", id, job: "compare", fraction, seconds: 1, eta: 2 }, []);
  return { model, bar, jobs, progress };
}

describe("KernelJobs: jobs the kernel starts (id null)", () => {
  it("a slow comparison's progress shows its bar with Cancel; its reply hides it", () => {
    const { model, bar, progress } = setup();
    progress(0);
    expect(bar.state).toBe("running");
    expect(bar.el.hidden).toBe(false);
    progress(0.5);
    expect(bar.el.querySelector('[data-testid="sw-job-status"]')!.textContent).toBe("50% · about 2 s left");
    const cancel = bar.el.querySelector<HTMLButtonElement>('[data-testid="sw-job-cancel"]')!;
    expect(cancel.hidden).toBe(false);
    cancel.click();
    expect(model.sent[model.sent.length - 1]).toMatchObject({ kind: "cancel", job: "compare" });
    model.emit("msg:custom", { kind: "compare-response", id: null, job: "compare", adopted: true }, []);
    expect(bar.state).toBe("done");
    expect(bar.el.hidden).toBe(true);
  });
  it("a job replaced by a click just ends; a cancelled or failed one says so", () => {
    const { model, bar, progress } = setup();
    progress(0);
    model.emit("msg:custom", { kind: "cancelled", id: null, job: "compare", message: "replaced by a newer request", replaced: true }, []);
    expect(bar.state).toBe("done");
    progress(0);
    model.emit("msg:custom", { kind: "cancelled", id: null, job: "compare", message: "cancelled from the widget", replaced: false }, []);
    expect(bar.state).toBe("cancelled");
    expect(bar.el.textContent).toContain("cancelled from the widget");
    progress(0);
    model.emit("msg:custom", { kind: "error", id: null, job: "compare", message: "RuntimeError: no scores" }, []);
    expect(bar.state).toBe("error");
    expect(bar.el.textContent).toContain("RuntimeError: no scores");
  });
  it("ignores a request's messages (a string id) and other jobs", () => {
    const { model, bar, progress } = setup();
    progress(0.3, "view-1");
    model.emit("msg:custom", { kind: "progress", id: null, job: "importance", fraction: 0.3 }, []);
    model.emit("msg:custom", "not an object", []);
    expect(bar.state).toBe("idle");
  });
  it("shows the bar only once the job has run a moment", () => {
    vi.useFakeTimers();
    try {
      const { model, bar, progress } = setup(300);
      progress(0);
      expect(bar.state).toBe("running");
      expect(bar.el.hidden).toBe(true);
      vi.advanceTimersByTime(300);
      expect(bar.el.hidden).toBe(false);
      model.emit("msg:custom", { kind: "compare-response", id: null, job: "compare" }, []);
      expect(bar.el.hidden).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
  it("stops listening on dispose", () => {
    const { bar, jobs, progress } = setup();
    jobs.dispose();
    progress(0);
    expect(bar.state).toBe("idle");
  });
});
