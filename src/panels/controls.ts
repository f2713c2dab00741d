// Toolbar selectors (test, correction, alpha, comparison family, neighbour rule, view scope)
// and the status legend. Controls write user-visible traits; the app decides what to do.

import { OUT, PENDING, choices, labels, statusWord, type Status, type Sweep } from "../model/model";
import { statusCounts } from "../model/rows";
import type { Scope, View } from "../model/view";
import { Memo } from "../util/memo";

export type { Scope } from "../model/view";

/** Glyph per status word (the words and their meanings come from Python's vocabulary). */
export const STATUS_GLYPHS: Record<string, string> = {
  target: "◎",
  better: "▲",
  worse: "▼",
  differs: "≠",
  ns: "·",
  na: "∅",
  [OUT]: "",
  [PENDING]: "…",
};

const OUT_TEXT = "not part of this comparison";

/** The marks the grid puts beside a status or a value, explained in the legend. */
export const MARKS: Array<[string, string]> = [
  ["◔", "underpowered: not significant, and these seeds could not detect the observed difference"],
  ["⊘", "cannot be significant: the smallest p-value this test can give with these seeds is above its level"],
  ["*", "some runs of this configuration have no finite score (after n)"],
  ["↔", "the parameter in which the row differs from the target"],
];

/** The legend's statuses (the sweep's, then `out`) with their glyph and meaning. */
export function statusInfo(sweep: Sweep | null): Array<{ status: Status; glyph: string; text: string }> {
  const text = labels(sweep, "status");
  return [...(sweep?.statuses ?? []), OUT].map((status) => ({
    status,
    glyph: STATUS_GLYPHS[status] ?? "",
    text: status === OUT ? OUT_TEXT : (text[status] ?? status),
  }));
}

export interface ControlValues {
  test: string;
  correction: string;
  alpha: number;
  against: string;
  neighbors: string;
  scope: Scope;
  error_control: string;
}

export type ControlName = keyof ControlValues;

export interface Controls {
  el: HTMLElement;
  legend: HTMLElement;
  /** Show the view's settings and (when the results or the filter change) the legend's counts. */
  update(view: View): void;
}

/** Parse the alpha input; null unless 0 < alpha < 1. */
export function parseAlpha(text: string): number | null {
  const a = Number(text.trim());
  return Number.isFinite(a) && a > 0 && a < 1 ? a : null;
}

function labelled(doc: Document, text: string, control: HTMLElement): HTMLLabelElement {
  const label = doc.createElement("label");
  label.className = "sw-control";
  const span = doc.createElement("span");
  span.className = "sw-control-label";
  span.textContent = text;
  label.append(span, control);
  return label;
}

function select(doc: Document, testid: string): HTMLSelectElement {
  const s = doc.createElement("select");
  s.dataset.testid = testid;
  return s;
}

/** Replace a select's options only when the choices changed (keeps focus while open). */
function setOptions(s: HTMLSelectElement, values: string[], labels: Record<string, string>, current: string): void {
  const want = values.includes(current) || current === "" ? values : [...values, current];
  const have = Array.from(s.options, (o) => o.value);
  if (have.length !== want.length || have.some((v, i) => v !== want[i])) {
    s.replaceChildren(
      ...want.map((v) => {
        const o = s.ownerDocument.createElement("option");
        o.value = v;
        o.textContent = labels[v] ?? v;
        return o;
      }),
    );
  }
  s.value = current;
}

