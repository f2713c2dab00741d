/**
 * The layout at the widths people have: JupyterLab in a 1280x800 window with and without the file
 * browser, and a 760 px output. Wide (the file browser closed), the statistics people read
 * (status, p adj, A12) are on screen and not covered for every visible row, also when the table
 * is scrolled sideways. Narrow (the widget under 900 px), the compact layout shows every row's
 * status, p adj and estimate with its interval without scrolling sideways. The neighbourhood
 * profile moves the target; hovering a row shows its ECDF without moving. At every output width
 * from 600 to 2560 px, the status, p adj and estimate cells of every visible row are in view and
 * not covered, in whichever layout the widget chose. Screenshots go to
 * ui-tests/artifacts/layout-760.png and layout-1280-{light,dark}.png (file browser open).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, Page, test } from '@playwright/test';
import { ARTIFACTS_DIR } from '../helpers/servers';
import { labUrl, shutdownSessions } from '../helpers/jupyter';
import {
  COMPARED,
  expectInSync,
  kernelState,
  openWidget,
  PROFILE,
  readFirstAtThisWidth,
  readFirstProblems,
  ROOT,
  row,
  rowsWithStatus,
  COMPACT_READ_FIRST,
  setOutputWidth as setOutputWidthOf,
} from '../helpers/widget';

test.use({ viewport: { width: 1280, height: 800 } });
test.afterEach(async () => {
  await shutdownSessions(labUrl());
});

const READ_FIRST = ['status', 'pvalue_adj', 'effect'];

/** Resize the window until the notebook's output area is `width` px wide (JupyterLab). */
function setOutputWidth(page: Page, width: number, height = 800): Promise<number> {
  return setOutputWidthOf(page, page.locator('.jp-OutputArea-output').filter({ has: page.locator(ROOT) }), width, height);
}

/** Open JupyterLab's left panel with its file browser (as a fresh JupyterLab has it). */
async function openFileBrowser(page: Page) {
  await page.evaluate(() => (window as any).jupyterapp.shell.activateById('filebrowser'));
  await expect(page.locator('#filebrowser')).toBeVisible();
  await page.waitForTimeout(300);
}

/**
 * The compact layout's checks: the widget is under 900 px and says so, the grid starts unscrolled
 * and each visible row's read-first cells are inside the output and on top.
 */
