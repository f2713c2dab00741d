/**
 * The sweepwalk widget on the bundled demo sweep in a real JupyterLab 4: clicks, the walk's
 * history, selection and keyboard, each checked both in the DOM (what a person sees) and in the
 * kernel (what Python receives).
 */
import { expect, test } from '@playwright/test';
import { kernelExec, kernelJson } from '../helpers/jupyter';
import {
  clickRow,
  COMPARED,
  expectInSync,
  kernelState,
  openWidgetForEachTest,
  row,
  ROWS,
  rowsWithStatus,
} from '../helpers/widget';

openWidgetForEachTest(test);

test('the first view matches w.results', async ({ page }) => {
  const state = await kernelState(page);
  expect(state.path).toEqual([state.target]);
  await expectInSync(page, state.target);
  expect(await rowsWithStatus(page, COMPARED)).not.toHaveLength(0);
});

test('a click on a neighbour makes it the target; Python sees it and the grid repaints', async ({
  page,
}) => {
  const start = (await kernelState(page)).target;
  const [neighbour] = await rowsWithStatus(page, COMPARED);
  await clickRow(page, neighbour);
  await expect(row(page, neighbour)).toHaveAttribute('data-status', 'target');
  const state = await expectInSync(page, neighbour);
  expect(state.path).toEqual([start, neighbour]);

  // Setting the target from Python repaints the grid too.
  await kernelExec(page, `w.target = ${start}`);
  const back = await expectInSync(page, start);
  expect(back.path).toEqual([start, neighbour, start]);
});

test('back and forward: Alt+Left / Alt+Right and the buttons', async ({ page }) => {
  const t0 = (await kernelState(page)).target;
  const [a] = await rowsWithStatus(page, COMPARED);
  await clickRow(page, a);
  await expectInSync(page, a);
  const b = (await rowsWithStatus(page, COMPARED)).find((c) => c !== t0) as number;
  expect(b).toBeDefined();
  await clickRow(page, b);
  await expectInSync(page, b);

  await page.keyboard.press('Alt+ArrowLeft');
  await expect(row(page, a)).toHaveAttribute('data-status', 'target');
  expect((await expectInSync(page, a)).path).toEqual([t0, a, b, a]);
  await page.keyboard.press('Alt+ArrowLeft');
  expect((await expectInSync(page, t0)).path).toEqual([t0, a, b, a, t0]);
  await page.keyboard.press('Alt+ArrowRight');
  expect((await expectInSync(page, a)).path).toEqual([t0, a, b, a, t0, a]);

  await page.locator('[data-testid="sw-forward"]').click();
  expect((await expectInSync(page, b)).path).toEqual([t0, a, b, a, t0, a, b]);
  await page.locator('[data-testid="sw-back"]').click();
  expect((await expectInSync(page, a)).path).toEqual([t0, a, b, a, t0, a, b, a]);
  // The page itself did not navigate away (Alt+Left is also the browser's "back").
  expect(page.url()).toContain('/lab/tree/widget.ipynb');
});

test('selection by checkbox and by ctrl-click reaches w.selected and w.selection', async ({
  page,
}) => {
  const target = (await kernelState(page)).target;
  const [x, y] = await rowsWithStatus(page, COMPARED);
  expect(y).toBeDefined();
  await row(page, x).locator('[data-testid="sw-row-select"]').check();
  await clickRow(page, y, ['Control']);
  await expect(row(page, x)).toHaveAttribute('aria-selected', 'true');
  await expect(row(page, y)).toHaveAttribute('aria-selected', 'true');
  await expect(async () => {
    const state = await kernelState(page);
    expect([...state.selected].sort((p, q) => p - q)).toEqual([x, y].sort((p, q) => p - q));
    expect([...state.selection].sort((p, q) => p - q)).toEqual([x, y].sort((p, q) => p - q));
    expect(state.target).toBe(target); // selecting does not move the target
  }).toPass({ timeout: 30_000 });
  const selection = JSON.parse(
    await kernelExec(page, 'print(w.selection["status"].to_json())'),
  ) as Record<string, string>;
  expect(Object.keys(selection).sort()).toEqual([String(x), String(y)].sort());
  // Unticking removes it again.
  await row(page, x).locator('[data-testid="sw-row-select"]').uncheck();
  await expect(async () => {
    expect((await kernelState(page)).selected).toEqual([y]);
  }).toPass({ timeout: 30_000 });
});

test('keyboard: arrows move the focus, Enter makes the focused row the target', async ({ page }) => {
  const [a] = await rowsWithStatus(page, COMPARED);
  await clickRow(page, a); // focuses the grid on row a
  await expectInSync(page, a);
  await page.locator('.sweepwalk [role="grid"]').focus();
  const focused = () =>
    page.evaluate(() => {
      const el = document.querySelector<HTMLElement>('.sweepwalk .sw-focused[data-config]');
      return el ? Number(el.dataset.config) : null;
    });
  expect(await focused()).toBe(a);
  await page.keyboard.press('ArrowDown');
  let next = await focused();
  if (next === a) {
    // a was the last row: go up instead
    await page.keyboard.press('ArrowUp');
    next = await focused();
  }
  expect(next).not.toBeNull();
  expect(next).not.toBe(a);
  await page.keyboard.press('Enter');
  await expect(row(page, next as number)).toHaveAttribute('data-status', 'target');
  const state = await expectInSync(page, next as number);
  expect(state.path.slice(-2)).toEqual([a, next]);
});

test('quick clicks: the last click wins', async ({ page }) => {
  await page.locator('[data-testid="sw-scope"]').selectOption('all');
  const rendered = await page.locator(ROWS).evaluateAll((els) =>
    els.map((el) => Number((el as HTMLElement).dataset.config)),
  );
  const target = (await kernelState(page)).target;
  const picks = rendered.filter((c) => c !== target).slice(0, 4);
  expect(picks).toHaveLength(4);
  for (const c of picks) await clickRow(page, c);
  const last = picks[picks.length - 1];
  await expect(row(page, last)).toHaveAttribute('data-status', 'target');
  const state = await expectInSync(page, last);
  expect(state.path.slice(-4)).toEqual(picks);
});

test("a click on a neighbour computed ahead is painted from the kernel's ahead results", async ({
  page,
}) => {
  const start = (await kernelState(page)).target;
  const [a] = await rowsWithStatus(page, COMPARED);
  await clickRow(page, a);
  await expectInSync(page, a);
  // the kernel computes a's neighbours in a worker thread, then sends what each click shows
  await expect
    .poll(() => kernelJson<boolean>(page, 'w._prefetch is not None and w._prefetch.done()'))
    .toBe(true);
  const b = (await rowsWithStatus(page, COMPARED)).find((c) => c !== start) as number;
  expect(b).toBeDefined();
  await page.evaluate(() => performance.clearMarks());
  await clickRow(page, b);
  await expect(row(page, b)).toHaveAttribute('data-status', 'target');
  const shownAhead = await page.evaluate(
    () => performance.getEntriesByName('sweepwalk:results-ahead').length,
  );
  expect(shownAhead).toBe(1);
  // and the kernel's own answer agrees: every row as w.results has it, the path recorded
  expect((await expectInSync(page, b)).path).toEqual([start, a, b]);
});
