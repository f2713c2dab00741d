/**
 * The VS Code harness (vscode/index.html + vscode/page.ts): the widget in the widget manager
 * VS Code's Jupyter extension ships (`@vscode/jupyter-ipywidgets8`), in a page with VS Code's
 * theme variables, body classes and notebook output CSS, against a real kernel of the JupyterLab
 * server of global-setup.ts. The page is served under that server's origin (`<lab>/vscode/...`)
 * by a Playwright route, so the kernel API needs no CORS; anywidget is loaded through requirejs
 * from the venv's `share/jupyter/nbextensions/anywidget/`, as VS Code loads it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Page } from '@playwright/test';
import { labUrl } from './jupyter';
import { jupyterExecutable, REPO_ROOT, UI_TESTS_DIR } from './servers';

export type ThemeKind = 'vscode-dark' | 'vscode-light' | 'vscode-high-contrast' | 'vscode-high-contrast-light';

export const THEMES: Record<ThemeKind, { name: string; colors: Record<string, string> }> = JSON.parse(
  fs.readFileSync(path.join(UI_TESTS_DIR, 'vscode', 'themes.json'), 'utf8'),
);

const HARNESS_DIR = path.join(UI_TESTS_DIR, 'vscode');
const NODE_MODULES = path.join(UI_TESTS_DIR, 'node_modules');

let pageBundle: string | null = null;

/** vscode/page.ts bundled for the browser (esbuild of the repository root), once per run. */
function harnessScript(): string {
  if (pageBundle === null) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require(path.join(REPO_ROOT, 'node_modules', 'esbuild'));
    const result = esbuild.buildSync({
      entryPoints: [path.join(HARNESS_DIR, 'page.ts')],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      write: false,
      logLevel: 'silent',
      nodePaths: [NODE_MODULES],
    });
    pageBundle = result.outputFiles[0].text as string;
  }
  return pageBundle as string;
}

function nbextensionsDir(): string {
  return path.join(path.dirname(path.dirname(jupyterExecutable())), 'share', 'jupyter', 'nbextensions');
}

/** The file behind `<lab>/vscode/<name>`, or null. */
function harnessFile(name: string): { body: string | Buffer; type: string } | null {
  const js = 'text/javascript';
  if (name === 'index.html') return { body: fs.readFileSync(path.join(HARNESS_DIR, 'index.html')), type: 'text/html' };
  if (name === 'harness.js') return { body: harnessScript(), type: js };
  if (name === 'require.js') return { body: fs.readFileSync(path.join(NODE_MODULES, 'requirejs', 'require.js')), type: js };
  if (name === 'ipywidgets.js') {
    const file = path.join(NODE_MODULES, '@vscode', 'jupyter-ipywidgets8', 'dist', 'ipywidgets.js');
    return { body: fs.readFileSync(file), type: js };
  }
  const nbext = /^nbextensions\/([\w-]+)\/([\w.-]+\.js)$/.exec(name);
  if (nbext) {
    const file = path.join(nbextensionsDir(), nbext[1], nbext[2]);
    if (fs.existsSync(file)) return { body: fs.readFileSync(file), type: js };
  }
  return null;
}

/**
 * Open the harness in `kind`'s theme, start a kernel and return its id (delete it with
 * `stopKernel`). The page's `window.vscodeHarness.run(code)` runs code and renders its widgets.
 */
export async function openHarness(page: Page, kind: ThemeKind): Promise<string> {
  const base = `${labUrl()}vscode/`;
  await page.route(`${base}**`, async (route) => {
    const name = new URL(route.request().url()).pathname.replace(/^.*?\/vscode\//, '');
    const file = harnessFile(name);
    if (file) await route.fulfill({ status: 200, contentType: file.type, body: file.body });
    else await route.fulfill({ status: 404, body: 'not in the harness' });
  });
  await page.goto(`${base}index.html`);
  await page.waitForFunction(() => (window as any).vscodeHarnessLoaded === true);
  return page.evaluate((k) => (window as any).vscodeHarness.start(k), kind);
}

/** Switch the page to `kind`'s theme, as VS Code does when the user picks another theme. */
export async function switchTheme(page: Page, kind: ThemeKind): Promise<void> {
  await page.evaluate((k) => (window as any).vscodeHarness.theme(k), kind);
}

/** Run `code` in the harness's kernel and wait until the widgets it displays are rendered. */
export async function runInHarness(page: Page, code: string): Promise<string> {
  return page.evaluate((c) => (window as any).vscodeHarness.run(c), code);
}

export async function stopKernel(kernelId: string | undefined): Promise<void> {
  if (kernelId) await fetch(`${labUrl()}api/kernels/${kernelId}`, { method: 'DELETE' });
}

export interface KeyRecord {
  type: string;
  key: string;
  ctrl: boolean;
  shift: boolean;
  target: string;
}

/** Every key event that reached `window` in the bubble phase (what VS Code would receive). */
export function keysReached(page: Page): Promise<KeyRecord[]> {
  return page.evaluate(() => [...(window as any).vscodeHarness.reached]);
}

export async function clearKeys(page: Page): Promise<void> {
  await page.evaluate(() => (window as any).vscodeHarness.clearKeys());
}
