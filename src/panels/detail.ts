// The detail panel for the focused row: its statistics against the target and the two
// ECDFs with the KS distance D drawn where it occurs. Exact scores come from the kernel
// through the `detail` request; only the answer for the newest request is painted.

import { Memo } from "../util/memo";
import type { View } from "../model/view";
import { formatEffect, formatEstimate, formatInt, formatLevelTest, formatNum, formatP } from "../util/format";
import { PENDING, configLabel, labels, statusOf, statusWord, toTyped, walkWide, type Results, type Sweep } from "../model/model";
import { LatestOnly, type Requester } from "../model/requests";
import { renderEcdf } from "../plots/ecdf";
import { isUnderpowered } from "../model/insights";

/** "0.62 [0.55, 0.70]": a value with its interval (the test's own, 95% by default) when known. */
export function withInterval(value: string, lo: number, hi: number, fmt: (x: number) => string): string {
  return Number.isFinite(lo) && Number.isFinite(hi) ? `${value} [${fmt(lo)}, ${fmt(hi)}]` : value;
}

/** Seeds per configuration for 80% power: an integer, "∞" when no finite number suffices. */
export function formatSeeds(x: number): string {
  if (Number.isNaN(x)) return "—";
  return Number.isFinite(x) ? String(Math.ceil(x)) : "∞";
}

/** The smallest attainable p-value, and in words when it cannot reach the level. */
export function minPText(minP: number, reachable: boolean): string {
  const text = formatP(minP);
  return reachable ? text : `${text}: cannot be significant at its level with these seeds`;
}

/**
 * Walk-wide: the p-value of the pair's first test against the level the online procedure held
 * it to, and what that means.
 */
export function levelText(p: number, level: number): string {
  const test = formatLevelTest(p, level);
  if (!Number.isFinite(p) || !Number.isFinite(level)) return test;
  return `${test} (walk-wide online FDR level: ${p <= level ? "significant" : "not significant"})`;
}

export interface DetailInput {
  sweep: Sweep;
  results: Results | null;
  config: number;
  target: number;
  test: string;
}

const CACHE_SIZE = 64;

export class DetailPanel {
  readonly el: HTMLElement;
  private readonly title: HTMLElement;
  private readonly stats: HTMLElement;
  private readonly plot: HTMLElement;
  private readonly latest = new LatestOnly();
  private readonly cache = new Map<string, [Float64Array, Float64Array]>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last: DetailInput | null = null;

  constructor(private readonly doc: Document, private readonly requester: Requester, private readonly delayMs = 60) {
    this.el = doc.createElement("aside");
    this.el.className = "sw-detail";
    this.el.dataset.testid = "sw-detail";
    this.el.setAttribute("aria-live", "polite");
    this.title = doc.createElement("div");
    this.title.className = "sw-detail-title";
    // Plain divs, not dl/dt/dd: JupyterLab's rendered-HTML styles reach dt/dd in outputs.
    this.stats = doc.createElement("div");
    this.stats.className = "sw-detail-stats";
    this.plot = doc.createElement("div");
    this.plot.className = "sw-detail-plot";
    this.el.append(this.title, this.stats, this.plot);
    this.title.textContent = "Focus a row (click or arrow keys) to see its distribution against the target.";
  }

  private readonly memo = new Memo();

  /** Describe the view's inspected row (nothing to do while it and the results are the same). */
  update(view: View): void {
    const { sweep, results, inspected, target, test } = view;
    if (!this.memo.changed([sweep, results, inspected, target, test])) return;
    const ok = sweep !== null && inspected >= 0 && inspected < sweep.n_configs;
    this.show(ok ? { sweep, results, config: inspected, target, test } : null);
  }

