// The grid's columns: which `to_frame()` columns it shows, their widths and sticky offsets, and
// the sort key of each.

import { OUT, statusOf, type Results, type Sweep } from "../model/model";
import type { SortDir } from "../model/sort";

/** What a column's cells show (the grid renders a cell per column by this). */
export type CellKind =
  | "select"
  | "status"
  | "effect"
  | "padj"
  | "level"
  | "param"
  | "varied"
  | "n"
  | "mean"
  | "strip"
  | "estimate"
  | "pvalue"
  | "min_pvalue";

export interface Column {
  /** The `to_frame()` column it shows (the header's `data-sort`); "" = not sortable. */
  id: string;
  kind: CellKind;
  /** For a "param" column: the parameter's index in `sweep.params`. */
  param?: number;
  label: string;
  title: string;
  width: string;
  cls: string;
  /** Stays in view when the table scrolls sideways (the columns people read first). */
  sticky?: boolean;
}

/** The result columns a header may sort by, as `Results` arrays. */
const RESULT_SORT: Record<string, keyof Pick<Results, "pvalue" | "pvalue_adj" | "effect" | "estimate" | "min_pvalue" | "level">> = {
  pvalue: "pvalue",
  pvalue_adj: "pvalue_adj",
  effect: "effect",
  estimate: "estimate",
  min_pvalue: "min_pvalue",
  level: "level",
};

/** Numeric sort key of `config` in `column` (a `to_frame()` column; NaN = missing, sorts last). */
export function sortKey(sweep: Sweep, results: Results | null, column: string): (config: number) => number {
  const arr = RESULT_SORT[column];
  if (arr) {
    return (c: number) => {
      const i = results ? results.index[c] : -1;
      return i >= 0 && results ? results[arr][i] : NaN;
    };
  }
  switch (column) {
    case "n":
      return (c) => sweep.n[c];
    case "mean":
      return (c) => sweep.mean[c];
    case "std":
      return (c) => sweep.std[c];
    case "status": {
      // the vocabulary's order (target first), `out` last
      const rank = new Map([...sweep.statuses, OUT].map((s, i) => [s, i]));
      return (c) => rank.get(statusOf(results, c)) ?? NaN;
    }
  }
  const p = sweep.params.find((q) => q.name === column);
  if (p) return (c) => (p.codes[c] >= 0 ? p.codes[c] : NaN);
  return (c) => c;
}

/** The first sort of a column: the mean puts the best first for the metric's goal. */
export function firstSortDir(sweep: Sweep, column: string): SortDir {
  return column === "mean" && sweep.goal === "max" ? "desc" : "asc";
}

/** Width of a parameter column: its values decide (names are cut, full name in the title). */
export function paramWidth(name: string, labels: readonly string[]): string {
  let longest = Math.min(name.length, 14);
  for (let j = 0; j < Math.min(labels.length, 500); j++) longest = Math.max(longest, labels[j].length);
  // + the varied marker "↔ " and bold, + the cell's padding
  return `calc(${Math.min(20, Math.max(3, longest)) + 3}ch + 12px)`;
}

/** Below this widget width (px) the grid shows the compact column order. */
export const COMPACT_WIDTH = 900;

/**
 * The grid's columns. Wide: select, status, A12, p adj and the estimate with its interval stay in
 * view (sticky: at any width the verdict and its size are read without scrolling sideways), then
 * every parameter, n, mean ± std, the scores, p and min p. Compact (a widget narrower than
 * COMPACT_WIDTH): what decides a row comes first without sideways scrolling — status and p adj
 * (sticky), the varied parameter's value, the mean, the estimate with its interval — and the
 * other parameters and columns follow, one scroll away. `walk`: the rows were decided walk-wide,
 * and the p adj column gives way to each row's p against the online level it was held to.
 */
export function columnsFor(sweep: Sweep, estimand: string, compact = false, walk = false): Column[] {
  // sticky columns are sized in em, not ch: a bold target row has a wider ch
  const select: Column = { id: "", kind: "select", label: "", title: "select rows (ctrl/shift-click also selects)", width: "2em", cls: "sw-c-select", sticky: true };
  const status: Column = { id: "status", kind: "status", label: "status", title: "decision at alpha after correction", width: "8.6em", cls: "sw-c-status", sticky: true };
  const effect: Column = { id: "effect", kind: "effect", label: "A12", title: "Vargha-Delaney A12: P(row beats target), 0.5 = no effect", width: "4.2em", cls: "sw-c-num sw-c-effect", sticky: !compact };
  // walk-wide, the online procedure decided each row: its p against the level it was held to
  const padj: Column = walk
    ? { id: "level", kind: "level", label: "p vs level", title: "walk-wide error control: the p-value of the pair's first test against the level the online FDR procedure held it to (significant when p ≤ level)", width: "calc(15ch + 12px)", cls: "sw-c-num sw-c-padj sw-c-level", sticky: true }
    : { id: "pvalue_adj", kind: "padj", label: "p adj", title: "p-value adjusted for the comparisons with this target", width: "4.6em", cls: "sw-c-num sw-c-padj", sticky: true };
  const params: Column[] = sweep.params.map((p, i) => ({
    id: p.name,
    kind: "param",
    param: i,
    label: p.name,
    title: `parameter ${p.name}`,
    width: paramWidth(p.name, p.labels),
    cls: "sw-c-param",
  }));
  const n: Column = { id: "n", kind: "n", label: "n", title: "runs (seeds) with a finite score; * = some runs have no finite score", width: "5.5ch", cls: "sw-c-num sw-c-n" };
  const strip: Column = { id: "std", kind: "strip", label: "scores", title: `per-seed ${sweep.metric} of each row on one shared axis (the bar is the mean); sorts by std`, width: "130px", cls: "sw-c-strip" };
  const estimateTitle = `the tested estimate${estimand ? ` (${estimand})` : ""} with the test's own interval`;
  const estimate = (width: string, sticky: boolean): Column => ({ id: "estimate", kind: "estimate", label: "estimate [interval]", title: estimateTitle, width, cls: "sw-c-num sw-c-estimate", sticky });
  const pvalue: Column = { id: "pvalue", kind: "pvalue", label: "p", title: "p-value of the test against the target", width: "8ch", cls: "sw-c-num" };
  const minP: Column = { id: "min_pvalue", kind: "min_pvalue", label: "min p", title: "the smallest p-value this test can give with these seeds; ⊘ = cannot be significant at its level", width: "8ch", cls: "sw-c-num" };
  const meanTitle = `${sweep.metric} (goal: ${sweep.goal})`;
  if (!compact) {
    return [
      select,
      status,
      effect,
      padj,
      estimate("calc(31ch + 12px)", true),
      ...params,
      n,
      { id: "mean", kind: "mean", label: "mean ± std", title: meanTitle, width: "15ch", cls: "sw-c-num" },
      strip,
      pvalue,
      minP,
    ];
  }
  return [
    select,
    status,
    padj,
    { id: "", kind: "varied", label: "varied", title: "the parameter this row changes from the target, and its value", width: "calc(10ch + 12px)", cls: "sw-c-varied-value" },
    { id: "mean", kind: "mean", label: "mean", title: `mean ${meanTitle}`, width: "calc(6.5ch + 12px)", cls: "sw-c-num" },
    estimate("calc(25ch + 12px)", false),
    ...params,
    n,
    strip,
    effect,
    pvalue,
    minP,
  ];
}
