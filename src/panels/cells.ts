// The cells of one grid row: what each column shows for a configuration (panels/columns.ts says
// which columns there are, grid.ts lays the rows out).

import { DASH, formatEffect, formatEstimate, formatInt, formatLevelTest, formatMeanStd, formatNum, formatP } from "../util/format";
import { OUT, PENDING, labels, paramLabel, statusWord } from "../model/model";
import type { Column } from "./columns";
import { renderStrip, type StripAxis } from "../plots/stripplot";
import { STATUS_GLYPHS } from "./controls";
import { isUnderpowered } from "../model/insights";
import type { GridData } from "./grid";

/** Marks an underpowered `ns` row (with a tooltip and `data-underpowered="true"`). */
export const POWER_GLYPH = "◔";

/** Mark of a row whose test cannot reach significance at its level with these seeds. */
export const UNREACHABLE_GLYPH = "⊘";

/** What a p-value cell of a row still being tested shows (the row's status cell too). */
export const PENDING_TEXT = "…";
const PENDING_TITLE = "p-value being computed in the kernel: no verdict yet";

/** One row being rendered: what each of its cells reads. */
export interface RowContext {
  data: GridData;
  config: number;
  /** The row's index in the results (-1: not compared). */
  ri: number;
  status: string;
  /** The parameter this row varies from the target (-1: none). */
  varied: number;
  selected: boolean;
  row: HTMLElement;
  at(arr: Float64Array): number;
}

/** What the cells read besides their row. */
export interface CellContext {
  doc: Document;
  /** The compact layout (the mean without its std). */
  compact(): boolean;
  /** The strip plots' shared axis. */
  axis(): StripAxis;
  onSelect(config: number, mode: "toggle" | "range"): void;
}

/** Fill the cell of column `col` for one row (see renderRow). */
export function fillCell(c: HTMLElement, col: Column, r: RowContext, ctx: CellContext): void {
  const { data, config, status, varied, at } = r;
  const { sweep, results } = data;
  const doc = ctx.doc;
  if (status === PENDING && (col.kind === "pvalue" || col.kind === "padj" || col.kind === "level")) {
    c.textContent = PENDING_TEXT;
    c.title = PENDING_TITLE;
    return;
  }
  switch (col.kind) {
    case "select": {
      const box = doc.createElement("input");
      box.type = "checkbox";
      box.checked = r.selected;
      box.tabIndex = -1;
      box.dataset.testid = "sw-row-select";
      box.setAttribute("aria-label", `select configuration ${config}`);
      box.addEventListener("click", (e) => {
        e.stopPropagation();
        ctx.onSelect(config, e.shiftKey ? "range" : "toggle");
      });
      c.append(box);
      return;
    }
    case "status":
      return fillStatus(c, r, ctx);
    case "effect":
      c.textContent = formatEffect(results ? at(results.effect) : NaN);
      return;
    case "padj":
      c.textContent = formatP(results ? at(results.pvalue_adj) : NaN);
      return;
    case "level": {
      const p = results?.level_pvalue ? at(results.level_pvalue) : NaN;
      c.textContent = formatLevelTest(p, results ? at(results.level) : NaN);
      return;
    }

    case "param": {
      const i = col.param ?? -1;
      const p = sweep.params[i];
      const text = paramLabel(p, config);
      c.textContent = text;
      c.title = `${p.name} = ${text}`;
      if (i === varied) {
        c.classList.add("sw-varied");
        c.dataset.varied = "true";
        c.title = `${p.name} = ${text} (varies from the target)`;
      }
      return;
    }
    case "varied": {
      if (varied < 0) {
        c.textContent = status === "target" ? "target" : DASH;
        c.classList.add("sw-muted");
        return;
      }
      // the value first: a narrow cell cuts the name, not the value
      const p = sweep.params[varied];
      const text = paramLabel(p, config);
      const value = doc.createElement("span");
      value.className = "sw-varied-value";
      value.textContent = text;
      const name = doc.createElement("span");
      name.className = "sw-varied-name";
      name.textContent = p.name;
      c.append(value, " ", name);
      c.title = `${p.name} = ${text} (varies from the target)`;
      return;
    }
    case "n": {
      c.textContent = formatInt(sweep.n[config]);
      const miss = sweep.n_missing[config] ?? 0;
      if (miss > 0) {
        c.classList.add("sw-has-missing");
        c.title = `${miss} run(s) without a finite score`;
      }
      return;
    }
    case "mean":
      c.textContent = ctx.compact() ? formatNum(sweep.mean[config]) : formatMeanStd(sweep.mean[config], sweep.std[config]);
      if (ctx.compact()) c.title = formatMeanStd(sweep.mean[config], sweep.std[config]);
      return;
    case "strip":
      c.append(renderStrip(doc, sweep, config, ctx.axis()));
      return;
    case "estimate": {
      const est = results ? formatEstimate(at(results.estimate), at(results.estimate_low), at(results.estimate_high)) : DASH;
      c.textContent = est;
      c.title = results?.estimand ? `${results.estimand}: ${est}` : est;
      return;
    }
    case "pvalue":
      c.textContent = formatP(results ? at(results.pvalue) : NaN);
      return;
    case "min_pvalue":
      c.textContent = formatP(results ? at(results.min_pvalue) : NaN);
      return;
  }
}

function fillStatus(st: HTMLElement, r: RowContext, ctx: CellContext): void {
  const { data, config, ri, status, row, at } = r;
  const { sweep, results } = data;
  const doc = ctx.doc;
  const statusText =
    labels(sweep, "status")[status] ?? (status === OUT ? "not part of this comparison" : status === PENDING ? PENDING_TITLE : status);
  if (status === PENDING) row.dataset.pending = "true";
  const g = doc.createElement("span");
  g.className = "sw-glyph";
  g.setAttribute("aria-hidden", "true");
  g.textContent = STATUS_GLYPHS[status] ?? "";
  const w = doc.createElement("span");
  w.className = "sw-status-word";
  w.textContent = statusWord(status);
  st.append(g, w);
  st.title = statusText;
  if (ri >= 0 && isUnderpowered(results, ri)) {
    row.dataset.underpowered = "true";
    const mark = doc.createElement("span");
    mark.className = "sw-power";
    mark.textContent = POWER_GLYPH;
    const mde = results ? results.mde[ri] : NaN;
    const seeds = results ? results.seeds_needed[ri] : NaN;
    mark.title = st.title =
      `underpowered: not significant, but with these seeds only a difference in means of ${formatNum(mde)} or more ` +
      `would be detected with 80% power (observed ${formatNum(Math.abs(results ? results.diff_mean[ri] : NaN))})` +
      (Number.isFinite(seeds) ? `; about ${Math.ceil(seeds)} seeds per configuration would detect it` : "");
    mark.setAttribute("aria-label", "underpowered");
    st.append(mark);
  }
  if (ri >= 0 && results?.reachable && results.reachable[ri] === 0 && config !== results.target) {
    row.dataset.unreachable = "true";
    const mark = doc.createElement("span");
    mark.className = "sw-unreachable";
    mark.textContent = UNREACHABLE_GLYPH;
    mark.title = `cannot be significant: the smallest p-value this test can give with these seeds is ${formatP(at(results.min_pvalue))}`;
    mark.setAttribute("aria-label", "cannot be significant");
    st.title = `${st.title}; ${mark.title}`;
    st.append(mark);
  }
}
