// Which results the widget may paint: last click wins, results shown ahead of the kernel's
// answer until it comes, and results another client of the kernel asked for.

import { decodeResults, type AnyModel, type Results, type Sweep } from "./model";
import { sameColumns } from "./results";
import { adoptState, sameState, stateMatches } from "./state";

/**
 * Decides whether a `_results` value may be painted: only when the state it carries (every
 * setting, the rule, the target and the history cursor) is the model's current state. Older
 * answers (an earlier click) are dropped, never shown for a newer target. Decoding is cached
 * by the raw object's identity.
 */
export class ResultsGate {
  private raw: unknown = undefined;
  private decoded: Results | null = null;
  /** The newest results whose state matched the model's at the time (what the grid shows). */
  accepted: Results | null = null;
  /** `accepted` came ahead of the kernel's answer to a click (see ahead.ts), not yet from it. */
  speculative = false;
  private shownAhead = false;
  private beforeAhead: Results | null = null;

  /** Show `results`, computed ahead for the click just sent, until the kernel's answer. */
  showAhead(results: Results): void {
    if (!this.speculative) this.beforeAhead = this.accepted;
    this.accepted = results;
    this.speculative = true;
    this.shownAhead = true;
  }

  /** Re-evaluate; returns true when `accepted` changed. */
  update(model: AnyModel, sweep: Sweep | null): boolean {
    const ahead = this.shownAhead;
    this.shownAhead = false;
    const raw = model.get("_results");
    if (raw !== this.raw) {
      this.raw = raw;
      this.decoded = sweep ? decodeResults(raw, sweep) : null;
    }
    const d = this.decoded;
    if (!d || d === this.accepted || !sweep) return ahead;
    const settings = sweep.settings;
    if (this.speculative && stateMatches(d.state, model, settings)) {
      // the kernel's answer to the click: it replaces what was shown ahead (nothing to
      // repaint when they are the same, as they are unless the data changed meanwhile)
      const a = this.accepted;
      const same = a !== null && sameState(a.state, d.state, settings) && sameColumns(a, d, sweep);
      if (!same) this.accepted = d;
      this.decoded = this.accepted;
      this.speculative = false;
      this.beforeAhead = null;
      return !same;
    }
    if (this.speculative) return ahead; // an older answer, or a state not yet confirmed
    if (!stateMatches(d.state, model, settings)) {
      // this view's model still holds the state of the results it shows, so nothing here asked
      // for another: another client of the kernel did (it gets no echo); take its state
      if (!this.accepted || !stateMatches(this.accepted.state, model, settings)) return false;
      adoptState(d.state, model, settings);
    }
    this.accepted = d;
    return true;
  }

  /** True while the shown results are not for the current state (of `sweep`'s settings). */
  pending(model: AnyModel, sweep: Sweep | null): boolean {
    if (this.speculative && this.accepted) return this.accepted.state.target !== model.get("target");
    return !this.accepted || !sweep || !stateMatches(this.accepted.state, model, sweep.settings);
  }

  /** Drop what was shown ahead (the kernel refused the click): back to its last answer. */
  dropAhead(): void {
    if (!this.speculative) return;
    this.speculative = false;
    this.accepted = this.beforeAhead;
    this.beforeAhead = null;
  }

  reset(): void {
    this.raw = undefined;
    this.decoded = null;
    this.accepted = null;
    this.speculative = false;
    this.shownAhead = false;
    this.beforeAhead = null;
  }
}
