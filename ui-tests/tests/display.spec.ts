/**
 * What a person sees: data text stays text (no HTML injection), the dark theme (a screenshot
 * written to ui-tests/artifacts/dark-theme.png), and the widget in Jupyter Notebook 7.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, Page, test } from '@playwright/test';
import { ARTIFACTS_DIR } from '../helpers/servers';
import { labUrl, notebookUrl, openNotebook, runAllCells, shutdownSessions } from '../helpers/jupyter';
import {
  clickRow,
  COMPARED,
  expectInSync,
  kernelState,
  openWidget,
  row,
  ROOT,
  ROWS,
  rowsWithStatus,
} from '../helpers/widget';

test.afterEach(async () => {
  await shutdownSessions(labUrl());
  await shutdownSessions(notebookUrl());
});

const EVIL_VALUE = '<img src=x onerror="window.__sweepwalk_xss = 1">';
const EVIL_NAME = '<img src=y onerror="window.__sweepwalk_xss = 2">';

test('parameter values and names that look like HTML stay inert text', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await openWidget(page, 'xss.ipynb');
  await page.locator('[data-testid="sw-scope"]').selectOption('all');
  const root = page.locator(ROOT);
  await expect(root).toContainText(EVIL_VALUE);
  await expect(root).toContainText(EVIL_NAME);
  await expect(root).toContainText('<b>bold</b>');
  await expect(root.locator('img')).toHaveCount(0);
  await expect(root.locator('b')).toHaveCount(0);

  // Make the HTML-looking row the target: its label is drawn again in the breadcrumb/detail.
  const evilRow = page.locator(ROWS, { hasText: EVIL_VALUE }).first();
  const config = Number(await evilRow.getAttribute('data-config'));
  await clickRow(page, config);
  await expectInSync(page, config);
  await expect(root.locator('img')).toHaveCount(0);
  await page.waitForTimeout(300); // an injected onerror would have fired by now
  expect(await page.evaluate(() => (window as any).__sweepwalk_xss)).toBeUndefined();
  expect(dialogs).toEqual([]);
});

async function setTheme(page: Page, theme: string, light: boolean) {
  await page.evaluate(
    (name) => (window as any).jupyterapp.commands.execute('apputils:change-theme', { theme: name }),
    theme,
  );
  await page.waitForFunction((isLight) => document.body.dataset.jpThemeLight === String(isLight), light);
  await page.waitForTimeout(500); // theme CSS applied and repainted
}

function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0']).slice(0, 3).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

test('dark theme: readable colours, screenshot for a person to look at', async ({ page }) => {
  await page.setViewportSize({ width: 1600, height: 1200 });
  await openWidget(page);
  // The notebook alone on the page, as a person would look at it.
  await page.evaluate(() => {
    const shell = (window as any).jupyterapp.shell;
    shell.collapseLeft();
    shell.collapseRight();
  });
  const root = page.locator(ROOT);
  await root.scrollIntoViewIfNeeded();
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'light-theme.png') });
  try {
    await setTheme(page, 'JupyterLab Dark', false);
    const target = row(page, (await kernelState(page)).target);
    const colours = await target.evaluate((el) => {
      const cell = el.querySelector('.sw-cell') ?? el;
      const s = getComputedStyle(cell);
      const bg = getComputedStyle(document.querySelector('.jp-Notebook') ?? document.body);
      return { text: s.color, page: bg.backgroundColor };
    });
    // Light text on a dark page: the widget follows the theme.
    expect(luminance(colours.page)).toBeLessThan(0.35);
    expect(luminance(colours.text)).toBeGreaterThan(0.55);
    const file = path.join(ARTIFACTS_DIR, 'dark-theme.png');
    await page.screenshot({ path: file });
    await root.screenshot({ path: path.join(ARTIFACTS_DIR, 'dark-theme-widget.png') });
    expect(fs.statSync(file).size).toBeGreaterThan(5_000);
  } finally {
    await setTheme(page, 'JupyterLab Light', true);
  }
});

test('Jupyter Notebook 7: the widget renders and takes a click', async ({ page }) => {
  await openWidget(page, 'widget.ipynb', 'notebook');
  expect(page.url()).toContain('/notebooks/widget.ipynb');
  const start = (await kernelState(page)).target;
  await expectInSync(page, start);
  const [neighbour] = await rowsWithStatus(page, COMPARED);
  await clickRow(page, neighbour);
  await expect(row(page, neighbour)).toHaveAttribute('data-status', 'target');
  const state = await expectInSync(page, neighbour);
  expect(state.path).toEqual([start, neighbour]);
});

test('one widget displayed twice: a click in one view moves the target in the other; keys stay inside', async ({ page }) => {
  await openNotebook(page, 'twice.ipynb');
  await runAllCells(page);
  const views = page.locator(ROOT);
  await expect(views).toHaveCount(2);
  const [first, second] = [views.nth(0), views.nth(1)];
  const targetOf = (view: typeof first) => view.locator('[role="row"][data-config][data-status="target"]');
  await expect(targetOf(first)).toHaveCount(1);
  await expect(targetOf(second)).toHaveCount(1);
  const start = Number(await targetOf(first).getAttribute('data-config'));
  await expect(targetOf(second)).toHaveAttribute('data-config', String(start));
  // each display's static copy (for readers without a widget manager) is hidden, output row too
  await expect(page.locator('.sweepwalk-fallback')).toHaveCount(2);
  const fallbackRows = page.locator('.jp-OutputArea-child:has(.sweepwalk-fallback)');
  await expect(fallbackRows).toHaveCount(2);
  for (const fallback of await fallbackRows.all()) await expect(fallback).toBeHidden();

  // a neighbour clicked in the second view: the first view and the kernel follow
  const neighbour = Number(
    await second.locator(`[role="row"][data-config]:is(${COMPARED.map((s) => `[data-status="${s}"]`).join(', ')})`)
      .first()
      .getAttribute('data-config'),
  );
  const inSecond = second.locator(`[role="row"][data-config="${neighbour}"]`);
  const box = await inSecond.boundingBox();
  if (!box) throw new Error(`row ${neighbour} is not rendered`);
  await inSecond.click({ position: { x: Math.min(box.width / 3, 260), y: box.height / 2 } });
  await expect(targetOf(first)).toHaveAttribute('data-config', String(neighbour));
  await expect(targetOf(second)).toHaveAttribute('data-config', String(neighbour));
  await expect.poll(async () => (await kernelState(page)).target).toBe(neighbour);

  // and back, from the first view: the two views show the same statuses row by row
  const inFirst = first.locator(`[role="row"][data-config="${start}"]`);
  const box1 = await inFirst.boundingBox();
  if (!box1) throw new Error(`row ${start} is not rendered`);
  await inFirst.click({ position: { x: Math.min(box1.width / 3, 260), y: box1.height / 2 } });
  await expect(targetOf(second)).toHaveAttribute('data-config', String(start));
  await expect.poll(async () => (await kernelState(page)).target).toBe(start);
  const statuses = (view: typeof first) =>
    view.locator('[role="row"][data-config][data-status]').evaluateAll((els) =>
      els.map((el) => `${(el as HTMLElement).dataset.config}:${(el as HTMLElement).dataset.status}`).join(' '),
    );
  await expect.poll(async () => (await statuses(second)) === (await statuses(first)) && (await statuses(first)).length > 0).toBe(true);

  // keys typed in a grid stay in the widget: JupyterLab (which also reads shortcuts as they
  // bubble up) must not take command-mode a, b, dd, Delete as notebook edits
  const cells = () => page.evaluate(() => (window as any).jupyterapp.shell.currentWidget.content.widgets.length);
  const nCells = await cells();
  await page.evaluate(() => (window as any).jupyterapp.commands.execute('notebook:enter-command-mode'));
  await first.locator('.sw-viewport').focus();
  for (const key of ['a', 'b', 'd', 'd', 'Delete']) await page.keyboard.press(key);
  expect(await cells()).toBe(nCells);
  // and the grid's own keys still work
  await page.keyboard.press('ArrowDown');
  const focused = await first.locator('.sw-focused').getAttribute('data-config');
  await page.keyboard.press('ArrowDown');
  await expect(first.locator('.sw-focused')).not.toHaveAttribute('data-config', String(focused));
});

