/**
 * Voilà renders the notebook as a page and builds every widget from the kernel (ipywidgets'
 * `request_states`, answered with `get_state()`): the grid must show a target and the statuses,
 * and a click must move the target; at the page's width the read-first cells of every visible row
 * are in view. Screenshot: ui-tests/artifacts/voila.png.
 */
import * as path from 'node:path';
import { expect, test } from '@playwright/test';
import { ARTIFACTS_DIR, Server, stopServer } from '../helpers/servers';
import { startVoila } from '../helpers/voila';
import { clickRow, COMPARED, domStatuses, readFirstAtThisWidth, ROOT, row, ROWS, rowsWithStatus } from '../helpers/widget';

let voila: Server;

test.beforeAll(async () => {
  voila = await startVoila('widget.ipynb');
});

test.afterAll(async () => {
  if (voila) await stopServer(voila);
});

test('Voilà renders the widget and a click moves the target', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(voila.url);
  await expect(page.locator(ROOT)).toHaveCount(1, { timeout: 90_000 });
  const target = page.locator(`${ROWS}[data-status="target"]`);
  await expect(target).toHaveCount(1);
  const start = Number(await target.getAttribute('data-config'));
  const compared = await rowsWithStatus(page, COMPARED);
  expect(compared.length).toBeGreaterThan(0);
  // the static copy displayed after the widget, for readers without a widget manager, is hidden
  await expect(page.locator('.sweepwalk-fallback')).toHaveCount(1);
  await expect(page.locator('.sweepwalk-fallback')).toBeHidden();
  // the page's width (1400 px): every visible row's status, p adj and estimate are in view
  const { problems } = await readFirstAtThisWidth(page);
  expect(problems).toEqual([]);
  const before = await domStatuses(page);
  await page.locator(ROOT).evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'voila.png'), fullPage: false });

  const next = compared[0];
  await clickRow(page, next);
  await expect(row(page, next)).toHaveAttribute('data-status', 'target');
  await expect(row(page, start)).not.toHaveAttribute('data-status', 'target');
  await expect(page.locator(`${ROWS}[data-status="target"]`)).toHaveCount(1);
  // the kernel compared the new target's neighbours: the statuses are not the old ones
  await expect.poll(async () => JSON.stringify(await domStatuses(page))).not.toBe(JSON.stringify(before));
  expect(errors).toEqual([]);
});
