/**
 * A permutation test at thousands of seeds in a real JupyterLab 4: a click on a row answers at
 * once with the new target and every row's estimate, the rows still being tested marked pending
 * ("…" in the status and p cells, no verdict anywhere), then their verdicts when the kernel's
 * test ends. What the grid showed while pending is recorded by a MutationObserver in the page,
 * so the check does not depend on how long the test runs.
 */
import * as path from 'node:path';
import { expect, Page, test } from '@playwright/test';
import { ARTIFACTS_DIR } from '../helpers/servers';
import { kernelJson, labUrl, openNotebook, runAllCells, shutdownSessions } from '../helpers/jupyter';
import { clickRow, COMPARED, ROOT, ROWS, row } from '../helpers/widget';

// a 5 x 10 grid with 6,000 seeds per configuration: the permutation test of a click (2-4
// neighbours) is estimated over the widget's pending_seconds, its estimates are not
const SWEEP = `
import numpy as np
import pandas as pd
import sweepwalk

s = 6000
lr, width = (g.ravel() for g in np.meshgrid(np.arange(5), np.arange(10), indexing="ij"))
rng = np.random.default_rng(0)
runs = pd.DataFrame({"lr": np.repeat(lr, s), "width": np.repeat(width, s),
                     "seed": np.tile(np.arange(s), len(lr))})
runs["acc"] = 0.8 + 0.002 * runs["width"] + rng.normal(0, 0.02, len(runs))
w = sweepwalk.explore(runs, metric="acc", params=["lr", "width"], seed="seed", test="permutation")
w`;

const PENDING = `${ROOT} [role="row"][data-pending="true"]`;

/** Record, from now on, every state of the grid in which some row is pending. */
async function watchPending(page: Page): Promise<void> {
  await page.evaluate((rows) => {
    const w = window as any;
    w.__swPending = [] as Array<{ at: number; statuses: string[]; cells: string[] }>;
    w.__swClicked = performance.now();
    const seen = () => {
      const pending = Array.from(document.querySelectorAll<HTMLElement>(`${rows}[data-pending="true"]`));
      if (!pending.length) return;
      w.__swPending.push({
        at: performance.now() - w.__swClicked,
        statuses: Array.from(document.querySelectorAll<HTMLElement>(rows), (el) => el.dataset.status),
        cells: pending.map((el) => el.querySelector('.sw-status-word')?.textContent ?? ''),
      });
    };
    w.__swObserver?.disconnect();
    w.__swObserver = new MutationObserver(seen);
    w.__swObserver.observe(document.querySelector('.sweepwalk')!, { subtree: true, childList: true, attributes: true });
  }, ROWS);
}

test.afterEach(async () => {
  await shutdownSessions(labUrl());
});

test('a permutation click shows the estimates at once, the verdicts when the test ends', async ({ page }) => {
  test.setTimeout(600_000); // the first test of these sizes draws its permutations
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await openNotebook(page, 'bench.ipynb');
  await page.evaluate((code) => {
    const nb = (window as any).jupyterapp.shell.currentWidget;
    nb.content.widgets[0].model.sharedModel.setSource(code);
  }, SWEEP);
  await runAllCells(page);
  await expect(page.locator(`${ROWS}[data-status="target"]`)).toHaveCount(1, { timeout: 300_000 });
  await expect(page.locator(PENDING)).toHaveCount(0, { timeout: 300_000 }); // the first answer's test

  // a neighbour with at least 3 neighbours of its own: its test goes to a job
  const next = await kernelJson<number>(
    page,
    '[int(i) for i in w.results.index if i != w.target and len(w.sweep.neighbor_ids(int(i))) >= 3][0]',
  );
  await watchPending(page);
  await clickRow(page, next);
  await expect(row(page, next)).toHaveAttribute('data-status', 'target');
  await expect(page.locator(PENDING).first()).toBeAttached();
  await expect(page.locator(PENDING).first().locator('.sw-glyph')).toHaveText('…');
  await page.locator(`${ROOT} .sw-main`).screenshot({ path: path.join(ARTIFACTS_DIR, 'pending-estimates.png') });

  // then the verdicts: no row pending, every compared row with a status of compare()
  await expect(page.locator(PENDING)).toHaveCount(0, { timeout: 300_000 });
  const statuses = await page.locator(ROWS).evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.status));
  expect(statuses.filter((s) => s !== 'target').every((s) => COMPARED.includes(s as string))).toBe(true);
  const kernel = await kernelJson<{ target: number; pending: boolean }>(
    page, '{"target": int(w.target), "pending": bool(w._results.get("pending", False))}',
  );
  expect(kernel).toEqual({ target: next, pending: false });

  // while any row was pending, no row showed a verdict (only the target, pending, na)
  const seen = await page.evaluate(() => (window as any).__swPending as Array<{ at: number; statuses: string[]; cells: string[] }>);
  expect(seen.length).toBeGreaterThan(0);
  for (const s of seen) {
    expect(s.statuses.every((x) => ['target', 'pending', 'na'].includes(x))).toBe(true);
    expect(s.cells.every((c) => c === 'pending')).toBe(true);
  }
  console.log(`pending marker shown ${seen[0].at.toFixed(0)} ms after the click (not a timing test)`);
  expect(errors, 'uncaught errors in the page').toEqual([]);
});
