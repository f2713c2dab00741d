// Results computed ahead: after each click the kernel computes the new target's neighbours
// (the likely next clicks) and sends what a click on each would show (`ahead` message,
// docs/widget-protocol.md). A click on one paints them at once; the kernel's own answer to
// the click, which records the comparison, replaces them when it arrives.

import { decodeResults, settingsMatch, type AnyModel, type Results, type ResultsState, type Sweep } from "./model";

interface Entry {
  target: number;
  results: Record<string, unknown>;
}

/** The settings a shown result depends on, besides the target and the history. */
const SETTINGS = ["test", "correction", "against", "neighbors", "error_control"] as const;

function sameState(a: ResultsState, b: Partial<ResultsState> | undefined): boolean {
  if (!b || a.target !== b.target || a.cursor !== b.cursor || a.alpha !== b.alpha) return false;
  for (const name of SETTINGS) if (a[name] !== b[name]) return false;
  const h = b.history;
  return Array.isArray(h) && h.length === a.history.length && h.every((c, i) => c === a.history[i]);
}

export class AheadResults {
  /** The state of the results the entries follow from (the target they neighbour). */
  private from: Partial<ResultsState> | undefined;
  private entries = new Map<number, Entry>();
  private buffers: DataView[] = [];

  constructor(private readonly model: AnyModel) {
    model.on("msg:custom", this.onMessage);
  }

  private readonly onMessage = (msg: unknown, buffers: DataView[] | undefined): void => {
    if (!msg || typeof msg !== "object" || (msg as { kind?: unknown }).kind !== "ahead") return;
    const m = msg as { from?: Partial<ResultsState>; entries?: Entry[] };
    this.from = m.from;
    this.buffers = buffers ?? [];
    this.entries = new Map((Array.isArray(m.entries) ? m.entries : []).map((e) => [Number(e.target), e]));
  };

  /**
   * What a click on `config` shows, if it was computed ahead from the results on screen
   * (`shown`) with the model's current settings; else null (the click waits for the kernel).
   */
  take(config: number, shown: Results | null, sweep: Sweep | null): Results | null {
    const entry = this.entries.get(config);
    if (!entry || !shown || !sweep || !sameState(shown.state, this.from)) return null;
    const raw: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(entry.results)) {
      const ref = value as { buffer?: unknown } | null;
      const k = ref && typeof ref === "object" && !Array.isArray(ref) ? ref.buffer : undefined;
      raw[name] = typeof k === "number" ? this.buffers[k] : value;
    }
    const results = decodeResults(raw as never, sweep.n_configs, sweep.statuses);
    if (!results || results.state.target !== config || !settingsMatch(results.state, this.model)) return null;
    return results;
  }

  clear(): void {
    this.from = undefined;
    this.entries.clear();
    this.buffers = [];
  }

  dispose(): void {
    this.model.off("msg:custom", this.onMessage);
    this.clear();
  }
}

function sameBytes(a: ArrayBufferView | null, b: ArrayBufferView | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * True when two decoded results show exactly the same thing (every buffer byte for byte, the
 * notes and the state): the kernel's answer to a click shown ahead then changes nothing.
 */
export function sameResults(a: Results, b: Results): boolean {
  if (!sameState(a.state, b.state) || a.target !== b.target || a.estimand !== b.estimand) return false;
  if (a.notes.length !== b.notes.length || a.notes.some((n, i) => n !== b.notes[i])) return false;
  const arrays = [
    "rows", "status", "statistic", "pvalue", "pvalue_adj", "effect", "diff_mean", "varied",
    "effect_low", "effect_high", "diff_mean_low", "diff_mean_high", "mde", "seeds_needed",
    "underpowered", "estimate", "estimate_low", "estimate_high", "min_pvalue", "reachable",
    "level", "level_pvalue",
  ] as const;
  return arrays.every((name) => sameBytes(a[name], b[name]));
}
