// The grid's columns: which `to_frame()` columns it shows, their widths and sticky offsets, and
// the sort key of each.

import { OUT, statusOf, type Results, type Sweep } from "./model";

export interface Column {
  /** The `to_frame()` column it shows (the header's `data-sort`); "" = not sortable. */
  id: string;
  label: string;
  title: string;
  width: string;
  cls: string;
  /** Stays in view when the table scrolls sideways (the columns people read first). */
  sticky?: boolean;
}

/** The result columns a header may sort by, as `Results` arrays. */
const RESULT_SORT: Record<string, keyof Pick<Results, "pvalue" | "pvalue_adj" | "effect" | "estimate" | "min_pvalue">> = {
  pvalue: "pvalue",
  pvalue_adj: "pvalue_adj",
  effect: "effect",
  estimate: "estimate",
  min_pvalue: "min_pvalue",
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

/** Width of a parameter column: its values decide (names are cut, full name in the title). */
export function paramWidth(name: string, labels: readonly string[]): string {
  let longest = Math.min(name.length, 14);
  for (let j = 0; j < Math.min(labels.length, 500); j++) longest = Math.max(longest, labels[j].length);
  // + the varied marker "↔ " and bold, + the cell's padding
  return `calc(${Math.min(20, Math.max(3, longest)) + 3}ch + 12px)`;
}

export function columnsFor(sweep: Sweep, estimand: string): Column[] {
  // sticky columns are sized in em, not ch: a bold target row has a wider ch
  const cols: Column[] = [
    { id: "", label: "", title: "select rows (ctrl/shift-click also selects)", width: "2em", cls: "sw-c-select", sticky: true },
    { id: "status", label: "status", title: "decision at alpha after correction", width: "7.5em", cls: "sw-c-status", sticky: true },
    { id: "effect", label: "A12", title: "Vargha-Delaney A12: P(row beats target), 0.5 = no effect", width: "4.2em", cls: "sw-c-num sw-c-effect", sticky: true },
    { id: "pvalue_adj", label: "p adj", title: "p-value adjusted for the comparisons with this target", width: "4.6em", cls: "sw-c-num sw-c-padj", sticky: true },
  ];
  sweep.params.forEach((p) => {
    cols.push({ id: p.name, label: p.name, title: `parameter ${p.name}`, width: paramWidth(p.name, p.labels), cls: "sw-c-param" });
  });
  cols.push(
    { id: "n", label: "n", title: "runs (seeds) with a finite score; * = some runs have no finite score", width: "5.5ch", cls: "sw-c-num sw-c-n" },
    { id: "mean", label: "mean ± std", title: `${sweep.metric} (goal: ${sweep.goal})`, width: "15ch", cls: "sw-c-num" },
    { id: "std", label: "scores", title: `per-seed ${sweep.metric} of each row on one shared axis (the bar is the mean); sorts by std`, width: "130px", cls: "sw-c-strip" },
    { id: "estimate", label: "estimate [interval]", title: `the tested estimate${estimand ? ` (${estimand})` : ""} with the test's own interval`, width: "calc(31ch + 12px)", cls: "sw-c-num sw-c-estimate" },
    { id: "pvalue", label: "p", title: "p-value of the test against the target", width: "8ch", cls: "sw-c-num" },
    { id: "min_pvalue", label: "min p", title: "the smallest p-value this test can give with these seeds; ⊘ = cannot be significant at its level", width: "8ch", cls: "sw-c-num" },
  );
  return cols;
}

/** CSS `left` of each sticky column: the sum of the widths before it. */
export function stickyLefts(cols: Column[]): string[] {
  const out: string[] = [];
  const before: string[] = [];
  for (const c of cols) {
    if (!c.sticky) break;
    out.push(before.length ? `calc(${before.join(" + ")})` : "0px");
    before.push(c.width);
  }
  return out;
}
