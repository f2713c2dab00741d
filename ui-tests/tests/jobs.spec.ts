/**
 * A long request in a real JupyterLab 4: the whole-sweep importance of a 20k-configuration sweep
 * (permutation tests, several seconds) runs in a kernel worker thread. While it runs the job bar
 * shows its progress with Cancel, a click on a row makes that row the target at once (the
 * kernel's message loop is free), and Cancel ends the job in the "cancelled" state.
 */
import * as path from 'node:path';
import { expect, Page, test } from '@playwright/test';
import { ARTIFACTS_DIR } from '../helpers/servers';
import { kernelJson, labUrl, openNotebook, runAllCells, shutdownSessions } from '../helpers/jupyter';
import { clickRow, COMPARED, ROOT, ROWS, row, rowsWithStatus } from '../helpers/widget';

// 10 x 10 x 10 x 20 configurations x `seeds` seeds; permutation importance (10 seeds) and a
// permutation comparison against all (60 seeds) take seconds here
const bigSweep = (seeds: number) => `
import numpy as np
import pandas as pd
import sweepwalk

grids = np.meshgrid(*[np.arange(k, dtype=float) for k in (10, 10, 10, 20)], indexing="ij")
params = {f"p{j}": g.ravel() for j, g in enumerate(grids)}
n, s = grids[0].size, ${seeds}
rng = np.random.default_rng(0)
scores = rng.normal(sum(0.03 * v for v in params.values())[:, None], 0.5, size=(n, s))
runs = pd.DataFrame({k: np.repeat(v, s) for k, v in params.items()})
runs["seed"] = np.tile(np.arange(s), n)
runs["score"] = scores.ravel()
w = sweepwalk.explore(runs, metric="score", params=list(params), seed="seed", test="permutation")
w`;

const hook = (page: Page, id: string) => page.locator(`${ROOT} [data-testid="${id}"]`);
/** A hook inside the bar of one job kind (importance, compare, walk each have a bar). */
const jobHook = (page: Page, job: string, id = '') =>
  page.locator(`${ROOT} [data-testid="sw-job"][data-job="${job}"]${id ? ` [data-testid="${id}"]` : ''}`);

async function openBigSweep(page: Page, seeds = 10): Promise<void> {
  await openNotebook(page, 'bench.ipynb');
  await page.evaluate((code) => {
    const nb = (window as any).jupyterapp.shell.currentWidget;
    nb.content.widgets[0].model.sharedModel.setSource(code);
  }, bigSweep(seeds));
  await runAllCells(page);
  await expect(page.locator(`${ROWS}[data-status="target"]`)).toHaveCount(1, { timeout: 120_000 });
  expect(await kernelJson<number>(page, 'len(w.sweep)')).toBe(20_000);
}

test.afterEach(async () => {
  await shutdownSessions(labUrl());
});

test('importance runs in the background: progress, a click answered at once, Cancel', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await openBigSweep(page);

  // opening the panel starts the whole-sweep table; the job bar appears after a second
  await hook(page, 'sw-importance-panel').locator('> summary').click();
  const job = jobHook(page, 'importance');
  await expect(job).toBeVisible();
  await expect(job).toHaveAttribute('data-state', 'running');
  await expect(jobHook(page, 'importance', 'sw-job-progress')).toBeVisible();
  await expect(jobHook(page, 'importance', 'sw-job-cancel')).toBeEnabled();
  // progress streams in: the status shows a percentage
  await expect(jobHook(page, 'importance', 'sw-job-status')).toContainText('%', { timeout: 30_000 });
  await job.screenshot({ path: path.join(ARTIFACTS_DIR, 'job-running.png') });

  // a click while the job runs: the row becomes the target, and the kernel has it, meanwhile
  const next = (await rowsWithStatus(page, COMPARED))[0];
  await clickRow(page, next);
  await expect(row(page, next)).toHaveAttribute('data-status', 'target');
  await expect(job).toHaveAttribute('data-state', 'running');
  const during = await kernelJson<{ target: number; running: boolean }>(
    page, '{"target": int(w.target), "running": w._jobs.running("importance")}',
  );
  expect(during).toEqual({ target: next, running: true });

  // Cancel: the kernel stops between two batches and says so
  await jobHook(page, 'importance', 'sw-job-cancel').click();
  await expect(job).toHaveAttribute('data-state', 'cancelled', { timeout: 30_000 });
  await expect(jobHook(page, 'importance', 'sw-job-status')).toContainText('cancelled');
  await expect(jobHook(page, 'importance', 'sw-job-progress')).toBeHidden();
  await expect(page.locator(`${ROOT} .sw-importance-note`).first()).toContainText('cancelled');
  expect(await kernelJson<boolean>(page, 'w._jobs.running("importance")')).toBe(false);
  await hook(page, 'sw-importance-panel').screenshot({ path: path.join(ARTIFACTS_DIR, 'job-cancelled.png') });
  expect(errors, 'uncaught errors in the page').toEqual([]);
});

