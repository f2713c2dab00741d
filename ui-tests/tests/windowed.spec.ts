/**
 * A sweep above the widget's `window_rows` in a real JupyterLab (20,000 configurations x 5 seeds,
 * window_rows=5,000): the grid gets its rows from the kernel as it shows them. What a person sees
 * must be the full payload's grid: the rows at each position are the kernel's `row_order` for the
 * view (scope, sort, legend filter), a click walks, a shift-click range selects the rows between
 * in display order; and no comm message carries the whole sweep.
 */
import { expect, test, type Page } from '@playwright/test';
import { kernelExec, kernelJson, labUrl, shutdownSessions } from '../helpers/jupyter';
import { clickRow, expectInSync, kernelState, openWidget, row, ROOT, ROWS, rowsWithStatus, COMPARED } from '../helpers/widget';

/** Every comm message must stay under this; the whole `_sweep` of this sweep is ~1.1 MB. */
const BOUND = 300_000;

const frames: number[] = [];

test.beforeEach(async ({ page }) => {
  frames.length = 0;
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('websocket', (ws) => {
    // the widget's messages only (comm_open, comm_msg), not the test's own kernel prints
    ws.on('framereceived', (f) => {
      const head = (typeof f.payload === 'string' ? f.payload : f.payload.toString('latin1')).slice(0, 4000);
      if (/"msg_type":\s*"comm_(open|msg)"/.test(head)) frames.push(typeof f.payload === 'string' ? Buffer.byteLength(f.payload) : f.payload.length);
    });
  });
  (page as unknown as { errors: string[] }).errors = errors;
  await openWidget(page, 'windowed.ipynb');
});

test.afterEach(async ({ page }) => {
  expect((page as unknown as { errors: string[] }).errors, 'uncaught errors in the page').toEqual([]);
  expect(frames.length).toBeGreaterThan(0);
  expect(Math.max(...frames), 'the largest comm message (bytes)').toBeLessThan(BOUND);
  await shutdownSessions(labUrl());
});

/** (position in the order, config id) of every data row rendered now, by position. */
function shownRows(page: Page): Promise<Array<[number, number]>> {
  return page.evaluate((sel) => {
    const rows = Array.from(document.querySelectorAll<HTMLElement>(sel), (el) => [Number(el.getAttribute('aria-rowindex')) - 2, Number(el.dataset.config)] as [number, number]);
    return rows.sort((a, b) => a[0] - b[0]);
  }, ROWS);
}

/** The kernel's order of the view (sweepwalk.widget.window.row_order of the whole results). */
function kernelOrder(page: Page, view: { scope: string; sort: [string, string] | null; filter: string | null }): Promise<number[]> {
  const sort = view.sort ? `("${view.sort[0]}", "${view.sort[1]}")` : 'None';
  const filter = view.filter ? `"${view.filter}"` : 'None';
  return kernelJson<number[]>(
    page,
    `__import__("sweepwalk.widget.window", fromlist=["row_order"]).row_order(w.sweep, w._full_results, scope="${view.scope}", sort=${sort}, filter=${filter}).tolist()`,
  );
}

/** Wait until no row is loading, then every rendered row is the kernel's at its position. */
async function expectKernelRows(page: Page, order: number[], atLeast = 6): Promise<Array<[number, number]>> {
  await expect(page.locator(`${ROOT} [data-loading]`)).toHaveCount(0);
  const shown = await shownRows(page);
  expect(shown.length).toBeGreaterThanOrEqual(atLeast);
  expect(shown.map(([i]) => order[i])).toEqual(shown.map(([, c]) => c));
  return shown;
}

async function scrollTo(page: Page, fraction: number): Promise<void> {
  await page.locator(`${ROOT} .sw-viewport`).evaluate((el, f) => {
    el.scrollTop = (el.scrollHeight - el.clientHeight) * f;
  }, fraction);
}

