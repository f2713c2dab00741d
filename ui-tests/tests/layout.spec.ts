/**
 * Issue 10 at an ordinary width: JupyterLab in a 1280x800 window. The statistics people read
 * (status, p adj, A12) are on screen and not covered for every visible row, also when the table
 * is scrolled sideways; the neighbourhood profile moves the target; hovering a row shows its ECDF
 * without moving. Screenshots (light and dark) go to ui-tests/artifacts/layout-1280-*.png.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, Page, test } from '@playwright/test';
import { ARTIFACTS_DIR } from '../helpers/servers';
import { labUrl, shutdownSessions } from '../helpers/jupyter';
import { COMPARED, expectInSync, kernelState, openWidget, PROFILE, ROOT, row, rowsWithStatus } from '../helpers/widget';

test.use({ viewport: { width: 1280, height: 800 } });
test.afterEach(async () => {
  await shutdownSessions(labUrl());
});

const READ_FIRST = ['status', 'pvalue_adj', 'effect'];

interface CellProblem {
  config: string;
  col: string;
  why: string;
}

/**
 * For every grid row wholly visible inside the grid's viewport (below its sticky header) and the
 * window: is each of the READ_FIRST cells inside the window and the topmost element at its centre?
 */
function readFirstProblems(page: Page): Promise<{ rows: number; problems: CellProblem[] }> {
  return page.evaluate((cols) => {
    const viewport = document.querySelector<HTMLElement>('.sweepwalk .sw-viewport')!;
    const header = viewport.querySelector<HTMLElement>('.sw-header')!;
    const vr = viewport.getBoundingClientRect();
    const top = Math.max(header.getBoundingClientRect().bottom, 0);
    const bottom = Math.min(vr.top + viewport.clientHeight, window.innerHeight);
    const problems: { config: string; col: string; why: string }[] = [];
    let rows = 0;
    for (const r of Array.from(viewport.querySelectorAll<HTMLElement>('[role="row"][data-config]'))) {
      const rr = r.getBoundingClientRect();
      if (rr.top < top - 0.5 || rr.bottom > bottom + 0.5) continue;
      rows++;
      for (const col of cols) {
        const cell = r.querySelector<HTMLElement>(`[data-col="${col}"]`);
        const config = r.dataset.config as string;
        if (!cell) {
          problems.push({ config, col, why: 'no cell' });
          continue;
        }
        const c = cell.getBoundingClientRect();
        if (c.width < 8 || c.left < 0 || c.right > window.innerWidth || c.left < vr.left - 0.5 || c.right > vr.left + viewport.clientWidth + 0.5) {
          problems.push({ config, col, why: `outside: ${Math.round(c.left)}..${Math.round(c.right)}` });
          continue;
        }
        const hit = document.elementFromPoint(c.left + c.width / 2, c.top + c.height / 2);
        if (!hit || !(hit === cell || cell.contains(hit))) {
          problems.push({ config, col, why: `covered by ${hit ? hit.className || hit.tagName : 'nothing'}` });
        }
      }
    }
    return { rows, problems };
  }, READ_FIRST);
}

async function setTheme(page: Page, theme: string, light: boolean) {
  await page.evaluate(
    (name) => (window as any).jupyterapp.commands.execute('apputils:change-theme', { theme: name }),
    theme,
  );
  await page.waitForFunction((isLight) => document.body.dataset.jpThemeLight === String(isLight), light);
  await page.waitForTimeout(500);
}

test('1280x800: status, p adj and A12 are visible for every visible row, also scrolled sideways', async ({ page }) => {
  await openWidget(page);
  await page.locator('[data-testid="sw-scope"]').selectOption('all'); // many rows: the grid fills up
  const grid = page.locator(`${ROOT} .sw-viewport`);
  await grid.scrollIntoViewIfNeeded();
  for (const scrollLeft of [0, 10_000]) {
    await grid.evaluate((el, x) => (el.scrollLeft = x), scrollLeft);
    await page.waitForTimeout(150);
    const { rows, problems } = await readFirstProblems(page);
    expect(rows, 'rows visible in the grid').toBeGreaterThan(5);
    expect(problems, `scrollLeft ${scrollLeft}`).toEqual([]);
  }
  // the table really is wider than its viewport here: the second pass tested the sticky columns
  expect(await grid.evaluate((el) => el.scrollWidth > el.clientWidth && el.scrollLeft > 0)).toBe(true);
  // below 1500 px of widget width the detail panel sits under the grid
  const [g, d] = await Promise.all([grid.boundingBox(), page.locator('[data-testid="sw-detail"]').boundingBox()]);
  expect(d!.y).toBeGreaterThanOrEqual(g!.y + g!.height - 1);
});

