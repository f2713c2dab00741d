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

// 10 x 10 x 10 x 20 configurations x 10 seeds; permutation importance takes seconds here
const BIG_SWEEP = `
import numpy as np
import pandas as pd
import sweepwalk

grids = np.meshgrid(*[np.arange(k, dtype=float) for k in (10, 10, 10, 20)], indexing="ij")
params = {f"p{j}": g.ravel() for j, g in enumerate(grids)}
n, s = grids[0].size, 10
rng = np.random.default_rng(0)
scores = rng.normal(sum(0.03 * v for v in params.values())[:, None], 0.5, size=(n, s))
runs = pd.DataFrame({k: np.repeat(v, s) for k, v in params.items()})
runs["seed"] = np.tile(np.arange(s), n)
runs["score"] = scores.ravel()
w = sweepwalk.explore(runs, metric="score", params=list(params), seed="seed", test="permutation")
w`;

const hook = (page: Page, id: string) => page.locator(`${ROOT} [data-testid="${id}"]`);

test.afterEach(async () => {
  await shutdownSessions(labUrl());
});

test('importance runs in the background: progress, a click answered at once, Cancel', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await openNotebook(page, 'bench.ipynb');
  await page.evaluate((code) => {
    const nb = (window as any).jupyterapp.shell.currentWidget;
    nb.content.widgets[0].model.sharedModel.setSource(code);
  }, BIG_SWEEP);
  await runAllCells(page);
  await expect(page.locator(`${ROWS}[data-status="target"]`)).toHaveCount(1, { timeout: 120_000 });
  expect(await kernelJson<number>(page, 'len(w.sweep)')).toBe(20_000);

  // opening the panel starts the whole-sweep table; the job bar appears after a second
  await hook(page, 'sw-importance-panel').locator('> summary').click();
  const job = hook(page, 'sw-job');
  await expect(job).toBeVisible();
  await expect(job).toHaveAttribute('data-state', 'running');
  await expect(hook(page, 'sw-job-progress')).toBeVisible();
  await expect(hook(page, 'sw-job-cancel')).toBeEnabled();
  // progress streams in: the status shows a percentage
  await expect(hook(page, 'sw-job-status')).toContainText('%', { timeout: 30_000 });
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
  await hook(page, 'sw-job-cancel').click();
  await expect(job).toHaveAttribute('data-state', 'cancelled', { timeout: 30_000 });
  await expect(hook(page, 'sw-job-status')).toContainText('cancelled');
  await expect(hook(page, 'sw-job-progress')).toBeHidden();
  await expect(page.locator(`${ROOT} .sw-importance-note`).first()).toContainText('cancelled');
  expect(await kernelJson<boolean>(page, 'w._jobs.running("importance")')).toBe(false);
  await hook(page, 'sw-importance-panel').screenshot({ path: path.join(ARTIFACTS_DIR, 'job-cancelled.png') });
  expect(errors, 'uncaught errors in the page').toEqual([]);
});
