/**
 * Click -> repaint time of the sweepwalk grid for synthetic sweeps of 1k, 10k and 100k
 * configurations x 20 seeds, in a real JupyterLab in headless Chromium.
 *
 * One measurement: a real mouse click on a neighbour row, until that row has
 * `data-status="target"` AND every rendered row shows the status the kernel computes for the new
 * target (i.e. the new results are painted), plus the next animation frame. The expected
 * statuses are computed in the kernel before the click (outside the timing). Median of CLICKS
 * clicks after one warm-up click.
 *
 * The breakdown (medians): the frontend's performance marks (src/app.ts `mark`) split a click
 * into click -> message sent, sent -> `_results` received (kernel + transport), received ->
 * painted (the frontend's work), painted -> next frame (style, layout, paint). A click on a
 * neighbour the kernel computed ahead (src/model/ahead.ts) is painted from those results at once:
 * it has no sent -> received part (counted as "served ahead"), and its frontend part starts
 * at `results-ahead`. The kernel's
 * share is timed in the kernel itself on the same sweep and targets (a separate Session, so
 * the widget is untouched): compute (`compare` + ledger) and serialisation (payload, buffers,
 * JSON); transport is what remains of sent -> received.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test } from '@playwright/test';
import { ARTIFACTS_DIR } from '../helpers/servers';
import {
  kernelExec,
  kernelJson,
  labUrl,
  openNotebook,
  runAllCells,
  shutdownSessions,
} from '../helpers/jupyter';
import { COMPARED, ROWS, row, rowsWithStatus } from '../helpers/widget';

const SIZES = (process.env.SWEEPWALK_BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const CLICKS = Number(process.env.SWEEPWALK_BENCH_CLICKS ?? 9);
const SEEDS = 20;
/** Think time before each click (ms): the kernel may use it (it computes neighbours ahead). */
const PAUSE_MS = Number(process.env.SWEEPWALK_BENCH_PAUSE_MS ?? 0);
/** "0" turns the kernel's neighbour prefetch off (w.session.prefetch). */
const PREFETCH = process.env.SWEEPWALK_BENCH_PREFETCH !== '0';

function sweepCode(n: number): string {
  const levels = Math.round(Math.log10(n)); // 10 levels per parameter, log10(n) parameters
  return `
import numpy as np
import pandas as pd
import sweepwalk

shape = (10,) * ${levels}
grids = np.meshgrid(*[np.arange(k, dtype=float) for k in shape], indexing="ij")
params = {f"p{j}": g.ravel() for j, g in enumerate(grids)}
n, s = grids[0].size, ${SEEDS}
rng = np.random.default_rng(0)
drift = sum(0.03 * v for v in params.values())
scores = rng.normal(drift[:, None], 0.5, size=(n, s))
runs = pd.DataFrame({k: np.repeat(v, s) for k, v in params.items()})
runs["seed"] = np.tile(np.arange(s), n)
runs["score"] = scores.ravel()
w = sweepwalk.explore(runs, metric="score", params=list(params), seed="seed")
w`;
}

const EXPECTED = (c: number) => `{str(int(i)): str(s) for i, s in w.sweep.compare(
  ${c}, test=w.test, correction=w.correction, alpha=w.alpha, against=w.against,
  neighbors=w.neighbors).to_frame()["status"].items()}`;

