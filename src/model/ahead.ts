// Results computed ahead: after each click the kernel computes the new target's neighbours
// (the likely next clicks) and sends what a click on each would show (`ahead` message,
// docs/widget-protocol.md). A click on one paints them at once; the kernel's own answer to
// the click, which records the comparison, replaces them when it arrives.

import { decodeResults, isLoaded, mergeSweepRows, type RawSweepRows, type Results, type ResultsState, type Sweep } from "./model";
import { resolveBuffers } from "./window";
import type { MessageRouter } from "./router";
import { sameState, settingsMatch } from "./state";
import type { AnyModel } from "./model";

interface Entry {
  target: number;
  results: Record<string, unknown>;
}

export class AheadResults {
  /** The state of the results the entries follow from (the target they neighbour). */
  private from: Partial<ResultsState> | undefined;
  private entries = new Map<number, Entry>();
  private buffers: DataView[] = [];

  private readonly unroute: () => void;

  constructor(private readonly model: AnyModel, router: MessageRouter) {
    this.unroute = router.onKind("ahead", this.onMessage);
  }

  private readonly onMessage = (msg: Record<string, unknown>, buffers: DataView[]): void => {
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
    if (!entry || !shown || !sweep || !sameState(shown.state, this.from, sweep.settings)) return null;
    const raw = resolveBuffers(entry.results, this.buffers) as Record<string, unknown>;
    const results = decodeResults(raw, sweep);
    // a windowed sweep: the results computed ahead bring their rows' columns too
    mergeSweepRows(sweep, raw.sweep_rows as RawSweepRows | undefined);
    if (!results || results.state.target !== config || !settingsMatch(results.state, this.model, sweep.settings)) return null;
    // a windowed sweep holds the columns of the rows it has seen only: without every row's
    // here, wait for the kernel's results (they bring them)
    if (sweep.windowed && !results.rows.every((c) => isLoaded(sweep, c))) return null;
    return results;
  }

  clear(): void {
    this.from = undefined;
    this.entries.clear();
    this.buffers = [];
  }

  dispose(): void {
    this.unroute();
    this.clear();
  }
}
