// Request/reply over anywidget custom messages, and "last request wins" bookkeeping.
//
// Shape (docs/widget-protocol.md): `{kind, id, ...}` is answered by
// `{kind: "<kind>-response", id, ...}` (+ buffers) or `{kind: "error", id, message}`.
// Every view of a model sees every reply, so ids carry a per-view random prefix.
// A long request (a job, run in a kernel worker thread) also gets
// `{kind: "progress", id, job, fraction, seconds, eta}` messages before its reply, and may end
// with `{kind: "cancelled", id, job, message}` (rejected with a `CancelledError`).

import type { MessageRouter } from "./router";

export interface Reply<T = Record<string, unknown>> {
  msg: T & { kind: string; id: string };
  buffers: DataView[];
}

/** A job's progress message (docs/widget-protocol.md). */
export interface JobProgress {
  job: string;
  fraction: number;
  seconds: number;
  /** Seconds left at the rate so far; null before any work is done. */
  eta: number | null;
}

/** The request was cancelled in the kernel (from the widget, or by a newer request). */
export class CancelledError extends Error {
  readonly cancelled = true;
}

export interface RequestOptions {
  onProgress?: (p: JobProgress) => void;
}

interface Pending {
  kind: string;
  resolve: (r: Reply<any>) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  onProgress?: (p: JobProgress) => void;
}

export class Requester {
  private readonly prefix = Math.random().toString(36).slice(2, 10);
  private counter = 0;
  private readonly pending = new Map<string, Pending>();
  private readonly unroute: () => void;

  constructor(private readonly router: MessageRouter, private readonly timeoutMs = 60_000) {
    this.unroute = router.onReply(this.onMessage);
  }

  request<T = Record<string, unknown>>(kind: string, payload: Record<string, unknown>, options: RequestOptions = {}): Promise<Reply<T>> {
    const id = `${this.prefix}-${++this.counter}`;
    return new Promise<Reply<T>>((resolve, reject) => {
      this.pending.set(id, { kind, resolve, reject, timer: this.arm(id, kind), onProgress: options.onProgress });
      this.router.send({ ...payload, kind, id });
    });
  }

  /** Start (or restart) the timeout of request `id`: silence for `timeoutMs` fails it. */
  private arm(id: string, kind: string): ReturnType<typeof setTimeout> | undefined {
    return this.timeoutMs > 0
      ? setTimeout(() => this.settle(id, undefined, new Error(`${kind} request timed out`)), this.timeoutMs)
      : undefined;
  }

  /** Number of requests still waiting for a reply. */
  get size(): number {
    return this.pending.size;
  }

  private readonly onMessage = (msg: Record<string, unknown>, buffers: DataView[]): void => {
    const m = msg as { kind?: unknown; id?: unknown; message?: unknown };
    if (typeof m.id !== "string") return;
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.kind === `${p.kind}-response`) {
      this.settle(m.id, { msg: m as Reply["msg"], buffers });
    } else if (m.kind === "error") {
      this.settle(m.id, undefined, new Error(String(m.message ?? "error in the kernel")));
    } else if (m.kind === "cancelled") {
      this.settle(m.id, undefined, new CancelledError(String(m.message ?? "cancelled")));
    } else if (m.kind === "progress") {
      // a job that reports is alive: its timeout starts again
      if (p.timer !== undefined) clearTimeout(p.timer);
      p.timer = this.arm(m.id, p.kind);
      const g = m as { job?: unknown; fraction?: unknown; seconds?: unknown; eta?: unknown };
      const num = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : NaN);
      p.onProgress?.({
        job: String(g.job ?? p.kind),
        fraction: num(g.fraction),
        seconds: num(g.seconds),
        eta: typeof g.eta === "number" && Number.isFinite(g.eta) ? g.eta : null,
      });
    }
  };

  private settle(id: string, reply?: Reply<any>, error?: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (p.timer !== undefined) clearTimeout(p.timer);
    if (error) p.reject(error);
    else p.resolve(reply!);
  }

  dispose(): void {
    this.unroute();
    for (const id of [...this.pending.keys()]) this.settle(id, undefined, new Error("disposed"));
  }
}

/**
 * Tokens for "only the newest request may paint": take a token before asking, and check
 * it when the answer arrives. Answers to older tokens are dropped.
 */
export class LatestOnly {
  private seq = 0;
  begin(): number {
    return ++this.seq;
  }
  isCurrent(token: number): boolean {
    return token === this.seq;
  }
  /** Invalidate every outstanding token (e.g. the thing they were for went away). */
  cancel(): void {
    this.seq++;
  }
}
