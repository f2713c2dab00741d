/**
 * The widget in VS Code (the harness of helpers/vscode.ts: VS Code's own widget manager from
 * npm, its theme variables, body classes and notebook output CSS, a real kernel). Checks what a
 * VS Code user sees and what VS Code would receive: the widget follows each theme (computed
 * background and text), no key pressed inside the widget reaches `window` (where VS Code turns
 * `a`, `b`, `dd`, `Delete` into notebook edits) but Tab, VS Code's table CSS does not leak into
 * the widget's tables, and a click moves the target. Screenshots: ui-tests/artifacts/vscode-*.png.
 */
import * as path from 'node:path';
import { expect, Page, test } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from '../helpers/chromium';
import { ARTIFACTS_DIR } from '../helpers/servers';
import {
  clearKeys,
  keysReached,
  openHarness,
  runInHarness,
  stopKernel,
  switchTheme,
  THEMES,
  ThemeKind,
} from '../helpers/vscode';
import {
  clickRow,
  COMPACT_READ_FIRST,
  COMPARED,
  domStatuses,
  readFirstAtThisWidth,
  readFirstProblems,
  ROOT,
  row,
  ROWS,
  rowsWithStatus,
  setOutputWidth,
} from '../helpers/widget';

const WIDGET = `
import sweepwalk
from sweepwalk.datasets import DEMO, load_demo
w = sweepwalk.explore(load_demo(), **DEMO)
w`;

// The harness page comes from a Playwright route, which Chromium counts as a public page; its
// kernel websocket to 127.0.0.1 would then be blocked as a local-network access. (In VS Code the
// webview never talks to the kernel itself: the extension host does.)
test.use({
  launchOptions: {
    executablePath: chromiumPath(),
    args: [...CHROMIUM_ARGS, '--disable-features=LocalNetworkAccessChecks'],
  },
});

let kernelId: string | undefined;
test.afterEach(async () => {
  await stopKernel(kernelId);
  kernelId = undefined;
});

/** `#RRGGBB` (or `#RRGGBBAA` over `under`) as the `rgb(...)` a computed style gives. */
function rgb(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
}

async function openWidget(page: Page, kind: ThemeKind): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  kernelId = await openHarness(page, kind);
  await runInHarness(page, WIDGET);
  await expect(page.locator(ROOT)).toHaveCount(1);
  await expect(page.locator(`${ROWS}[data-status="target"]`)).toHaveCount(1);
  expect(errors).toEqual([]);
}

const SHOTS: Record<ThemeKind, string> = {
  'vscode-dark': 'vscode-dark.png',
  'vscode-light': 'vscode-light.png',
  'vscode-high-contrast': 'vscode-hc-dark.png',
  'vscode-high-contrast-light': 'vscode-hc-light.png',
};
const DARK: Record<ThemeKind, boolean> = {
  'vscode-dark': true,
  'vscode-light': false,
  'vscode-high-contrast': true,
  'vscode-high-contrast-light': false,
};

test('the widget takes each theme\'s colours, not the manager\'s light ones (switched live)', async ({ page }) => {
  await openWidget(page, 'vscode-dark');
  for (const kind of Object.keys(SHOTS) as ThemeKind[]) {
    await switchTheme(page, kind);
    // a light theme on a dark OS (and the other way round): the theme decides, not the OS
    await page.emulateMedia({ colorScheme: DARK[kind] ? 'light' : 'dark' });
    const colors = THEMES[kind].colors;
    const seen = await page.evaluate(() => {
      const root = document.querySelector('.sweepwalk') as HTMLElement;
      const select = root.querySelector('select') as HTMLSelectElement;
      const style = getComputedStyle(root);
      const sel = getComputedStyle(select);
      return {
        background: style.backgroundColor,
        color: style.color,
        scheme: style.colorScheme,
        selectBackground: sel.backgroundColor,
        selectColor: sel.color,
        selectScheme: sel.colorScheme,
      };
    });
    expect(seen, THEMES[kind].name).toEqual({
      background: rgb(colors['editor.background']),
      color: rgb(colors['foreground']),
      scheme: DARK[kind] ? 'dark' : 'light',
      selectBackground: rgb(colors['input.background']),
      selectColor: rgb(colors['foreground']),
      selectScheme: DARK[kind] ? 'dark' : 'light',
    });
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, SHOTS[kind]) });
  }
});

