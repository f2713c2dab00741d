// A long request's bar: progress, time left, a Cancel button, and how the job ended.
//
// The kernel runs such a request (a "job") in a worker thread and streams `progress` messages
// (requests.ts); Cancel sends `{kind: "cancel", job}`, and the job then ends with a
// `cancelled` reply. A job the kernel starts itself (a slow comparison: `id: null`) reaches its
// bar through `KernelJobs`. DOM hooks (stable): `sw-job` (`data-job`, `data-state` =
// idle|running|done|cancelled|error), `sw-job-progress`, `sw-job-status`, `sw-job-cancel`.

import { formatNum } from "../util/format";
import type { JobProgress, Requester } from "../model/requests";
import type { MessageRouter } from "../model/router";

export type JobState = "idle" | "running" | "done" | "cancelled" | "error";

/** "42% · about 3 s left" (or "starting…" before the first batch is done). */
export function progressText(p: Pick<JobProgress, "fraction" | "eta">): string {
  if (!Number.isFinite(p.fraction) || p.fraction <= 0) return "starting…";
  const pct = `${Math.floor(Math.min(1, p.fraction) * 100)}%`;
  if (p.eta === null || !Number.isFinite(p.eta) || p.fraction >= 1) return pct;
  return `${pct} · about ${p.eta < 10 ? formatNum(p.eta, 1) : Math.round(p.eta)} s left`;
}

export class JobBar {
  readonly el: HTMLElement;
  private readonly bar: HTMLProgressElement;
  private readonly status: HTMLElement;
  private readonly cancelButton: HTMLButtonElement;
  private showTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(doc: Document, private readonly requester: Requester, readonly job: string) {
    this.el = doc.createElement("div");
    this.el.className = "sw-job";
    this.el.dataset.testid = "sw-job";
    this.el.dataset.job = job;
    this.bar = doc.createElement("progress");
    this.bar.className = "sw-job-progress";
    this.bar.dataset.testid = "sw-job-progress";
    this.bar.max = 1;
    this.status = doc.createElement("span");
    this.status.className = "sw-job-status";
    this.status.dataset.testid = "sw-job-status";
    this.status.setAttribute("aria-live", "polite");
    this.cancelButton = doc.createElement("button");
    this.cancelButton.type = "button";
    this.cancelButton.className = "sw-nav-button sw-job-cancel";
    this.cancelButton.dataset.testid = "sw-job-cancel";
    this.cancelButton.textContent = "Cancel";
    this.cancelButton.title = "stop the computation in the kernel (between two batches)";
    this.cancelButton.addEventListener("click", () => void this.cancel());
    this.el.append(this.bar, this.status, this.cancelButton);
    this.set("idle", "");
  }

  get state(): JobState {
    return this.el.dataset.state as JobState;
  }

  /**
   * A request was sent: an indeterminate bar with Cancel (`cancellable`: the kernel's job),
   * shown once the job has run `delayMs` (a quick one never flashes a bar).
   */
  start(cancellable = true, delayMs = 0): void {
    this.bar.removeAttribute("value");
    this.set("running", "starting…");
    this.cancelButton.disabled = false;
    this.cancelButton.hidden = !cancellable;
    if (delayMs > 0) {
      this.el.hidden = true;
      this.showTimer = setTimeout(() => (this.el.hidden = this.state !== "running"), delayMs);
    }
  }

  /** A `progress` message of the running job. */
  progress(p: Pick<JobProgress, "fraction" | "eta">): void {
    if (this.state !== "running") return;
    if (Number.isFinite(p.fraction)) this.bar.value = Math.min(1, Math.max(0, p.fraction));
    this.status.textContent = progressText(p);
  }

  /** The job ended: `done` hides the bar; `cancelled` and `error` say so until the next one. */
  finish(state: Exclude<JobState, "idle" | "running">, text = ""): void {
    this.set(state, text);
  }

  /** Ask the kernel to stop the job; its `cancelled` reply ends it. */
  async cancel(): Promise<void> {
    if (this.state !== "running") return;
    this.cancelButton.disabled = true;
    this.status.textContent = "cancelling…";
    try {
      await this.requester.request("cancel", { job: this.job });
    } catch (err) {
      this.status.textContent = `could not cancel: ${(err as Error).message}`;
      this.cancelButton.disabled = false;
    }
  }

  dispose(): void {
    if (this.showTimer !== undefined) clearTimeout(this.showTimer);
  }

  private set(state: JobState, text: string): void {
    if (this.showTimer !== undefined) clearTimeout(this.showTimer);
    this.showTimer = undefined;
    this.el.dataset.state = state;
    this.el.hidden = state === "idle" || state === "done";
    this.bar.hidden = state !== "running";
    if (state !== "running") this.cancelButton.hidden = true;
    this.status.textContent = text;
  }
}

/**
 * Jobs the kernel starts itself (a slow comparison after a click: `id: null`), shown in their
 * bars. A bar appears after `delayMs` (a job that ends sooner never flashes one); a job
 * replaced by a newer click just ends, a cancelled or failed one says so.
 */
export class KernelJobs {
  private readonly unroute: () => void;

  constructor(
    router: MessageRouter,
    private readonly bars: Record<string, JobBar>,
    private readonly delayMs = 300,
  ) {
    this.unroute = router.onKernelJob(this.onMessage);
  }

  private readonly onMessage = (msg: Record<string, unknown>): void => {
    const m = msg as { kind?: unknown; id?: unknown; job?: unknown; message?: unknown; replaced?: unknown };
    if (m.id !== null || typeof m.job !== "string") return;
    const bar = this.bars[m.job];
    if (!bar) return;
    if (m.kind === "progress") {
      if (bar.state !== "running") bar.start(true, this.delayMs);
      const g = m as { fraction?: unknown; eta?: unknown };
      const fraction = typeof g.fraction === "number" ? g.fraction : NaN;
      bar.progress({ fraction, eta: typeof g.eta === "number" && Number.isFinite(g.eta) ? g.eta : null });
    } else if (m.kind === `${m.job}-response` || (m.kind === "cancelled" && m.replaced === true)) {
      bar.finish("done");
    } else if (m.kind === "cancelled") {
      bar.finish("cancelled", String(m.message ?? "cancelled"));
    } else if (m.kind === "error") {
      bar.finish("error", `failed: ${String(m.message ?? "error in the kernel")}`);
    }
  };

  dispose(): void {
    this.unroute();
    for (const bar of Object.values(this.bars)) bar.dispose();
  }
}
