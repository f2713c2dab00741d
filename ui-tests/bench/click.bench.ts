/**
 * Click -> repaint time of the sweepwalk grid for synthetic sweeps of 1k, 10k and 100k
 * configurations x 20 seeds, in a real JupyterLab in headless Chromium.
 *
 * One measurement: a real mouse click on a neighbour row, until that row has
 * `data-status="target"` AND every rendered row shows the status the kernel computes for the new
 * target (i.e. the new results are painted), plus the next animation frame. The expected
 * statuses are computed in the kernel before the click (outside the timing). Median of CLICKS
 * clicks after one warm-up click.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test } from '@playwright/test';
import { ARTIFACTS_DIR } from '../helpers/servers';
import {
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

/** median_ms: click -> new results painted; target_median_ms: click -> row marked target. */
const results: {
  configs: number;
  seeds: number;
  clicks: number;
  median_ms: number;
  min_ms: number;
  max_ms: number;
  target_median_ms: number;
}[] = [];

test.afterEach(async () => {
  await shutdownSessions(labUrl());
});

test.afterAll(() => {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS_DIR, 'bench-click.json'), JSON.stringify(results, null, 2));
  console.log('\nclick -> repaint (median of %d clicks, ms)', CLICKS);
  console.log('configs  seeds  median     min     max  (row marked target: median)');
  for (const r of results) {
    console.log(
      `${String(r.configs).padStart(7)}  ${String(r.seeds).padStart(5)}  ${r.median_ms.toFixed(1).padStart(6)}  ${r.min_ms.toFixed(1).padStart(6)}  ${r.max_ms.toFixed(1).padStart(6)}  (${r.target_median_ms.toFixed(1)})`,
    );
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

    const times: number[] = [];
    const targetTimes: number[] = [];
    for (let i = 0; i <= CLICKS; i++) {
      // Wait for the previous repaint to settle, pick a neighbour, compute what it should show.
      const candidates = await rowsWithStatus(page, COMPARED);
      const next = candidates[i % candidates.length];
      const expected = await kernelJson<Record<string, string>>(page, EXPECTED(next));
      await page.evaluate(
        ({ sel, config, want }) => {
          const w = window as any;
          w.__swBench = new Promise<[number, number]>((resolve) => {
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
            const observer = new MutationObserver(() => {
              if (t0 === 0 || !done()) return;
              observer.disconnect();
              requestAnimationFrame(() =>
                setTimeout(() => resolve([performance.now() - t0, tTarget]), 0),
              );
            });
            root.addEventListener('click', () => (t0 = performance.now()), { capture: true, once: true });
            observer.observe(root, { subtree: true, childList: true, attributes: true });
          });
        },
        { sel: ROWS, config: next, want: expected },
      );
      const r = row(page, next);
      const box = await r.boundingBox();
      await r.click({ position: { x: Math.min((box?.width ?? 600) / 3, 260), y: 8 } });
      const [ms, msTarget] = await page.evaluate(
        () => (window as any).__swBench as Promise<[number, number]>,
      );
      if (i > 0) {
        // the first click is a warm-up
        times.push(ms);
        targetTimes.push(msTarget);
      }
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    targetTimes.sort((a, b) => a - b);
    results.push({
      configs: n,
      seeds: SEEDS,
      clicks: times.length,
      median_ms: median,
      min_ms: times[0],
      max_ms: times[times.length - 1],
      target_median_ms: targetTimes[Math.floor(targetTimes.length / 2)],
    });
    console.log(`${n} configs: median ${median.toFixed(1)} ms over ${times.length} clicks: ${times.map((t) => t.toFixed(0)).join(' ')}`);
  });
}