test('a slow comparison runs as a kernel job: a job bar with Cancel, its estimates meanwhile', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await openBigSweep(page, 60);
  const before = await kernelJson<number>(page, 'int(w.target)');
  const bar = jobHook(page, 'compare');
  await expect(bar).toHaveAttribute('data-state', 'idle');

  // a permutation test against all 20k configurations: seconds of work, off the message loop;
  // its estimates are shown at once, every tested row pending until its p-value comes
  await hook(page, 'sw-against').selectOption('all');
  await expect(bar).toHaveAttribute('data-state', 'running');
  await expect(bar).toBeVisible();
  await expect(page.locator(`${ROWS}[data-pending="true"]`).first()).toBeAttached();
  await expect(jobHook(page, 'compare', 'sw-job-status')).toContainText('%', { timeout: 30_000 });
  const during = await kernelJson<{ against: string; running: boolean }>(
    page, '{"against": w.against, "running": w._jobs.running("compare")}',
  );
  expect(during).toEqual({ against: 'all', running: true }); // the kernel answers meanwhile
  await bar.screenshot({ path: path.join(ARTIFACTS_DIR, 'compare-job-running.png') });

  await jobHook(page, 'compare', 'sw-job-cancel').click();
  await expect(bar).toHaveAttribute('data-state', 'cancelled', { timeout: 30_000 });
  await expect(page.locator(`${ROOT} .sweepwalk-error`)).toContainText('were cancelled');
  await expect(page.locator(ROOT)).toHaveAttribute('aria-busy', 'false');
  await expect(page.locator(`${ROWS}[data-pending="true"]`).first()).toBeAttached(); // no verdict
  // the grid shows the estimates against all for the same target (20k rows: it may be off screen)
  const shown = await kernelJson<{ target: number; against: string; pending: boolean }>(
    page, '{k: w._results["state"][k] for k in ("target", "against")} | {"pending": w._results["pending"]}',
  );
  expect(shown).toEqual({ target: before, against: 'all', pending: true });
  expect(await kernelJson<boolean>(page, 'w._jobs.running("compare")')).toBe(false);

  // back to the neighbours: a quick comparison, computed in the handler as before
  await hook(page, 'sw-against').selectOption('neighbors');
  await expect(page.locator(`${ROOT} .sweepwalk-error`)).toBeHidden();
  await expect(page.locator(ROOT)).toHaveAttribute('aria-busy', 'false');
  expect(await kernelJson<boolean>(page, 'w._jobs.running("compare")')).toBe(false);
  expect(errors, 'uncaught errors in the page').toEqual([]);
});

test("a kernel job's results reach the grid through the kernel's own loop", async ({ page }) => {
  // every comparison counts as slow here, so each click's results come from a worker thread
  await openNotebook(page, 'bench.ipynb');
  await page.evaluate((code) => {
    const nb = (window as any).jupyterapp.shell.currentWidget;
    nb.content.widgets[0].model.sharedModel.setSource(code);
  }, [
    'import sweepwalk',
    'from sweepwalk.datasets import DEMO, load_demo',
    'w = sweepwalk.explore(load_demo(), **DEMO, background_seconds=-1.0)',
    'w',
  ].join('\n'));
  await runAllCells(page);
  await expect(page.locator(`${ROWS}[data-status="target"]`)).toHaveCount(1, { timeout: 60_000 });
  for (let step = 0; step < 3; step++) {
    const next = (await rowsWithStatus(page, COMPARED))[0];
    await clickRow(page, next);
    await expect(row(page, next)).toHaveAttribute('data-status', 'target');
    await expect(page.locator(ROOT)).toHaveAttribute('aria-busy', 'false');
    const kernel = await kernelJson<{ target: number; shown: number; running: boolean; ids: number[] }>(
      page,
      '{"target": int(w.target), "shown": int(w._results["state"]["target"]), ' +
        '"running": w._jobs.running("compare"), "ids": [int(i) for i in w.results.index]}',
    );
    expect(kernel).toMatchObject({ target: next, shown: next, running: false });
    // the grid lists exactly the kernel's compared rows
    const listed = await page.locator(ROWS).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-config'))));
    expect([...listed].sort((a, b) => a - b)).toEqual([...kernel.ids].sort((a, b) => a - b));
  }
  await expect(jobHook(page, 'compare')).toBeHidden();
});
