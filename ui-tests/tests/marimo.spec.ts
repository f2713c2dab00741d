/**
 * The widget in real marimo (`marimo run --headless`, ui-tests/marimo/app.py): a click in the
 * grid re-runs the cell that depends on `mo.ui.anywidget(w)`, whose `.value` holds only the
 * user-facing state (target, path, selected, settings), never the sweep or the results; marimo's
 * light and dark modes (from the browser's prefers-color-scheme) are followed, native controls
 * included. Screenshots at 1280 px: artifacts/marimo-light.png and artifacts/marimo-dark.png.
 */
import { expect, Page, test } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MarimoServer, startMarimo, stopMarimo } from '../helpers/marimo';
import { ARTIFACTS_DIR } from '../helpers/servers';
import { clickRow, row, ROWS } from '../helpers/widget';

/** the keys of `.value`: the widget's USER_STATE (python/sweepwalk/_widget.py) */
const USER_STATE = ['against', 'alpha', 'correction', 'error_control', 'neighbors', 'path', 'selected', 'target', 'test'];

let server: MarimoServer;
test.beforeAll(async () => {
  server = await startMarimo();
});
test.afterAll(async () => {
  if (server) await stopMarimo(server);
});

async function value(page: Page): Promise<Record<string, unknown>> {
  return JSON.parse((await page.locator('[data-testid="marimo-value"]').textContent()) ?? 'null');
}

async function openApp(page: Page): Promise<number> {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(server.url);
  const target = page.locator(`${ROWS}[data-status="target"]`);
  await expect(target).toHaveCount(1, { timeout: 60_000 });
  await expect(page.locator('[data-testid="marimo-value"]')).toBeVisible();
  return Number(await target.getAttribute('data-config'));
}

function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0']).slice(0, 3).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

async function colours(page: Page) {
  return page.locator('.sweepwalk').evaluate((el) => {
    const select = el.querySelector('select') as HTMLElement;
    return {
      bg: getComputedStyle(el).backgroundColor,
      fg: getComputedStyle(el).color,
      select: getComputedStyle(select).colorScheme,
    };
  });
}

test('marimo: a click re-runs the dependent cell; .value holds only the user state', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.emulateMedia({ colorScheme: 'light' });
  const first = await openApp(page);
  const before = await value(page);
  expect(Object.keys(before).sort()).toEqual(USER_STATE);
  expect(before).toMatchObject({ target: first, path: [first], selected: [], test: 'ks', correction: 'holm' });

  const neighbour = Number(
    await page.locator(`${ROWS}:not([data-status="target"]):not([data-status="out"])`).first().getAttribute('data-config'),
  );
  await clickRow(page, neighbour);
  await expect(page.locator('[data-testid="marimo-target"]')).toHaveText(String(neighbour));
  await expect(row(page, neighbour)).toHaveAttribute('data-status', 'target');
  const after = await value(page);
  expect(Object.keys(after).sort()).toEqual(USER_STATE);
  expect(after).toMatchObject({ target: neighbour, path: [first, neighbour] });
  expect(JSON.stringify(after).length).toBeLessThan(1000); // no sweep, no results in it

  // the row's checkbox selects it; the dependent cell sees the selection
  await row(page, first).locator('input[type="checkbox"]').check();
  await expect.poll(async () => (await value(page)).selected).toEqual([first]);

  const light = await colours(page);
  expect(luminance(light.bg)).toBeGreaterThan(0.8);
  expect(light.select).toBe('light');
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'marimo-light.png') });
  expect(errors, 'uncaught errors in the page').toEqual([]);
});

test('marimo dark mode: the widget and its native controls are dark', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openApp(page);
  await expect(page.locator('body')).toHaveClass(/\bdark\b/); // marimo's own dark mode is on
  const dark = await colours(page);
  expect(luminance(dark.bg)).toBeLessThan(0.35);
  expect(luminance(dark.fg)).toBeGreaterThan(0.55);
  expect(dark.select).toBe('dark');
  const file = path.join(ARTIFACTS_DIR, 'marimo-dark.png');
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: file });
  expect(fs.statSync(file).size).toBeGreaterThan(5_000);
});