test('the compared rows are listed, the sweep says it is windowed, and a click walks', async ({ page }) => {
  expect(await kernelJson<boolean>(page, 'w._sweep["windowed"]')).toBe(true);
  // the whole payload of this sweep would not fit the bound: the bound says something
  await kernelExec(page, 'from sweepwalk.widget.serialization import sweep_payload as _sp\n_p = _sp(w.sweep)');
  const whole = 'sum(len(v) for v in _p.values() if isinstance(v, bytes)) + sum(len(q["codes"]) for q in _p["params"])';
  expect(await kernelJson<number>(page, whole)).toBeGreaterThan(3 * BOUND);
  await expect(page.locator(`${ROOT} [data-testid="sw-windowed"]`)).toContainText('20,000 configurations');
  await expect(page.locator(`${ROOT} [data-testid="sw-profile"]`)).toContainText('Summarised');
  const start = (await kernelState(page)).target;
  await expectInSync(page, start);
  // each compared row shows its own mean: the columns came with the results
  const [neighbour] = await rowsWithStatus(page, COMPARED);
  const mean = await kernelJson<number>(page, `float(w.sweep.configs["mean"][${neighbour}])`);
  const text = (await row(page, neighbour).locator('[data-col="mean"]').textContent()) ?? '';
  expect(Math.abs(parseFloat(text.replace('−', '-')) - mean), text).toBeLessThan(0.01 + 0.01 * Math.abs(mean));
  await clickRow(page, neighbour);
  const state = await expectInSync(page, neighbour);
  expect(state.path).toEqual([start, neighbour]);
  // the results computed ahead bring their rows' columns: a click on a neighbour shows at once
  await expect
    .poll(() => kernelJson<boolean>(page, 'w._prefetch is not None and w._prefetch.done()'))
    .toBe(true);
  const next = (await rowsWithStatus(page, COMPARED)).find((c) => c !== start) as number;
  await page.evaluate(() => performance.clearMarks());
  await clickRow(page, next);
  await expect(row(page, next)).toHaveAttribute('data-status', 'target');
  expect(await page.evaluate(() => performance.getEntriesByName('sweepwalk:results-ahead').length)).toBe(1);
  expect((await expectInSync(page, next)).path).toEqual([start, neighbour, next]);

  // every row of one status, listed by the kernel; a click shown from the results computed
  // ahead (the kernel may not have its own yet) still ends with the kernel's rows
  await page.locator(`${ROOT} [data-testid="sw-scope"]`).selectOption('all');
  await page.locator(`${ROOT} [data-legend-status="ns"]`).click();
  const ns = await kernelOrder(page, { scope: 'all', sort: null, filter: 'ns' });
  await expectKernelRows(page, ns, 1);
  await expect
    .poll(() => kernelJson<boolean>(page, 'w._prefetch is not None and w._prefetch.done()'))
    .toBe(true);
  const [, third] = (await shownRows(page)).find(([, c]) => c !== start && c !== neighbour)!;
  await clickRow(page, third);
  await expect.poll(async () => (await kernelState(page)).target).toBe(third);
  await expectKernelRows(page, await kernelOrder(page, { scope: 'all', sort: null, filter: 'ns' }), 1);
});

