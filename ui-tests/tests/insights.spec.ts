/**
 * Walk insights on the bundled demo sweep in a real JupyterLab 4: the importance panel, the power
 * marker, "walk from here" and the walk ledger, each checked in the DOM (what a person sees) and
 * against the kernel (`w.importance()`, `w.results`, `w.sweep.walk(...)`, `w.ledger`).
 */
import * as path from 'node:path';
import { expect, Page, test } from '@playwright/test';
import { ARTIFACTS_DIR } from '../helpers/servers';
import { kernelExec, kernelJson } from '../helpers/jupyter';
import {
  clickRow,
  COMPARED,
  expectInSync,
  openWidgetForEachTest,
  ROOT,
  ROWS,
  rowsWithStatus,
} from '../helpers/widget';

openWidgetForEachTest(test);

const hook = (page: Page, id: string) => page.locator(`${ROOT} [data-testid="${id}"]`);

async function ledgerTests(page: Page): Promise<number> {
  return Number(await hook(page, 'sw-ledger').getAttribute('data-tests'));
}

test('the importance panel draws matters / negligible / inconclusive per parameter, equal to w.importance()', async ({ page }) => {
  await page.locator(`${ROOT} [data-testid="sw-importance-panel"] > summary`).click();
  const bars = page.locator(`${ROOT} [data-testid="sw-importance"] .sw-imp-row`);
  type Want = {
    params: string[]; share: (number | null)[]; verdict: string[];
    matters: number[]; negligible: number[]; inconclusive: number[]; source: string;
  };
  const want = await kernelJson<Want>(
    page,
    `(lambda f: {"params": [str(p) for p in f.index],
                 "share": [None if f != f else float(f) for f in f["share_significant"]],
                 "verdict": [str(v) for v in f["verdict"]],
                 "matters": [int(x) for x in f["matters"]],
                 "negligible": [int(x) for x in f["negligible"]],
                 "inconclusive": [int(x) for x in f["inconclusive"]],
                 "source": str(f.attrs["margin_source"])})(w.importance())`,
  );
  await expect(bars).toHaveCount(want.params.length);
  const shown = await bars.evaluateAll((els) =>
    els.map((el) => {
      const part = (name: string) => el.querySelector<HTMLElement>(`.sw-imp-seg[data-part="${name}"]`);
      const count = (name: string) => Number(part(name)?.dataset.count ?? 0);
      return {
        param: (el as HTMLElement).dataset.param,
        share: Number((el as HTMLElement).dataset.share),
        verdict: el.querySelector('.sw-imp-verdict')?.textContent,
        counts: [count('matters'), count('negligible'), count('inconclusive')],
        width: part('matters')?.getBoundingClientRect().width ?? 0,
      };
    }),
  );
  expect(shown.map((s) => s.param)).toEqual(want.params);
  expect(shown.map((s) => s.verdict)).toEqual(want.verdict);
  shown.forEach((s, i) => expect(s.share).toBeCloseTo(want.share[i] ?? NaN, 12));
  expect(shown.map((s) => s.counts)).toEqual(want.params.map((_, i) => [want.matters[i], want.negligible[i], want.inconclusive[i]]));
  // a parameter with significant pairs has a visible bar
  expect(Math.max(...shown.map((s) => s.width))).toBeGreaterThan(5);
  // the margin in use is said, with the engine's reason when none was given
  await expect(hook(page, 'sw-importance-margin-used')).toContainText(want.source);
  // the per-target table lists every parameter
  await expect(hook(page, 'sw-neighbour-importance').locator('tr[data-param]')).toHaveCount(want.params.length);
  // for a person to look at: the importance panel
  await hook(page, 'sw-importance-panel').screenshot({ path: path.join(ARTIFACTS_DIR, 'insights-importance.png') });
});

test('the power marker appears exactly on the underpowered rows of w.results', async ({ page }) => {
  const has = await kernelJson<boolean>(page, '"underpowered" in w.results.columns');
  test.skip(!has, 'compare() has no power columns in this checkout');
  // a target whose comparison has underpowered rows
  const target = await kernelJson<number>(
    page,
    `next((t for t in range(len(w.sweep.configs))
           if w.sweep.compare(t, test=w.test, correction=w.correction, alpha=w.alpha,
                              random_state=w.random_state).to_frame()["underpowered"].fillna(False).any()), -1)`,
  );
  expect(target).toBeGreaterThanOrEqual(0);
  await kernelExec(page, `w.target = ${target}`);
  await expectInSync(page, target);
  const want = await kernelJson<number[]>(
    page,
    `[int(i) for i, r in w.results.iterrows() if r["status"] == "ns" and r["mde"] > abs(r["diff_mean"])]`,
  );
  const flagged = await kernelJson<number[]>(
    page,
    `[int(i) for i in w.results.index[w.results["underpowered"].fillna(False).astype(bool)]]`,
  );
  expect(flagged).toEqual(want);
  expect(want.length).toBeGreaterThan(0);
  const shown = await page
    .locator(`${ROOT} [role="row"][data-config][data-underpowered="true"]`)
    .evaluateAll((els) => els.map((el) => Number((el as HTMLElement).dataset.config)).sort((a, b) => a - b));
  expect(shown).toEqual(want);
  await expect(page.locator(`${ROOT} [data-config="${want[0]}"] .sw-power`)).toBeVisible();
});

