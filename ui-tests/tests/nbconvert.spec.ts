/**
 * nbconvert's HTML read offline. `jupyter nbconvert --to html --execute` (its defaults: the
 * widget state is stored, so the widget's own output becomes a placeholder for a widget renderer
 * fetched from a CDN) and the page opened with every non-file request aborted: the widget's
 * cell must still show the status-coloured table, with the kernel's statuses.
 * Screenshot: ui-tests/artifacts/nbconvert-offline.png.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test } from '@playwright/test';
import { ARTIFACTS_DIR, jupyterExecutable, makeSandbox } from '../helpers/servers';

/** STATUS_COLORS' row backgrounds (sweepwalk/session/html.py) as computed styles give them. */
const PALE: Record<string, string> = {
  target: 'rgb(209, 230, 241)',
  worse: 'rgb(247, 226, 209)',
  ns: 'rgb(237, 237, 237)',
};

test('nbconvert --execute, read offline: the widget cell shows the status-coloured table', async ({ page }) => {
  const { base, rootDir } = makeSandbox();
  try {
    execFileSync(
      jupyterExecutable(),
      ['nbconvert', '--to', 'html', '--execute', 'nbconvert.ipynb', `--output-dir=${rootDir}`],
      {
        cwd: rootDir,
        stdio: 'pipe',
        env: {
          ...process.env,
          JUPYTER_CONFIG_DIR: path.join(base, 'config'),
          JUPYTER_RUNTIME_DIR: path.join(base, 'runtime'),
          JUPYTER_PLATFORM_DIRS: '1',
          PYDEVD_DISABLE_FILE_VALIDATION: '1',
        },
        timeout: 120_000,
      },
    );
    const html = path.join(rootDir, 'nbconvert.html');
    expect(fs.readFileSync(html, 'utf8')).toContain('application/vnd.jupyter.widget-state+json');

    const blocked: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      blocked.push(url);
      return route.abort('internetdisconnected');
    });
    await page.goto(`file://${html}`);
    await page.waitForLoadState('load');

    // the cell holding the widget's placeholder holds the table, and the table is visible
    const cell = page.locator('.jp-Cell', {
      has: page.locator('script[type="application/vnd.jupyter.widget-view+json"]'),
    });
    await expect(cell).toHaveCount(1);
    const table = cell.locator('table.sweepwalk-table');
    await expect(table).toBeVisible();
    await table.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'nbconvert-offline.png') });

    const shown = await table.locator('tbody tr').evaluateAll((rows) =>
      rows.map((r) => {
        const status = r.querySelector('td') as HTMLElement;
        return {
          config: (r.querySelector('th') as HTMLElement).textContent?.trim() ?? '',
          status: (status.textContent ?? '').replace('◔', '').trim(),
          background: getComputedStyle(status).backgroundColor,
        };
      }),
    );
    // the kernel's statuses, printed by the next cell
    const printed = await page.locator('.jp-Cell').nth(1).locator('.jp-OutputArea-output pre').textContent();
    const want = JSON.parse(printed ?? '{}') as Record<string, string>;
    expect(Object.fromEntries(shown.map((r) => [r.config, r.status]))).toEqual(want);
    expect(new Set(shown.map((r) => r.status))).toEqual(new Set(['target', 'worse', 'ns']));
    for (const r of shown) expect(r.background).toBe(PALE[r.status]);
    // offline for real: the page asked the network for its widget renderer and was refused
    expect(blocked.length).toBeGreaterThan(0);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});