async function expectCompactReadable(page: Page, minRows = 5) {
  const grid = page.locator(`${ROOT} .sw-viewport`);
  await expect(grid).toHaveAttribute('data-layout', 'compact');
  await grid.scrollIntoViewIfNeeded();
  await page.waitForTimeout(200);
  expect(await grid.evaluate((el) => el.scrollLeft)).toBe(0);
  const { rows, problems } = await readFirstProblems(page, COMPACT_READ_FIRST);
  expect(rows, 'rows visible in the grid').toBeGreaterThan(minRows);
  expect(problems).toEqual([]);
  // the columns after them are one sideways scroll away: the table is wider than its viewport
  expect(await grid.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  // the detail panel and the profile stack under the grid
  const [g, d, p] = await Promise.all([
    grid.boundingBox(),
    page.locator('[data-testid="sw-detail"]').boundingBox(),
    page.locator(PROFILE).boundingBox(),
  ]);
  expect(d!.y).toBeGreaterThanOrEqual(g!.y + g!.height - 1);
  expect(p!.y).toBeGreaterThanOrEqual(d!.y + d!.height - 1);
}

async function setTheme(page: Page, theme: string, light: boolean) {
  await page.evaluate(
    (name) => (window as any).jupyterapp.commands.execute('apputils:change-theme', { theme: name }),
    theme,
  );
  await page.waitForFunction((isLight) => document.body.dataset.jpThemeLight === String(isLight), light);
  await page.waitForTimeout(500);
}

test('1280x800 without the file browser: status, p adj and A12 are visible for every visible row, also scrolled sideways', async ({ page }) => {
  await openWidget(page);
  // the file browser closed: the widget is wide (>= 900 px) and shows the wide layout
  await page.evaluate(() => (window as any).jupyterapp.shell.collapseLeft());
  await expect(page.locator(`${ROOT} .sw-viewport`)).toHaveAttribute('data-layout', 'wide');
  await page.locator('[data-testid="sw-scope"]').selectOption('all'); // many rows: the grid fills up
  const grid = page.locator(`${ROOT} .sw-viewport`);
  await grid.scrollIntoViewIfNeeded();
  for (const scrollLeft of [0, 10_000]) {
    await grid.evaluate((el, x) => (el.scrollLeft = x), scrollLeft);
    await page.waitForTimeout(150);
    const { rows, problems } = await readFirstProblems(page, READ_FIRST);
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

test('1280x800 with the file browser open: the compact layout shows status, estimate and p adj of every row', async ({ page }) => {
  await openWidget(page);
  await openFileBrowser(page);
  await page.locator('[data-testid="sw-scope"]').selectOption('all'); // many rows: the grid fills up
  await expectCompactReadable(page);
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  // the screenshots show the compared rows (the all-rows view starts with rows not compared)
  await page.locator('[data-testid="sw-scope"]').selectOption('compared');
  await expectCompactReadable(page, 3);
  const shots = ['layout-1280-light.png', 'layout-1280-dark.png'];
  try {
    for (const [k, name] of shots.entries()) {
      if (k === 1) await setTheme(page, 'JupyterLab Dark', false);
      await page.locator(ROOT).evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, name) });
      expect(fs.statSync(path.join(ARTIFACTS_DIR, name)).size).toBeGreaterThan(5_000);
      await page.locator(PROFILE).scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, name.replace('.png', '-profile.png')) });
    }
  } finally {
    await setTheme(page, 'JupyterLab Light', true);
  }
});

test('a 760 px output: the compact layout shows status, estimate and p adj of every row', async ({ page }) => {
  await openWidget(page);
  await page.evaluate(() => (window as any).jupyterapp.shell.collapseLeft());
  expect(await setOutputWidth(page, 760)).toBeLessThanOrEqual(761);
  await page.locator('[data-testid="sw-scope"]').selectOption('all');
  await expectCompactReadable(page);
  await page.locator('[data-testid="sw-scope"]').selectOption('compared');
  await expectCompactReadable(page, 3);
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.locator(ROOT).evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'layout-760.png') });
  await page.locator(PROFILE).scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'layout-760-profile.png') });
});

test('a 600 px output: still no sideways scrolling for the read-first cells', async ({ page }) => {
  await openWidget(page);
  await page.evaluate(() => (window as any).jupyterapp.shell.collapseLeft());
  expect(await setOutputWidth(page, 600)).toBeLessThanOrEqual(601);
  await page.locator('[data-testid="sw-scope"]').selectOption('all');
  await expectCompactReadable(page);
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
  await expect(grid).toHaveAttribute('data-layout', 'compact');
  const { rows, problems } = await readFirstProblems(page, COMPACT_READ_FIRST);
  expect(rows).toBeGreaterThan(3);
  expect(problems).toEqual([]);
});

test('at output widths 900 to 2560 px: status, p adj and the estimate of every visible row are in view and not covered', async ({ page }) => {
  await openWidget(page);
  await page.evaluate(() => (window as any).jupyterapp.shell.collapseLeft());
  await page.locator('[data-testid="sw-scope"]').selectOption('all'); // many rows: the grid fills up
  const seen: Record<number, string> = {};
  for (const width of [900, 1100, 1400, 1700, 1920, 2560]) {
    expect(Math.abs((await setOutputWidth(page, width)) - width), `output width ${width}`).toBeLessThanOrEqual(1);
    const { layout, problems } = await readFirstAtThisWidth(page, 5);
    seen[width] = layout;
    expect(problems, `output ${width} px (${layout})`).toEqual([]);
  }
  // the widths above the compact layout's threshold all took the wide one (which is what is tested)
  expect(Object.values(seen).slice(1)).toEqual(Array(5).fill('wide'));
});