export function buildControls(
  doc: Document,
  onChange: (name: ControlName, value: string | number) => void,
  onFilter: (status: Status) => void = () => {},
): Controls {
  const el = doc.createElement("div");
  el.className = "sw-toolbar";
  el.setAttribute("role", "toolbar");
  el.setAttribute("aria-label", "comparison settings");

  const test = select(doc, "sw-test");
  const correction = select(doc, "sw-correction");
  const against = select(doc, "sw-against");
  const neighbors = select(doc, "sw-neighbors");
  const scope = select(doc, "sw-scope");
  const errorControl = select(doc, "sw-error-control");
  errorControl.title =
    "per target: each target's neighbours corrected as one family (the walk as a whole is not protected); " +
    "walk-wide: an online FDR procedure (LOND) decides every new test given the earlier ones, so the whole walk keeps its FDR at α. " +
    "Changing it starts a fresh ledger.";
  const alpha = doc.createElement("input");
  alpha.type = "number";
  alpha.min = "0.0001";
  alpha.max = "0.5";
  alpha.step = "0.01";
  alpha.className = "sw-alpha";
  alpha.dataset.testid = "sw-alpha";

  el.append(
    labelled(doc, "test", test),
    labelled(doc, "correction", correction),
    labelled(doc, "α", alpha),
    labelled(doc, "compare with", against),
    labelled(doc, "neighbours", neighbors),
    labelled(doc, "show", scope),
    labelled(doc, "error control", errorControl),
  );

  test.addEventListener("change", () => onChange("test", test.value));
  correction.addEventListener("change", () => onChange("correction", correction.value));
  against.addEventListener("change", () => onChange("against", against.value));
  neighbors.addEventListener("change", () => onChange("neighbors", neighbors.value));
  scope.addEventListener("change", () => onChange("scope", scope.value));
  errorControl.addEventListener("change", () => onChange("error_control", errorControl.value));
  let lastAlpha = 0.05;
  alpha.addEventListener("change", () => {
    const a = parseAlpha(alpha.value);
    alpha.classList.toggle("sw-invalid", a === null);
    alpha.setAttribute("aria-invalid", String(a === null));
    if (a === null) {
      alpha.title = "alpha must be a number with 0 < alpha < 1";
      return;
    }
    alpha.title = "";
    if (a !== lastAlpha) onChange("alpha", a);
  });

  const legend = doc.createElement("div");
  legend.className = "sw-legend";
  legend.dataset.testid = "sw-legend";
  legend.setAttribute("aria-label", "status legend: click a status to show only its rows, again to show all");
  legend.title = "click a status to show only its rows; click it again to show all";
  const counts = new Map<Status, HTMLElement>();
  const marks = doc.createElement("span");
  marks.className = "sw-legend-marks";
  for (const [glyph, text] of MARKS) {
    const m = doc.createElement("span");
    m.className = "sw-legend-mark";
    m.title = text;
    m.textContent = `${glyph} ${text.split(":")[0].split(" (")[0]}`;
    marks.append(m);
  }
  let legendOf: Sweep | null | undefined = undefined;

  /** (Re)build the legend's items for the statuses of `sweep`'s vocabulary. */
  function buildLegend(sweep: Sweep | null): void {
    counts.clear();
    legend.replaceChildren(
      ...statusInfo(sweep).map(({ status, glyph, text }) => {
        const item = doc.createElement("button");
        item.type = "button";
        item.className = `sw-legend-item sw-status-${status}`;
        item.dataset.legendStatus = status;
        item.dataset.testid = "sw-legend-filter";
        item.title = text;
        item.setAttribute("aria-pressed", "false");
        item.addEventListener("click", () => onFilter(status));
        const sw = doc.createElement("span");
        sw.className = "sw-swatch";
        sw.textContent = glyph;
        sw.setAttribute("aria-hidden", "true");
        const name = doc.createElement("span");
        name.className = "sw-legend-name";
        name.textContent = statusWord(status);
        const count = doc.createElement("span");
        count.className = "sw-legend-count";
        counts.set(status, count);
        item.append(sw, name, count);
        return item;
      }),
      marks,
    );
    legendOf = sweep;
  }

  const scopeLabels: Record<Scope, string> = { compared: "neighbours + target", all: "all rows" };
  const memo = new Memo();
  const legendMemo = new Memo();

  function updateControls(v: ControlValues, sweep: Sweep | null): void {
      // the choices and labels are Python's (`_sweep.vocabulary`); `tests`/`corrections` are
      // the subsets the kernel offers
      const offered = (name: string, subset: string[] | undefined) => (subset?.length ? subset : choices(sweep, name));
      setOptions(test, offered("test", sweep?.tests), labels(sweep, "test"), v.test);
      setOptions(correction, offered("correction", sweep?.corrections), labels(sweep, "correction"), v.correction);
      setOptions(against, choices(sweep, "against"), labels(sweep, "against"), v.against);
      setOptions(neighbors, choices(sweep, "neighbors"), labels(sweep, "neighbors"), v.neighbors);
      setOptions(scope, ["compared", "all"], scopeLabels, v.scope);
      setOptions(errorControl, choices(sweep, "error_control"), labels(sweep, "error_control"), v.error_control);
      // under walk-wide control the online procedure decides: the correction is not used
      correction.disabled = v.error_control === "walk";
      correction.title = correction.disabled ? "not used under walk-wide error control" : "";
      lastAlpha = v.alpha;
      if (doc.activeElement !== alpha) alpha.value = String(v.alpha);
  }

  function updateLegend(sweep: Sweep | null, c: Partial<Record<Status, number>>, filter: Status | null): void {
      if (sweep !== legendOf) buildLegend(sweep);
      for (const [s, el2] of counts) {
        const n = c[s] ?? 0;
        el2.textContent = String(n);
        el2.parentElement!.classList.toggle("sw-legend-empty", n === 0);
        el2.parentElement!.setAttribute("aria-pressed", String(s === filter));
      }
  }

  return {
    el,
    legend,
    update(view) {
      const { sweep, results, filter, test, correction, alpha, against, neighbors, scope, error_control } = view;
      if (memo.changed([sweep, test, correction, alpha, against, neighbors, scope, error_control])) {
        updateControls({ test, correction, alpha, against, neighbors, scope, error_control }, sweep);
      }
      // O(rows compared): only when the shown results change, not on every kernel message
      if (sweep && legendMemo.changed([sweep, results, filter])) updateLegend(sweep, statusCounts(sweep, results), filter);
    },
  };
}