/** Python: compute and serialisation times (ms) of target changes to `targets`. */
const KERNEL_TIMING = (targets: number[]) => `import json as _json, time as _time
from ipywidgets.widgets.widget import _remove_buffers as _rb
from sweepwalk import Session as _S
from sweepwalk.widget.serialization import ledger_payload as _lp, results_payload as _pp
_s = _S(w.sweep, target=w.target, **{k: getattr(w, k) for k in ("test", "correction", "alpha", "against", "neighbors", "error_control")})
_comp, _ser = [], []
for _c in ${JSON.stringify(targets)} * 2:
    _t0 = _time.perf_counter()
    _s.target = _c
    _cmp = _s.comparison
    _t1 = _time.perf_counter()
    _p = _pp(_cmp, _s.sweep.params, state={**_s.settings, "history": _s.history, "cursor": _s.cursor})
    _state, _paths, _bufs = _rb({"_results": _p, "_ledger": _lp(_s.ledger, _s.ledger_test, _s.ledger_generation, _s.ledger_reason), "_history_index": _s.cursor})
    _json.dumps({"method": "update", "state": _state, "buffer_paths": _paths})
    _t2 = _time.perf_counter()
    _comp.append((_t1 - _t0) * 1e3); _ser.append((_t2 - _t1) * 1e3)
print(_json.dumps({"compute": sorted(_comp)[len(_comp) // 2], "serialise": sorted(_ser)[len(_ser) // 2]}))`;

const med = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/** median_ms: click -> new results painted; target_median_ms: click -> row marked target. */
const results: {
  configs: number;
  seeds: number;
  clicks: number;
  median_ms: number;
  min_ms: number;
  max_ms: number;
  target_median_ms: number;
  /** Clicks painted from the results the kernel sent ahead (no round trip). */
  ahead_clicks: number;
  breakdown_ms: Record<string, number>;
}[] = [];

test.afterEach(async () => {
  await shutdownSessions(labUrl());
});

test.afterAll(() => {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS_DIR, 'bench-click.json'), JSON.stringify(results, null, 2));
  console.log('\nclick -> repaint (median of %d clicks, ms; think time %d ms, prefetch %s)', CLICKS, PAUSE_MS, PREFETCH ? 'on' : 'off');
  console.log('configs  seeds  median     min     max  (row marked target: median; clicks served ahead)');
  for (const r of results) {
    console.log(
      `${String(r.configs).padStart(7)}  ${String(r.seeds).padStart(5)}  ${r.median_ms.toFixed(1).padStart(6)}  ${r.min_ms.toFixed(1).padStart(6)}  ${r.max_ms.toFixed(1).padStart(6)}  (${r.target_median_ms.toFixed(1)}; ${r.ahead_clicks}/${r.clicks})`,
    );
  }
  console.log('\nbreakdown (medians, ms): click->sent | kernel compute | serialise | transport | frontend | frame');
  for (const r of results) {
    const b = r.breakdown_ms;
    const cells = ['click_to_sent', 'kernel_compute', 'kernel_serialise', 'transport', 'frontend', 'frame'].map((k) => (b[k] ?? NaN).toFixed(1).padStart(6));
    console.log(`${String(r.configs).padStart(7)}  ${cells.join('  ')}`);
  }
});

