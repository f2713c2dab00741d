// Toolbar selectors (test, correction, alpha, comparison family, neighbour rule, view scope)
// and the status legend. Controls write user-visible traits; the app decides what to do.

import { ALL_STATUSES, type Status } from "./model";

export type Scope = "compared" | "all";

export const TEST_LABELS: Record<string, string> = {
  ks: "Kolmogorov-Smirnov",
  mannwhitney: "Mann-Whitney U",
  welch: "Welch t",
  permutation: "permutation (means)",
  wilcoxon: "Wilcoxon (paired)",
  ttest_rel: "paired t",
};

export const CORRECTION_LABELS: Record<string, string> = {
  none: "none",
  bonferroni: "Bonferroni",
  sidak: "Šidák",
  holm: "Holm",
  "holm-sidak": "Holm-Šidák",
  hommel: "Hommel",
  simes_hochberg: "Simes-Hochberg",
  fdr_bh: "Benjamini-Hochberg (FDR)",
  fdr_by: "Benjamini-Yekutieli (FDR)",
  fdr_tsbh: "two-stage BH (FDR)",
  fdr_tsbky: "two-stage BKY (FDR)",
};

export const ERROR_CONTROL_LABELS: Record<string, string> = {
  "per-target": "per target",
  walk: "walk-wide FDR (LOND)",
};

export const STATUS_INFO: Record<Status, { glyph: string; text: string }> = {
  target: { glyph: "◎", text: "the target every row is compared with" },
  better: { glyph: "▲", text: "significantly different and better than the target" },
  worse: { glyph: "▼", text: "significantly different and worse than the target" },
  differs: { glyph: "≠", text: "significantly different, but not clearly better or worse" },
  ns: { glyph: "·", text: "not significant (not evidence of no difference)" },
  na: { glyph: "∅", text: "not testable (too few runs)" },
  out: { glyph: "", text: "not part of this comparison" },
};

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
  update(values: ControlValues, tests: string[], corrections: string[]): void;
  updateLegend(counts: Partial<Record<Status, number>>): void;
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

export function buildControls(doc: Document, onChange: (name: ControlName, value: string | number) => void): Controls {
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
  legend.setAttribute("aria-label", "status legend");
  const counts = new Map<Status, HTMLElement>();
  for (const s of ALL_STATUSES) {
    const item = doc.createElement("span");
    item.className = `sw-legend-item sw-status-${s}`;
    item.dataset.legendStatus = s;
    item.title = STATUS_INFO[s].text;
    const sw = doc.createElement("span");
    sw.className = "sw-swatch";
    sw.textContent = STATUS_INFO[s].glyph;
    sw.setAttribute("aria-hidden", "true");
    const name = doc.createElement("span");
    name.className = "sw-legend-name";
    name.textContent = s;
    const count = doc.createElement("span");
    count.className = "sw-legend-count";
    counts.set(s, count);
    item.append(sw, name, count);
    legend.append(item);
  }

  return {
    el,
    legend,
    update(v, tests, corrections) {
      setOptions(test, tests.length ? tests : Object.keys(TEST_LABELS), TEST_LABELS, v.test);
      setOptions(correction, corrections.length ? corrections : ["none"], CORRECTION_LABELS, v.correction);
      setOptions(against, ["neighbors", "all"], { neighbors: "neighbours", all: "all configurations" }, v.against);
      setOptions(neighbors, ["adjacent", "axis"], { adjacent: "adjacent values", axis: "whole axis" }, v.neighbors);
      setOptions(scope, ["compared", "all"], { compared: "neighbours + target", all: "all rows" }, v.scope);
      setOptions(errorControl, ["per-target", "walk"], ERROR_CONTROL_LABELS, v.error_control);
      // under walk-wide control the online procedure decides: the correction is not used
      correction.disabled = v.error_control === "walk";
      correction.title = correction.disabled ? "not used under walk-wide error control" : "";
      lastAlpha = v.alpha;
      if (doc.activeElement !== alpha) alpha.value = String(v.alpha);
    },
    updateLegend(c) {
      for (const [s, el2] of counts) {
        const n = c[s] ?? 0;
        el2.textContent = String(n);
        el2.parentElement!.classList.toggle("sw-legend-empty", n === 0);
      }
    },
  };
}
