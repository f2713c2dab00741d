/** Infrastructure: JupyterLab 4 and Notebook 7 load, a kernel starts and runs a cell. */
import { expect, test } from '@playwright/test';
import {
  cellOutputText,
  kernelJson,
  labUrl,
  notebookUrl,
  openNotebook,
  runAllCells,
  shutdownSessions,
} from '../helpers/jupyter';

test.afterEach(async () => {
  await shutdownSessions(labUrl());
  await shutdownSessions(notebookUrl());
});

test('JupyterLab 4 runs a cell', async ({ page }) => {
  await openNotebook(page, 'smoke.ipynb', 'lab');
  const version = await page.evaluate(() => (window as any).jupyterapp.version as string);
  expect(version).toMatch(/^4\./);
  await runAllCells(page);
  expect((await cellOutputText(page, 0)).trim()).toBe('2');
  expect(await kernelJson<number>(page, '6 * 7')).toBe(42);
});

test('Jupyter Notebook 7 runs a cell', async ({ page }) => {
  await openNotebook(page, 'smoke.ipynb', 'notebook');
  const version = await page.evaluate(() => (window as any).jupyterapp.version as string);
  expect(version).toMatch(/^7\./);
  await runAllCells(page);
  expect((await cellOutputText(page, 0)).trim()).toBe('2');
});