test('a click moves the target; no key pressed inside the widget reaches VS Code but Tab, and the widget still reads its keys', async ({ page }) => {
  await openWidget(page, 'vscode-dark');
  // the static copy Python displays after the widget (an HTML output of its own) is hidden
  await expect(page.locator('.output .sweepwalk-fallback')).toHaveCount(1);
  await expect(page.locator('.output .sweepwalk-fallback')).toBeHidden();

  // a click moves the target: in the grid and in the kernel, and the statuses are recomputed
  const start = Number(await page.locator(`${ROWS}[data-status="target"]`).getAttribute('data-config'));
  const before = await domStatuses(page);
  const [neighbour] = await rowsWithStatus(page, COMPARED);
  await clickRow(page, neighbour);
  await expect(row(page, neighbour)).toHaveAttribute('data-status', 'target');
  await expect(row(page, start)).not.toHaveAttribute('data-status', 'target');
  await expect.poll(async () => JSON.stringify(await domStatuses(page))).not.toBe(JSON.stringify(before));
  expect(Number(await runInHarness(page, 'print(int(w.target))'))).toBe(neighbour);
  await clearKeys(page);

  // the grid focused (a row click focuses it): VS Code's command-mode keys, and copy
  await page.locator('.sweepwalk .sw-viewport').focus();
  for (const key of ['a', 'b', 'd', 'd', 'j', 'k', 'Delete', 'Escape', 'Control+c']) {
    await page.keyboard.press(key);
  }
  // in the alpha box and a dropdown too
  await page.locator('[data-testid="sw-alpha"]').focus();
  await page.keyboard.press('a');
  await page.keyboard.press('Delete');
  await page.locator('.sweepwalk select').first().focus();
  await page.keyboard.press('b');
  expect(await keysReached(page)).toEqual([]);

  // the widget's own keys still work: ArrowDown moves the grid's focus, Alt+ArrowLeft walks back
  await page.locator('.sweepwalk .sw-viewport').focus();
  const focusedBefore = await page.locator('.sweepwalk .sw-focused').getAttribute('data-config');
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('.sweepwalk .sw-focused')).not.toHaveAttribute('data-config', String(focusedBefore));
  await page.keyboard.press('Alt+ArrowLeft');
  await expect(row(page, start)).toHaveAttribute('data-status', 'target');
  expect(await keysReached(page)).toEqual([]);

  // Tab goes on, so focus can leave the widget (and the recorder does record)
  await page.keyboard.press('Tab');
  await page.keyboard.press('Shift+Tab');
  const reached = await keysReached(page);
  expect(reached.filter((k) => k.type === 'keydown').map((k) => `${k.shift ? 'Shift+' : ''}${k.key}`)).toEqual([
    'Tab',
    'Shift+Tab',
  ]);
});

test("VS Code's table styles stay out of the importance table and to_html()", async ({ page }) => {
  await openWidget(page, 'vscode-light');
  // the importance table (computed on opening)
  await page.locator('.sweepwalk .sw-importance-panel > summary').click();
  const table = page.locator('[data-testid="sw-neighbour-importance"]');
  await expect(table.locator('tr')).not.toHaveCount(0);
  await expect(table.locator('tr').nth(2)).toBeVisible();
  const rows = await table.locator('tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      background: getComputedStyle(tr).backgroundColor,
      cells: Array.from(tr.children, (c) => getComputedStyle(c).textAlign),
    })),
  );
  for (const r of rows) {
    expect(r.background).toBe('rgba(0, 0, 0, 0)'); // no zebra rows
    expect(new Set(r.cells)).toEqual(new Set(['left'])); // not right-aligned by the host
  }

  // the static table, as an HTML output of the notebook
  await runInHarness(page, 'from IPython.display import HTML\ndisplay(HTML(w.to_html()))');
  const stat = page.locator('.output > .sweepwalk-static table'); // not the hidden copy
  await expect(stat).toHaveCount(1);
  const seen = await stat.evaluate((t) => {
    const head = t.querySelector('thead') as HTMLElement;
    const bodyRows = Array.from(t.querySelectorAll('tbody tr')) as HTMLElement[];
    const cell = (r: HTMLElement, i: number) => getComputedStyle(r.querySelectorAll('td')[i]);
    const headers = Array.from(t.querySelectorAll('thead th'), (th) => th.textContent?.trim() ?? '');
    const col = (name: string) => headers.indexOf(name) - 1; // the first th heads the index
    return {
      head: getComputedStyle(head).backgroundColor,
      rows: bodyRows.map((r) => getComputedStyle(r).backgroundColor),
      status: bodyRows.map((r) => cell(r, col('status')).textAlign),
      pvalue: bodyRows.map((r) => cell(r, col('pvalue_adj')).textAlign),
      mean: bodyRows.map((r) => cell(r, col('mean')).textAlign),
    };
  });
  const n = seen.rows.length;
  expect(n).toBeGreaterThan(2);
  expect(seen.head).toBe('rgba(0, 0, 0, 0)');
  expect(seen.rows).toEqual(Array(n).fill('rgba(0, 0, 0, 0)'));
  expect(seen.status).toEqual(Array(n).fill('left'));
  expect(seen.pvalue).toEqual(Array(n).fill('right'));
  expect(seen.mean).toEqual(Array(n).fill('right'));
});

test('a 760 px output (the editor minus its gutter): status, estimate and p adj of every row in view', async ({ page }) => {
  await openWidget(page, 'vscode-dark');
  const output = page.locator('.output').filter({ has: page.locator(ROOT) });
  expect(Math.abs((await setOutputWidth(page, output, 760, 900)) - 760)).toBeLessThanOrEqual(1);
  const grid = page.locator(`${ROOT} .sw-viewport`);
  await expect(grid).toHaveAttribute('data-layout', 'compact');
  await grid.scrollIntoViewIfNeeded();
  expect(await grid.evaluate((el) => el.scrollLeft)).toBe(0);
  const { rows, problems } = await readFirstProblems(page, COMPACT_READ_FIRST);
  expect(rows).toBeGreaterThan(3);
  expect(problems).toEqual([]);
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'vscode-760.png') });
});

test('wide outputs (1100 to 1920 px): status, estimate and p adj of every row in view, also scrolled sideways', async ({ page }) => {
  await openWidget(page, 'vscode-light');
  await page.locator('[data-testid="sw-scope"]').selectOption('all'); // many rows: the grid fills up
  const output = page.locator('.output').filter({ has: page.locator(ROOT) });
  for (const width of [1100, 1400, 1920]) {
    expect(Math.abs((await setOutputWidth(page, output, width, 900)) - width), `output width ${width}`).toBeLessThanOrEqual(1);
    const { layout, problems } = await readFirstAtThisWidth(page, 5);
    expect(layout).toBe('wide');
    expect(problems, `output ${width} px`).toEqual([]);
  }
});