test('all rows, sorted and filtered in the kernel, scroll to the right rows; a click walks', async ({ page }) => {
  await page.locator(`${ROOT} [data-testid="sw-scope"]`).selectOption('all');
  // all rows in sweep order: positions are config ids, their columns come as they show
  await expectKernelRows(page, await kernelOrder(page, { scope: 'all', sort: null, filter: null }));
  await scrollTo(page, 0.5);
  const middle = await expectKernelRows(page, await kernelOrder(page, { scope: 'all', sort: null, filter: null }));
  expect(middle[0][0]).toBeGreaterThan(9_000);

  await page.locator(`${ROOT} .sw-head[data-sort="mean"]`).click(); // best first (goal max)
  await expect(page.locator(`${ROOT} .sw-head[data-sort="mean"]`)).toHaveAttribute('aria-sort', 'descending');
  const byMean = await kernelOrder(page, { scope: 'all', sort: ['mean', 'desc'], filter: null });
  // End: the last row, not yet here, is focused once it comes
  await expectKernelRows(page, byMean);
  await page.locator(`${ROOT} .sw-viewport`).focus();
  await page.keyboard.press('End');
  await expect(page.locator(`${ROOT} .sw-data.sw-focused`)).toHaveAttribute('data-config', String(byMean[byMean.length - 1]));
  for (const at of [0, 0.37, 1]) {
    await scrollTo(page, at);
    await expectKernelRows(page, byMean);
  }

  // the legend's "not compared" filter: only rows out of the comparison, still by mean
  await page.locator(`${ROOT} [data-legend-status="out"]`).click();
  const out = await kernelOrder(page, { scope: 'all', sort: ['mean', 'desc'], filter: 'out' });
  expect(out.length).toBeGreaterThan(19_000);
  await scrollTo(page, 0.6);
  const shown = await expectKernelRows(page, out);
  for (const [, config] of shown) await expect(row(page, config)).toHaveAttribute('data-status', 'out');

  // a click on a row far down the sorted list walks there; Python sees it
  const start = (await kernelState(page)).target;
  const pick = shown[Math.floor(shown.length / 2)][1];
  await clickRow(page, pick);
  await expect.poll(async () => (await kernelState(page)).target).toBe(pick);
  expect((await kernelState(page)).path).toEqual([start, pick]);
});

test('a shift-click range selects the rows between in the kernel-sorted order', async ({ page }) => {
  await page.locator(`${ROOT} [data-testid="sw-scope"]`).selectOption('all');
  await page.locator(`${ROOT} .sw-head[data-sort="std"]`).click();
  const byStd = await kernelOrder(page, { scope: 'all', sort: ['std', 'asc'], filter: null });
  await scrollTo(page, 0.25);
  const top = await expectKernelRows(page, byStd);
  const [first] = top[2];
  await clickRow(page, top[2][1], ['Control']);
  // far below, past rows never shown: their ids come from the kernel for the range
  await scrollTo(page, 0.3);
  const below = await expectKernelRows(page, byStd);
  const [last, lastConfig] = below[below.length - 3];
  expect(last - first).toBeGreaterThan(500);
  await clickRow(page, lastConfig, ['Shift']);
  const want = byStd.slice(first, last + 1).sort((a, b) => a - b);
  await expect.poll(async () => (await kernelState(page)).selected, { timeout: 30_000 }).toEqual(want);
  expect((await kernelState(page)).selection).toEqual(want);
});

test('against all rows: results come with their rows, the legend counts every row', async ({ page }) => {
  await page.locator(`${ROOT} [data-testid="sw-against"]`).selectOption('all');
  await expect.poll(async () => kernelJson<string>(page, 'w._results["state"]["against"]'), { timeout: 60_000 }).toBe('all');
  // 20,000 rows compared: the results sent hold the target's row only (and the counts)
  expect(await kernelJson<number>(page, 'w._results["partial"]["total"]')).toBe(20_000);
  const counts = await kernelJson<Record<string, number>>(page, 'w._results["partial"]["counts"]');
  for (const [status, n] of Object.entries(counts)) {
    await expect(page.locator(`${ROOT} [data-legend-status="${status}"] .sw-legend-count`)).toHaveText(String(n));
  }
  await page.locator(`${ROOT} .sw-head[data-sort="pvalue_adj"]`).click();
  const byP = await kernelOrder(page, { scope: 'compared', sort: ['pvalue_adj', 'asc'], filter: null });
  const state = await kernelState(page);
  for (const at of [0, 0.5, 0.9]) {
    await scrollTo(page, at);
    const shown = await expectKernelRows(page, byP);
    for (const [, config] of shown) await expect(row(page, config)).toHaveAttribute('data-status', state.status[String(config)]);
  }
});
