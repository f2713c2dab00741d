/**
 * Helpers for the sweepwalk widget in a notebook page: its rows (DOM contract: root `.sweepwalk`,
 * grid rows `[role="row"][data-config][data-status]`; the neighbourhood profile's level marks
 * carry `data-config` + `data-status` too) and its Python state read back from the kernel.
 */
import { expect, Locator, Page, test as playwrightTest } from '@playwright/test';
import { kernelJson, labUrl, openNotebook, runAllCells, shutdownSessions } from './jupyter';

export const ROOT = '.sweepwalk';
export const ROWS = '.sweepwalk [role="row"][data-config][data-status]';
export const PROFILE = '.sweepwalk [data-testid="sw-profile"]';

export interface KernelState {
  target: number;
  path: number[];
  selected: number[];
  selection: number[];
  /** config id -> status of `w.results` (the rows compared, target included). */
  status: Record<string, string>;
}

/** Python expression giving KernelState for the widget `w` of the notebook. */
const STATE = `{
  "target": int(w.target),
  "path": [int(i) for i in w.path],
  "selected": [int(i) for i in w.selected],
  "selection": [int(i) for i in w.selection.index],
  "status": {str(int(i)): str(s) for i, s in w.results["status"].items()},
}`;

export function kernelState(page: Page): Promise<KernelState> {
  return kernelJson<KernelState>(page, STATE);
}

/** Open a notebook, run it, and wait until the widget shows a target row. */
export async function openWidget(
  page: Page,
  name = 'widget.ipynb',
  where: 'lab' | 'notebook' = 'lab',
): Promise<void> {
  await openNotebook(page, name, where);
  await runAllCells(page);
  await expect(page.locator(ROOT)).toHaveCount(1);
  await expect(page.locator(`${ROWS}[data-status="target"]`)).toHaveCount(1);
}

/**
 * Hooks shared by the specs that start every test on the widget in JupyterLab: open and run
 * `widget.ipynb` before each test, then shut its kernel down and fail the test on any uncaught
 * error in the page.
 */
export function openWidgetForEachTest(test: typeof playwrightTest): void {
  const errors = new WeakMap<Page, string[]>();
  test.afterEach(async () => {
    await shutdownSessions(labUrl());
  });
  test.beforeEach(async ({ page }) => {
    const seen: string[] = [];
    page.on('pageerror', (e) => seen.push(String(e)));
    errors.set(page, seen);
    await openWidget(page);
  });
  test.afterEach(async ({ page }) => {
    expect(errors.get(page), 'uncaught errors in the page').toEqual([]);
  });
}

export function row(page: Page, config: number): Locator {
  return page.locator(`.sweepwalk [role="row"][data-config="${config}"]`);
}

/** config id -> data-status of every row rendered now (virtualised: the visible ones). */
export function domStatuses(page: Page): Promise<Record<string, string>> {
  return page.evaluate((sel) => {
    const out: Record<string, string> = {};
    for (const el of Array.from(document.querySelectorAll<HTMLElement>(sel))) {
      out[el.dataset.config as string] = el.dataset.status as string;
    }
    return out;
  }, ROWS);
}

/** Rendered rows with one of `statuses`, in display order. */
export async function rowsWithStatus(page: Page, statuses: string[]): Promise<number[]> {
  const all = await page.evaluate((sel) => {
    return Array.from(document.querySelectorAll<HTMLElement>(sel), (el) => [
      Number(el.dataset.config),
      el.dataset.status as string,
    ]) as [number, string][];
  }, ROWS);
  return all.filter(([, s]) => statuses.includes(s)).map(([c]) => c);
}

export const COMPARED = ['better', 'worse', 'differs', 'ns', 'na'];

/**
 * Wait until the kernel's target is `target` and every rendered row's `data-status` equals the
 * status of `w.results` (or `out` for rows not compared). Returns the kernel state.
 */
export async function expectInSync(page: Page, target: number): Promise<KernelState> {
  let state: KernelState | null = null;
  await expect(async () => {
    state = await kernelState(page);
    expect(state.target).toBe(target);
    const dom = await domStatuses(page);
    expect(Object.keys(dom).length).toBeGreaterThan(0);
    const want: Record<string, string> = {};
    for (const config of Object.keys(dom)) want[config] = state.status[config] ?? 'out';
    expect(dom).toEqual(want);
    expect(dom[String(target)]).toBe('target');
  }).toPass({ timeout: 30_000, intervals: [100, 250, 500] });
  return state as unknown as KernelState;
}

/** Click a row on its parameter cells (a non-control area) and wait until it is the target. */
export async function clickRow(page: Page, config: number, modifiers: ('Control' | 'Shift')[] = []) {
  const r = row(page, config);
  await r.scrollIntoViewIfNeeded();
  const box = await r.boundingBox();
  if (!box) throw new Error(`row ${config} is not rendered`);
  // The first column is the selection checkbox: click a little right of the row's middle-left,
  // where the parameter cells are.
  await r.click({ modifiers, position: { x: Math.min(box.width / 3, 260), y: box.height / 2 } });
}