for (const n of SIZES) {
  test(`click -> repaint, ${n} configurations x ${SEEDS} seeds`, async ({ page }) => {
    await openNotebook(page, 'bench.ipynb');
    await page.evaluate((code) => {
      const nb = (window as any).jupyterapp.shell.currentWidget;
      nb.content.widgets[0].model.sharedModel.setSource(code);
    }, sweepCode(n));
    await runAllCells(page);
    await expect(page.locator(`${ROWS}[data-status="target"]`)).toHaveCount(1, { timeout: 300_000 });
    expect(await kernelJson<number>(page, 'w.sweep.configs.shape[0]')).toBe(n);
    await kernelExec(page, `w.session.prefetch = ${PREFETCH ? 'True' : 'False'}`);

    const times: number[] = [];
    const targetTimes: number[] = [];
    const parts: Record<string, number[]> = { click_to_sent: [], sent_to_received: [], frontend: [], frame: [] };
    const clicked: number[] = [];
    let aheadClicks = 0;
    for (let i = 0; i <= CLICKS; i++) {
      // Wait for the previous repaint to settle, pick a neighbour, compute what it should show.
      const candidates = await rowsWithStatus(page, COMPARED);
      const next = candidates[i % candidates.length];
      const expected = await kernelJson<Record<string, string>>(page, EXPECTED(next));
      await page.evaluate(
        ({ sel, config, want }) => {
          const w = window as any;
          performance.clearMarks();
          w.__swBench = new Promise<[number, number, Record<string, number>]>((resolve) => {
            let t0 = 0;
            let tTarget = 0; // the clicked row first shows data-status="target"
            const root = document.querySelector('.sweepwalk') as HTMLElement;
            const done = () => {
              const rows = Array.from(document.querySelectorAll<HTMLElement>(sel));
              const mine = rows.find((r) => r.dataset.config === String(config));
              if (!mine || mine.dataset.status !== 'target') return false;
              if (tTarget === 0) tTarget = performance.now() - t0;
              return rows.every((r) => r.dataset.status === (want[r.dataset.config!] ?? 'out'));
            };
            const at = (name: string) => {
              const e = performance.getEntriesByName(`sweepwalk:${name}`);
              return e.length ? e[e.length - 1].startTime - t0 : NaN;
            };
            const observer = new MutationObserver(() => {
              if (t0 === 0 || !done()) return;
              observer.disconnect();
              const marks = { sent: at('target-sent'), received: at('results-received'), ahead: at('results-ahead'), painted: at('results-painted') };
              requestAnimationFrame(() =>
                setTimeout(() => resolve([performance.now() - t0, tTarget, marks]), 0),
              );
            });
            root.addEventListener('click', () => (t0 = performance.now()), { capture: true, once: true });
            observer.observe(root, { subtree: true, childList: true, attributes: true });
          });
        },
        { sel: ROWS, config: next, want: expected },
      );
      if (PAUSE_MS > 0) await page.waitForTimeout(PAUSE_MS);
      const r = row(page, next);
      const box = await r.boundingBox();
      await r.click({ position: { x: Math.min((box?.width ?? 600) / 3, 260), y: 8 } });
      const [ms, msTarget, marks] = await page.evaluate(
        () => (window as any).__swBench as Promise<[number, number, Record<string, number>]>,
      );
      if (i > 0) {
        // the first click is a warm-up
        times.push(ms);
        targetTimes.push(msTarget);
        parts.click_to_sent.push(marks.sent);
        if (Number.isNaN(marks.ahead)) {
          parts.sent_to_received.push(marks.received - marks.sent);
          parts.frontend.push(marks.painted - marks.received);
        } else {
          // shown from the results the kernel sent ahead (src/model/ahead.ts): no round trip
          aheadClicks += 1;
          parts.frontend.push(marks.painted - marks.ahead);
        }
        parts.frame.push(ms - marks.painted);
        clicked.push(next);
      }
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    targetTimes.sort((a, b) => a - b);
    const kernel = JSON.parse(await kernelExec(page, KERNEL_TIMING(clicked))) as { compute: number; serialise: number };
    const breakdown_ms: Record<string, number> = {
      click_to_sent: med(parts.click_to_sent),
      kernel_compute: kernel.compute,
      kernel_serialise: kernel.serialise,
      // NaN when every click was served ahead (no round trip to break down)
      transport: parts.sent_to_received.length ? med(parts.sent_to_received) - kernel.compute - kernel.serialise : NaN,
      frontend: med(parts.frontend),
      frame: med(parts.frame),
    };
    results.push({
      configs: n,
      seeds: SEEDS,
      clicks: times.length,
      median_ms: median,
      min_ms: times[0],
      max_ms: times[times.length - 1],
      target_median_ms: targetTimes[Math.floor(targetTimes.length / 2)],
      ahead_clicks: aheadClicks,
      breakdown_ms,
    });
    console.log(`${n} configs: median ${median.toFixed(1)} ms over ${times.length} clicks: ${times.map((t) => t.toFixed(0)).join(' ')}`);
  });
}
