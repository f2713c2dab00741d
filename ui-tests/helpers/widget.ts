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

/** What a row of the compact layout (a widget under 900 px) shows without scrolling sideways. */
export const COMPACT_READ_FIRST = ['status', 'varied', 'mean', 'estimate', 'pvalue_adj'];

/** What a row of the wide layout shows at any sideways scroll (its sticky columns). */
export const WIDE_READ_FIRST = ['status', 'effect', 'pvalue_adj', 'estimate'];

/**
 * Resize the window until the output that holds the widget (`output`: JupyterLab's
 * `.jp-OutputArea-output`, the VS Code harness's `.output`, Voilà's) is `width` px wide.
 * Returns the width reached.
 */
export async function setOutputWidth(page: Page, output: Locator, width: number, height = 800): Promise<number> {
  let now = 0;
  for (let k = 0; k < 5; k++) {
    now = Math.round((await output.boundingBox())!.width);
    if (Math.abs(now - width) <= 1) break;
    const vw = page.viewportSize()!.width;
    await page.setViewportSize({ width: vw + width - now, height });
    await page.waitForTimeout(300);
  }
  return now;
}

/**
 * At the output's present width: every visible row's read-first cells of the layout the grid
 * chose (compact: COMPACT_READ_FIRST unscrolled; wide: WIDE_READ_FIRST, unscrolled and scrolled
 * sideways to the end) are inside the output and not covered. Returns the layout and the problems
 * (empty when all is well), each named by the scroll position.
 */
export async function readFirstAtThisWidth(page: Page, minRows = 3): Promise<{ layout: string; problems: string[] }> {
  const grid = page.locator(`${ROOT} .sw-viewport`);
  await grid.scrollIntoViewIfNeeded();
  const layout = (await grid.getAttribute('data-layout')) ?? '';
  const out: string[] = [];
  for (const scrollLeft of layout === 'compact' ? [0] : [0, 10_000]) {
    await grid.evaluate((el, x) => (el.scrollLeft = x), scrollLeft);
    await page.waitForTimeout(150);
    const { rows, problems } = await readFirstProblems(page, layout === 'compact' ? COMPACT_READ_FIRST : WIDE_READ_FIRST);
    if (rows < minRows) out.push(`scrollLeft ${scrollLeft}: only ${rows} rows visible`);
    for (const p of problems) out.push(`scrollLeft ${scrollLeft}: #${p.config} ${p.col} ${p.why}`);
  }
  await grid.evaluate((el) => (el.scrollLeft = 0));
  return { layout, problems: out };
}

export interface CellProblem {
  config: string;
  col: string;
  why: string;
}

/**
 * For every grid row wholly visible inside the grid's viewport (below its sticky header) and the
 * window: is each of the READ_FIRST cells inside the window and the topmost element at its centre?
 */
export function readFirstProblems(page: Page, columns: string[]): Promise<{ rows: number; problems: CellProblem[] }> {
  return page.evaluate((cols) => {
    const viewport = document.querySelector<HTMLElement>('.sweepwalk .sw-viewport')!;
    const header = viewport.querySelector<HTMLElement>('.sw-header')!;
    const vr = viewport.getBoundingClientRect();
    // the output area the widget is drawn in (JupyterLab's, the VS Code harness's), else the widget
    const out = (viewport.closest('.jp-OutputArea-output, .output') ?? viewport.closest('.sweepwalk')!).getBoundingClientRect();
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
        if (
          c.width < 8 ||
          c.left < 0 ||
          c.right > window.innerWidth ||
          c.left < vr.left - 0.5 ||
          c.right > vr.left + viewport.clientWidth + 0.5 ||
          c.left < out.left - 0.5 ||
          c.right > out.right + 0.5
        ) {
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
  }, columns);
}

