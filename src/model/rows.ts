// Which rows the grid lists, in which order, and how many rows have each status (the legend's
// counts): pure functions of the sweep, the shown results and the view's scope, filter and sort.

import { statusOf, type Results, type Status, type Sweep } from "./model";
import { sortIds, type SortSpec } from "./sort";

/** The grid's view of the rows: the compared ones or all, one status only or every one. */
export interface RowView {
  scope: "compared" | "all";
  /** Show only the rows of this status (the legend's filter); null = every row. */
  filter: Status | null;
  sort: SortSpec | null;
}

/**
 * The config ids the grid lists, in display order; `key` gives the sort column's numeric key of a
 * config (the grid's columns know them: panels/columns.ts `sortKey`).
 */
export function rowOrder(sweep: Sweep, results: Results | null, view: RowView, key: (column: string) => (config: number) => number): Int32Array {
  let ids: Int32Array;
  if (view.scope === "compared" && results) {
    ids = Int32Array.from(results.rows).sort();
  } else {
    ids = new Int32Array(sweep.n_configs);
    for (let i = 0; i < ids.length; i++) ids[i] = i;
  }
  if (view.filter !== null) {
    const only = view.filter;
    ids = ids.filter((c) => statusOf(results, c) === only);
  }
  const sort = view.sort;
  return sort ? sortIds(ids, key(sort.column), sort.dir) : ids;
}

/** Rows per status (`pending`: rows still being tested; `out`: the configurations not compared); O(rows compared). */
export function statusCounts(sweep: Sweep, results: Results | null): Partial<Record<Status, number>> {
  if (results?.partial) return { ...results.partial.counts }; // the kernel's, over every row
  const counts: Partial<Record<Status, number>> = {};
  if (results) {
    for (let i = 0; i < results.rows.length; i++) {
      const s = statusOf(results, results.rows[i]);
      counts[s] = (counts[s] ?? 0) + 1;
    }
  }
  counts.out = sweep.n_configs - (results ? results.rows.length : 0);
  return counts;
}
