// The one comparison of states: is what a results payload was computed for the model's current
// state, and are two payloads' states the same? The settings compared are Python's own list
// (`_sweep.settings`, sent with the sweep: the user-visible settings the results depend on), so
// that the frontend does not spell them.

import type { AnyModel, ResultsState, WidgetTraits } from "./model";

/** A setting's name (one of `_sweep.settings`: a trait of the same name). */
export type SettingName = keyof ResultsState & keyof WidgetTraits;

/** `state`'s value of setting `name` (the payload's `state` carries every one of them). */
function valueOf(state: Partial<ResultsState>, name: string): unknown {
  return (state as Record<string, unknown>)[name];
}

/** Equal values of one setting: numbers (alpha) to 1e-12 relative, anything else exactly. */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
  return a === b;
}

/**
 * Do `a` and `b` describe the same state: the same target, cursor and `settings`, and (with
 * `history`) the same back/forward history?
 */
export function sameState(a: Partial<ResultsState>, b: Partial<ResultsState> | undefined, settings: readonly string[], history = true): boolean {
  if (!b || a.target !== b.target || a.cursor !== b.cursor) return false;
  for (const name of settings) if (!sameValue(valueOf(a, name), valueOf(b, name))) return false;
  if (!history) return true;
  const [x, y] = [a.history, b.history];
  return Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((c, i) => c === y[i]);
}

/** The model's current state: its target, history cursor and `settings` (no history). */
export function currentState(model: AnyModel, settings: readonly string[]): Partial<ResultsState> {
  const out: Record<string, unknown> = { target: model.get("target"), cursor: model.get("_history_index") };
  for (const name of settings) out[name] = model.get(name as SettingName);
  return out as Partial<ResultsState>;
}

/**
 * Is `state` (what a results payload was computed for) the model's current state? The frontend
 * writes its own settings, target and history cursor; results for any other state (an earlier
 * click, a move still on its way) are not shown as current.
 */
export function stateMatches(state: ResultsState, model: AnyModel, settings: readonly string[]): boolean {
  return sameState(state, currentState(model, settings), settings, false);
}

/** Are the comparison settings of `state` (all but the target and the cursor) the model's? */
export function settingsMatch(state: ResultsState, model: AnyModel, settings: readonly string[]): boolean {
  const now = currentState(model, settings);
  return sameState({ ...state, target: 0, cursor: 0 }, { ...now, target: 0, cursor: 0 }, settings, false);
}

/**
 * Take `state` into the model, locally (no save: the kernel already has it). For a change that
 * another client of the kernel made: the kernel sends no echo of traits a frontend writes, so
 * the other clients learn the new state from the results that answer it.
 */
export function adoptState(state: ResultsState, model: AnyModel, settings: readonly string[]): void {
  model.set("target", state.target);
  for (const name of settings) model.set(name as SettingName, valueOf(state, name) as never);
  model.set("_history_index", state.cursor);
}
