// What every panel draws from: one snapshot of the widget's state per paint (the traits, the
// results the gate accepted, and the view's own choices). Each panel's `update(view)` reads
// its slice and keeps a memo of it, so a paint costs a panel nothing when its slice is unchanged.

import type { Results, Status, Sweep } from "./model";
import type { SortSpec } from "./sort";

/** Which rows the grid lists: the comparison's or every configuration. */
export type Scope = "compared" | "all";

export interface View {
  sweep: Sweep | null;
  /** The results on screen (the gate's: the current state's, or computed ahead of its answer). */
  results: Results | null;
  /** The target of the results shown (the model's while there are none). */
  target: number;
  /** The model's settings (what the controls show; the results may still be on their way). */
  test: string;
  correction: string;
  alpha: number;
  against: string;
  neighbors: string;
  error_control: string;
  /** `selected` as the model holds it (the same array until it changes). */
  selected: readonly number[];
  /** The walk's back/forward history of the results shown, and the cursor into it. */
  history: readonly number[];
  cursor: number;
  /** The raw `_walk`, `_ledger` and `_progress` traits. */
  walk: unknown;
  ledger: unknown;
  progress: number;
  error: string;
  /** The shown results are not yet the current state's. */
  busy: boolean;
  scope: Scope;
  /** Only the rows of this status (the legend's filter); null = every row. */
  filter: Status | null;
  sort: SortSpec | null;
  /** The config ids the grid lists, in order (the same array while nothing it depends on changes). */
  order: Int32Array;
  /**
   * Counts the rows that came from the kernel for a windowed sweep (its columns and order
   * fill in as the grid scrolls): a change repaints the grid.
   */
  rows_version: number;
  /** The row the detail panel describes: under the pointer, else focused, else the target. */
  inspected: number;
}
