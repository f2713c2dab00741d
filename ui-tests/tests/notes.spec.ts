/**
 * The notes a person should read above the grid, from the data: runs that diverged, an axis finer
 * than its seeds resolve (with the bins to use), seeds that pair up (with the paired test), the
 * default difference the power numbers answer (also next to "seeds needed" in the detail), and
 * what a binned cell's test compares. Screenshots: ui-tests/artifacts/notes-{grid,binned}.png.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test } from '@playwright/test';
import { ARTIFACTS_DIR } from '../helpers/servers';
import { labUrl, openNotebook, runAllCells, shutdownSessions } from '../helpers/jupyter';
import { ROOT } from '../helpers/widget';

test.use({ viewport: { width: 1280, height: 1000 } });
test.afterEach(async () => {
  await shutdownSessions(labUrl());
});

test('the notes from the data are shown above the grid, and the default difference in the detail', async ({ page }) => {
  await openNotebook(page, 'notes.ipynb');
  await runAllCells(page);
  const widgets = page.locator(ROOT);
  await expect(widgets).toHaveCount(2);
  const [dense, binned] = [widgets.nth(0), widgets.nth(1)];
  const notes = dense.locator('.sw-notes');
  await expect(notes).toContainText('3 runs without a finite score (diverged');
  await expect(notes).toContainText('along lr the trend over 60 levels is significant');
  await expect(notes).toContainText("bins={'lr': ");
  await expect(notes).toContainText('the seeds pair up');
  await expect(notes).toContainText("test='ttest_rel'");
  await expect(notes).toContainText('(default; pass effect_of_interest=)');
  const basis = dense.locator('.sw-detail [data-stat="power_basis"]');
  await expect(basis).toContainText('half the median seed sd (default; pass effect_of_interest=)');
  await expect(notes).toBeVisible();
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await dense.scrollIntoViewIfNeeded();
  await dense.screenshot({ path: path.join(ARTIFACTS_DIR, 'notes-grid.png') });

  const pooled = binned.locator('.sw-notes');
  await expect(pooled).toContainText('pool runs of several original configurations');
  await expect(pooled).toContainText("one score per original configuration");
  await binned.scrollIntoViewIfNeeded();
  await binned.screenshot({ path: path.join(ARTIFACTS_DIR, 'notes-binned.png') });
});
