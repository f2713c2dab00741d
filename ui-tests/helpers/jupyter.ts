/**
 * Small helpers to drive JupyterLab / Notebook 7 pages through `window.jupyterapp` (exposed by the
 * servers of global-setup.ts) and to run code in the notebook's own kernel.
 */
import { expect, Page } from '@playwright/test';

export function labUrl(): string {
  const url = process.env.SWEEPWALK_LAB_URL;
  if (!url) throw new Error('SWEEPWALK_LAB_URL is not set: run through playwright.config.ts');
  return url;
}

export function notebookUrl(): string {
  const url = process.env.SWEEPWALK_NOTEBOOK_URL;
  if (!url) throw new Error('SWEEPWALK_NOTEBOOK_URL is not set: run through playwright.config.ts');
  return url;
}

/** Shut down every kernel session of a server, so the next test starts from a fresh kernel. */
export async function shutdownSessions(baseUrl: string): Promise<void> {
  const response = await fetch(`${baseUrl}api/sessions`);
  const sessions = (await response.json()) as { id: string }[];
  await Promise.all(
    sessions.map((s) => fetch(`${baseUrl}api/sessions/${s.id}`, { method: 'DELETE' })),
  );
}

/**
 * Open `name` (a notebook in the server's root) in JupyterLab (`/lab/tree/...`) or Notebook 7
 * (`/notebooks/...`) and wait until its kernel is idle.
 */
export async function openNotebook(
  page: Page,
  name: string,
  where: 'lab' | 'notebook' = 'lab',
): Promise<void> {
  const url =
    where === 'lab' ? `${labUrl()}lab/tree/${name}?reset` : `${notebookUrl()}notebooks/${name}`;
  await page.goto(url);
  await page.waitForFunction(
    (nbName) => {
      const app = (window as any).jupyterapp;
      const widget = app?.shell?.currentWidget;
      const ctx = widget?.sessionContext;
      return (
        widget?.context?.path?.endsWith(nbName) &&
        ctx?.session?.kernel?.connectionStatus === 'connected' &&
        ctx.session.kernel.status === 'idle'
      );
    },
    name,
    { timeout: 90_000, polling: 200 },
  );
}

/** Run every cell of the current notebook and wait until the kernel is idle again. */
export async function runAllCells(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const app = (window as any).jupyterapp;
    await app.commands.execute('notebook:run-all-cells');
  });
  await waitForIdleKernel(page);
}

export async function waitForIdleKernel(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const widget = (window as any).jupyterapp?.shell?.currentWidget;
      const cells = widget?.content?.widgets ?? [];
      const pending = cells.some((c: any) => c.model?.type === 'code' && c.promptNode?.textContent?.includes('*'));
      return !pending && widget?.sessionContext?.session?.kernel?.status === 'idle';
    },
    undefined,
    { timeout: 90_000, polling: 200 },
  );
}

/** Text of every output of cell `index` of the current notebook. */
export async function cellOutputText(page: Page, index: number): Promise<string> {
  return page.evaluate((i) => {
    const widget = (window as any).jupyterapp.shell.currentWidget;
    const cell = widget.content.widgets[i];
    return cell.outputArea.node.textContent ?? '';
  }, index);
}

/**
 * Execute `code` in the current notebook's kernel (not as a cell: nothing is added to the
 * notebook) and return what it printed. A Python exception rejects with its traceback summary.
 */
export async function kernelExec(page: Page, code: string): Promise<string> {
  return page.evaluate(async (source) => {
    const widget = (window as any).jupyterapp.shell.currentWidget;
    const kernel = widget.sessionContext.session.kernel;
    const future = kernel.requestExecute({ code: source, store_history: false });
    let out = '';
    let error = '';
    future.onIOPub = (msg: any) => {
      const type = msg.header.msg_type;
      if (type === 'stream') out += msg.content.text;
      if (type === 'error') error = `${msg.content.ename}: ${msg.content.evalue}`;
    };
    await future.done;
    if (error) throw new Error(`kernel error: ${error}`);
    return out;
  }, code);
}

/** Evaluate a Python expression in the kernel and parse it back through JSON. */
export async function kernelJson<T = unknown>(page: Page, expression: string): Promise<T> {
  const out = await kernelExec(page, `import json as _j\nprint(_j.dumps(${expression}))`);
  return JSON.parse(out) as T;
}

export async function expectNoDialog(page: Page): Promise<void> {
  await expect(page.locator('.jp-Dialog')).toHaveCount(0);
}
