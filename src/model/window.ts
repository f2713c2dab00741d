// The grid's rows a window at a time, for sweeps too large to send every row's results: a
// `rows` request (docs/widget-protocol.md) asks the kernel for the rows `offset` to
// `offset + limit` of the grid, which it lists, filters and sorts as `rowOrder` does
// (python/sweepwalk/widget/window.py); the reply is decoded here into the window's order and
// results.

import { decodeResults, type RawSweepRows, type Results, type Status, type Sweep } from "./model";
import type { Requester } from "./requests";
import type { RowView } from "./rows";
import { toTyped } from "./buffers";

/** One window of the grid: its rows in display order and their results. */
export interface RowWindow {
  /** Position of the first row of `order` among every row listed. */
  offset: number;
  /** Rows listed in all (the scroll height). */
  total: number;
  /** Config ids of the window in display order, compared or not. */
  order: Int32Array;
  /** The results of the compared rows of the window (`index` over every config id). */
  results: Results;
  /** Rows per status over the whole results, `pending` and `out` included (the legend's counts). */
  counts: Partial<Record<Status, number>>;
  /** The sweep columns of the window's rows (a windowed sweep), else null. */
  sweep_rows: RawSweepRows | null;
}

/** `value` with every `{buffer: k}` inside it (objects, arrays) replaced by `buffers[k]`. */
export function resolveBuffers(value: unknown, buffers: ArrayLike<unknown>): unknown {
  if (Array.isArray(value)) return value.map((x) => resolveBuffers(x, buffers));
  if (!value || typeof value !== "object" || ArrayBuffer.isView(value)) return value;
  const k = (value as { buffer?: unknown }).buffer;
  if (typeof k === "number" && Object.keys(value).length === 1) return buffers[k];
  return Object.fromEntries(Object.entries(value).map(([name, x]) => [name, resolveBuffers(x, buffers)]));
}

/** Decode a `rows-response` (buffers referenced as `{buffer: k}`); null when malformed. */
export function decodeWindow(msg: Record<string, unknown>, buffers: ArrayLike<unknown>, sweep: Sweep): RowWindow | null {
  const body = msg.results as Record<string, unknown> | undefined;
  if (!body || typeof body !== "object") return null;
  const raw: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    const ref = value as { buffer?: unknown } | null;
    const k = ref && typeof ref === "object" && !Array.isArray(ref) ? ref.buffer : undefined;
    raw[name] = typeof k === "number" ? buffers[k] : value;
  }
  const rows = resolveBuffers(msg.sweep_rows, buffers) as RawSweepRows | undefined;
  const window = raw.window as { offset?: unknown; total?: unknown; counts?: unknown } | undefined;
  const results = decodeResults(raw, sweep);
  if (!results || !window) return null;
  return {
    offset: Number(window.offset),
    total: Number(window.total),
    order: toTyped(raw.order as never, Int32Array),
    results,
    counts: (window.counts ?? {}) as Partial<Record<Status, number>>,
    sweep_rows: rows && typeof rows === "object" ? rows : null,
  };
}

/**
 * Ask the kernel for rows `offset` to `offset + limit` of the grid under `view`; `columns`:
 * with their sweep columns (a windowed sweep), else their ids and results only.
 */
export async function requestWindow(requester: Requester, sweep: Sweep, view: RowView, offset: number, limit: number, columns = true): Promise<RowWindow | null> {
  const sort = view.sort ? [view.sort.column, view.sort.dir] : null;
  const reply = await requester.request("rows", { offset, limit, scope: view.scope, sort, filter: view.filter, columns });
  return decodeWindow(reply.msg, reply.buffers, sweep);
}
