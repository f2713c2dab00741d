// The one listener on the model's custom messages (docs/widget-protocol.md), routing each to
// the part that asked for it: a reply (a string `id`: requests.ts), a job the kernel started
// itself (`id: null` with a `job`: panels/jobs.ts), or a message of its own kind (`ahead`).

import type { AnyModel } from "./model";

export type MessageHandler = (msg: Record<string, unknown>, buffers: DataView[]) => void;

export class MessageRouter {
  private readonly replies = new Set<MessageHandler>();
  private readonly kernelJobs = new Set<MessageHandler>();
  private readonly kinds = new Map<string, Set<MessageHandler>>();

  constructor(readonly model: AnyModel) {
    model.on("msg:custom", this.onMessage);
  }

  /** Messages with a string `id`: replies to a request, its progress, its end. */
  onReply(handler: MessageHandler): () => void {
    return add(this.replies, handler);
  }

  /** Messages about a job the kernel started itself (`id: null`, a `job` name). */
  onKernelJob(handler: MessageHandler): () => void {
    return add(this.kernelJobs, handler);
  }

  /** Messages of `kind` that answer no request and are no kernel job, e.g. `ahead`. */
  onKind(kind: string, handler: MessageHandler): () => void {
    let set = this.kinds.get(kind);
    if (!set) this.kinds.set(kind, (set = new Set()));
    return add(set, handler);
  }

  /** How many handlers are routed to (0 once every part has let go). */
  get handlerCount(): number {
    let n = this.replies.size + this.kernelJobs.size;
    for (const set of this.kinds.values()) n += set.size;
    return n;
  }

  send(content: Record<string, unknown>): void {
    this.model.send(content);
  }

  private readonly onMessage = (msg: unknown, buffers?: DataView[]): void => {
    if (typeof msg !== "object" || msg === null) return;
    const m = msg as Record<string, unknown>;
    const bufs = buffers ?? [];
    let handlers: Iterable<MessageHandler> = [];
    if (typeof m.id === "string") handlers = this.replies;
    else if (m.id === null && typeof m.job === "string") handlers = this.kernelJobs;
    else if (typeof m.kind === "string") handlers = this.kinds.get(m.kind) ?? [];
    for (const handle of [...handlers]) handle(m, bufs);
  };

  dispose(): void {
    this.model.off("msg:custom", this.onMessage);
    this.replies.clear();
    this.kernelJobs.clear();
    this.kinds.clear();
  }
}

function add(set: Set<MessageHandler>, handler: MessageHandler): () => void {
  set.add(handler);
  return () => void set.delete(handler);
}