  show(input: DetailInput | null): void {
    this.last = input;
    if (!input || input.config < 0) {
      this.latest.cancel();
      return;
    }
    const { sweep, results, config, target } = input;
    this.el.dataset.detailConfig = String(config); // not data-config: that marks grid rows only
    this.title.replaceChildren();
    const head = this.doc.createElement("strong");
    head.textContent = config === target ? `#${config} (target)` : `#${config} vs target #${target}`;
    const sub = this.doc.createElement("div");
    sub.className = "sw-detail-sub";
    sub.textContent = configLabel(sweep, config);
    this.title.append(head, sub);

    const ri = results ? results.index[config] : -1;
    const at = (arr: Float64Array | undefined) => (ri >= 0 && arr ? arr[ri] : NaN);
    const status = statusOf(results, config);
    // a row still being tested: its p-values are to come (no verdict yet)
    const p = (x: number): string => (status === PENDING ? "… (being computed)" : formatP(x));
    // [label, value, data-stat (default: the label's first word)]
    const rows: Array<[string, string, string?]> = [
      ["status", statusWord(status)],
      ["n", `${formatInt(sweep.n[config])} (target ${formatInt(sweep.n[target])})`],
      ["mean", `${formatNum(sweep.mean[config])} (target ${formatNum(sweep.mean[target])})`],
      ["std", formatNum(sweep.std[config])],
      // signed, as the estimate is: with estimand "mean difference" they are the same number
      ["Δ mean", formatEstimate(at(results?.diff_mean), at(results?.diff_mean_low), at(results?.diff_mean_high))],
      [`statistic (${labels(sweep, "test")[input.test] ?? input.test})`, formatNum(at(results?.statistic))],
      [`estimate${results?.estimand ? ` (${results.estimand})` : ""}`, formatEstimate(at(results?.estimate), at(results?.estimate_low), at(results?.estimate_high))],
      ["p", p(at(results?.pvalue))],
      walkWide(results)
        ? ["p vs level", levelText(at(results?.level_pvalue ?? undefined), at(results?.level)), "level"]
        : ["p adjusted", p(at(results?.pvalue_adj))],
      ["effect (A12)", withInterval(formatEffect(at(results?.effect)), at(results?.effect_low), at(results?.effect_high), formatEffect)],
      ["min p", minPText(at(results?.min_pvalue), ri >= 0 && results?.reachable ? results.reachable[ri] !== 0 : true)],
      ["mde", formatNum(at(results?.mde))],
      ["seeds needed", formatSeeds(at(results?.seeds_needed))],
    ];
    if (results?.power_basis) rows.push(["power for", results.power_basis, "power_basis"]);
    if (ri >= 0 && isUnderpowered(results, ri)) {
      rows.push(["power", `underpowered: not significant, but the smallest difference detectable with 80% power (${formatNum(at(results?.mde))}) exceeds the observed |Δ mean|`]);
    }
    this.stats.replaceChildren(
      ...rows.flatMap(([k, v, stat]) => {
        const dt = this.doc.createElement("div");
        dt.className = "sw-stat-key";
        dt.textContent = k;
        const dd = this.doc.createElement("div");
        dd.className = "sw-stat-value";
        dd.textContent = v;
        dd.dataset.stat = stat ?? k.split(" ")[0];
        return [dt, dd];
      }),
    );

    const key = `${config}:${target}`;
    const cached = this.cache.get(key);
    if (cached) {
      this.latest.cancel();
      this.drawPlot(input, cached[0], cached[1]);
      return;
    }
    this.plot.classList.add("sw-loading");
    const token = this.latest.begin();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fetch(input, key, token), this.delayMs);
  }

  private async fetch(input: DetailInput, key: string, token: number): Promise<void> {
    if (!this.latest.isCurrent(token)) return;
    try {
      const reply = await this.requester.request("detail", { config: input.config });
      const [tb, rb] = reply.buffers;
      const pair: [Float64Array, Float64Array] = [toTyped(tb, Float64Array), toTyped(rb, Float64Array)];
      if (Number(reply.msg.target) === input.target) {
        this.cache.set(key, pair);
        if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
      }
      if (!this.latest.isCurrent(token)) return;
      // the kernel answers against its target at the time; label the curves by that one
      const replyTarget = Number(reply.msg.target);
      this.drawPlot(Number.isInteger(replyTarget) ? { ...input, target: replyTarget } : input, pair[0], pair[1]);
    } catch (err) {
      if (!this.latest.isCurrent(token)) return;
      this.plot.classList.remove("sw-loading");
      const msg = this.doc.createElement("div");
      msg.className = "sw-detail-error";
      msg.textContent = `could not load scores: ${(err as Error).message}`;
      this.plot.replaceChildren(msg);
    }
  }

  private drawPlot(input: DetailInput, target: Float64Array, row: Float64Array): void {
    this.plot.classList.remove("sw-loading");
    const status = statusOf(input.results, input.config);
    const svg = renderEcdf(this.doc, target, input.config === input.target ? [] : row, {
      targetLabel: `target #${input.target}`,
      rowLabel: `#${input.config}`,
      rowStatus: status,
    });
    const legend = this.doc.createElement("div");
    legend.className = "sw-ecdf-legend";
    const t = this.doc.createElement("span");
    t.className = "sw-ecdf-key sw-ecdf-key-target";
    t.textContent = `target #${input.target}`;
    legend.append(t);
    if (input.config !== input.target) {
      const r = this.doc.createElement("span");
      r.className = `sw-ecdf-key sw-ecdf-key-row sw-status-${status}`;
      r.textContent = `#${input.config}`;
      legend.append(r);
    }
    this.plot.replaceChildren(svg, legend);
  }

  /** Scores of the target changed meaning (new sweep): forget the cache. */
  clear(): void {
    this.memo.reset();
    this.cache.clear();
    this.latest.cancel();
  }

  get current(): DetailInput | null {
    return this.last;
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.latest.cancel();
  }
}