test('the neighbourhood profile renders and a click on a level makes it the target', async ({ page }) => {
  await openWidget(page);
  const start = (await kernelState(page)).target;
  const profile = page.locator(PROFILE);
  await expect(profile.locator('svg[data-param]').first()).toBeVisible();
  await expect(profile.locator(`[data-config="${start}"][data-status="target"]`).first()).toBeAttached();
  const marks = profile.locator('[data-config][data-status]:not([data-status="target"]):not([data-status="out"])');
  expect(await marks.count()).toBeGreaterThan(0);
  const mark = marks.first();
  const config = Number(await mark.getAttribute('data-config'));
  const status = await mark.getAttribute('data-status');
  // the mark's status is the grid's for the same configuration
  expect(status).toBe((await kernelState(page)).status[String(config)]);
  await mark.click();
  const state = await expectInSync(page, config);
  expect(state.path).toEqual([start, config]);
  await expect(profile.locator(`[data-config="${config}"][data-status="target"]`).first()).toBeAttached();
});

test("hovering a neighbour shows its ECDF against the target's, without moving", async ({ page }) => {
  await openWidget(page);
  const target = (await kernelState(page)).target;
  const [neighbour] = await rowsWithStatus(page, COMPARED);
  const r = row(page, neighbour);
  await r.scrollIntoViewIfNeeded();
  await r.locator('.sw-c-param').first().hover();
  const detail = page.locator('[data-testid="sw-detail"]');
  await expect(detail).toHaveAttribute('data-detail-config', String(neighbour));
  await expect(detail).toContainText(`#${neighbour} vs target #${target}`);
  const curve = detail.locator('.sw-ecdf-row');
  await expect(curve).toHaveCount(1);
  expect((await curve.getAttribute('d'))!.length).toBeGreaterThan(10);
  await expect(detail.locator('.sw-ecdf-target')).toHaveCount(1);
  expect((await kernelState(page)).target).toBe(target);
});

test('screenshots at 1280 px, light and dark', async ({ page }) => {
  await openWidget(page);
  await page.evaluate(() => (window as any).jupyterapp.shell.collapseLeft());
  await page.locator(`${ROOT} .sw-viewport`).scrollIntoViewIfNeeded();
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.waitForTimeout(300);
  const shots = [
    ['layout-1280-light.png', 'layout-1280-light-profile.png'],
    ['layout-1280-dark.png', 'layout-1280-dark-profile.png'],
  ];
  try {
    for (const [k, [grid, profile]] of shots.entries()) {
      if (k === 1) await setTheme(page, 'JupyterLab Dark', false);
      await page.locator(`${ROOT} .sw-viewport`).scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, grid) });
      await page.locator(PROFILE).scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, profile) });
      expect(fs.statSync(path.join(ARTIFACTS_DIR, grid)).size).toBeGreaterThan(5_000);
    }
  } finally {
    await setTheme(page, 'JupyterLab Light', true);
  }
});

test('the widget width decides the layout: detail beside the grid when wide, read-first cells still visible when narrow', async ({ page }) => {
  await page.setViewportSize({ width: 2560, height: 1000 });
  await openWidget(page);
  await page.evaluate(() => (window as any).jupyterapp.shell.collapseLeft());
  const grid = page.locator(`${ROOT} .sw-viewport`);
  const detail = page.locator('[data-testid="sw-detail"]');
  await expect(async () => {
    const width = await page.locator(ROOT).evaluate((el) => el.getBoundingClientRect().width);
    expect(width).toBeGreaterThanOrEqual(1500);
    const [g, d] = await Promise.all([grid.boundingBox(), detail.boundingBox()]);
    expect(d!.x).toBeGreaterThanOrEqual(g!.x + g!.width - 1); // beside, not under
  }).toPass({ timeout: 10_000 });
  await page.setViewportSize({ width: 900, height: 800 });
  await grid.scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  const width = await page.locator(ROOT).evaluate((el) => el.getBoundingClientRect().width);
  expect(width).toBeLessThan(900);
  const { rows, problems } = await readFirstProblems(page);
  expect(rows).toBeGreaterThan(3);
  expect(problems).toEqual([]);
});