test('"walk from here" plays the path of sweep.walk step by step', async ({ page }) => {
  // a start whose greedy walk makes at least two moves
  const { start, path } = await kernelJson<{ start: number; path: number[] }>(
    page,
    `(lambda s: {"start": s, "path": w.sweep.walk(s, test=w.test, correction=w.correction, alpha=w.alpha,
                                                  neighbors=w.neighbors, random_state=w.random_state).path})(
        next(int(t) for t in w.sweep.configs["mean"].sort_values().index[:8]
             if len(w.sweep.walk(int(t), test=w.test, correction=w.correction, alpha=w.alpha,
                                 neighbors=w.neighbors, random_state=w.random_state,
                                 max_steps=2).path) >= 3))`,
  );
  await kernelExec(page, `w.target = ${start}`);
  await expectInSync(page, start);
  const before = await ledgerTests(page);

  await hook(page, 'sw-walk').click();
  const player = hook(page, 'sw-walk-player');
  await expect(player).toHaveAttribute('data-path', path.join(','));
  await expect(player).toHaveAttribute('data-step', '0');
  expect(await kernelJson<number[]>(page, 'w.last_walk.path')).toEqual(path);
  // the breadcrumb shows the path ahead; the walk's tests are in the ledger
  const crumbs = await hook(page, 'sw-breadcrumb').locator('.sw-crumb').evaluateAll((els) =>
    els.map((el) => Number((el as HTMLElement).dataset.crumbConfig)),
  );
  expect(crumbs.slice(-path.length)).toEqual(path);
  await expect.poll(() => ledgerTests(page)).toBeGreaterThan(before);

  for (let k = 1; k < path.length; k++) {
    await hook(page, 'sw-walk-next').click();
    await expect(player).toHaveAttribute('data-step', String(k));
    await expectInSync(page, path[k]);
  }
  await expect(hook(page, 'sw-walk-next')).toBeDisabled();
  expect(await kernelJson<number[]>(page, `w.path[-${path.length}:]`)).toEqual(path);
  await hook(page, 'sw-walk-prev').click();
  await expectInSync(page, path[path.length - 2]);
});

test('the ledger counts every new test of a click and shows the rule in force', async ({ page }) => {
  const badge = hook(page, 'sw-ledger');
  await expect(badge).toHaveAttribute('data-rule', 'per-target');
  const before = await ledgerTests(page);
  expect(before).toBe(await kernelJson<number>(page, 'len(w.ledger)'));
  expect(before).toBeGreaterThan(0);

  const [neighbour] = await rowsWithStatus(page, COMPARED);
  await clickRow(page, neighbour);
  await expectInSync(page, neighbour);
  await expect.poll(() => ledgerTests(page)).toBeGreaterThan(before);
  expect(await ledgerTests(page)).toBe(await kernelJson<number>(page, 'len(w.ledger)'));
  await expect(badge).toContainText('tests so far');

  // walk-wide error control: a fresh ledger, said so, and the grid shows its decisions
  await hook(page, 'sw-error-control').selectOption('walk');
  await expect(badge).toHaveAttribute('data-rule', 'walk');
  await expect(badge).toContainText('walk-wide FDR');
  await expect(hook(page, 'sw-ledger-reason')).toContainText('fresh ledger');
  expect(await kernelJson<string>(page, 'w.error_control')).toBe('walk');
  const state = await expectInSync(page, neighbour);
  const engine = await kernelJson<Record<string, string>>(
    page,
    `(lambda L: {str(int(i)): str(s) for i, s in L.record(w.comparison).items()})(
        __import__("sweepwalk.analysis.ledger", fromlist=["Ledger"]).Ledger("walk", alpha=w.alpha))`,
  );
  expect(state.status).toEqual(engine);
  // what decided each row is shown: its p against the online level, not the per-target p adj
  await expect(page.locator(`${ROOT} .sw-header [data-sort="level"]`)).toHaveText('p vs level');
  await expect(page.locator(`${ROOT} [data-col="pvalue_adj"]`)).toHaveCount(0);
  const shown = await page.evaluate((sel) => Array.from(document.querySelectorAll<HTMLElement>(sel), (r) => [
    r.dataset.status as string,
    r.querySelector('[data-col="level"]')?.textContent ?? '',
  ]), `${ROWS}:not([data-status="target"])`);
  expect(shown.length).toBeGreaterThan(0);
  for (const [status, text] of shown) {
    if (status === 'na') continue;
    expect(text, status).toMatch(['better', 'worse', 'differs'].includes(status) ? / ≤ / : / > /);
  }
});
