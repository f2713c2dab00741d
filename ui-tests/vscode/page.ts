/**
 * The page side of the VS Code harness (bundled for the browser by helpers/vscode.ts): what VS
 * Code's notebook webview does with a widget output, against a real kernel.
 *
 * - the theme: `--vscode-*` variables on `html`, body classes and `data-vscode-theme-kind`, as
 *   the webview sets them (values in themes.json);
 * - the widget manager: `@vscode/jupyter-ipywidgets8` (loaded by index.html as an ES module,
 *   then `window.vscIPyWidgets8.load()`), given a kernel connection of `@jupyterlab/services`
 *   and a script loader that maps a widget module to the kernel environment's
 *   `share/jupyter/nbextensions/<module>/index.js` for requirejs, as VS Code does;
 * - every widget output in a `.cell-output-ipywidget-background` element inside an
 *   `overflow-x: auto` output box `calc(100% - 48px)` wide;
 * - a bubble-phase key listener on `window`: what reaches it, VS Code's webview forwards to the
 *   workbench (where `a`, `b`, `dd`, `Delete` edit the notebook).
 */
import { Kernel, KernelManager, ServerConnection } from '@jupyterlab/services';
import themes from './themes.json';

type ThemeKind = keyof typeof themes;

interface KeyRecord {
  type: string;
  key: string;
  ctrl: boolean;
  shift: boolean;
  target: string;
}

interface WidgetManagerLike {
  get_model(id: string): Promise<unknown>;
  create_view(model: unknown, options: Record<string, unknown>): Promise<unknown>;
  display_view(msg: unknown, view: unknown, options: { node: HTMLElement }): Promise<unknown>;
}

const BODY_CLASSES: Record<ThemeKind, string[]> = {
  'vscode-dark': ['vscode-dark'],
  'vscode-light': ['vscode-light'],
  'vscode-high-contrast': ['vscode-high-contrast'],
  'vscode-high-contrast-light': ['vscode-high-contrast', 'vscode-high-contrast-light'],
};

const reached: KeyRecord[] = [];
const errors: string[] = [];
let kernel: Kernel.IKernelConnection | null = null;
let manager: WidgetManagerLike | null = null;

function describe(el: EventTarget | null): string {
  if (!(el instanceof Element)) return String(el);
  return `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''}`;
}

for (const type of ['keydown', 'keyup', 'keypress']) {
  window.addEventListener(type, (event) => {
    const e = event as KeyboardEvent;
    reached.push({ type, key: e.key, ctrl: e.ctrlKey, shift: e.shiftKey, target: describe(e.target) });
  });
}

/** Apply a VS Code theme as the notebook webview does. */
function applyTheme(kind: ThemeKind): void {
  const theme = themes[kind];
  const html = document.documentElement;
  for (const [id, value] of Object.entries(theme.colors)) {
    html.style.setProperty(`--vscode-${id.replace(/\./g, '-')}`, value as string);
  }
  html.style.setProperty('--vscode-font-family', 'system-ui, "Ubuntu", "Droid Sans", sans-serif');
  html.style.setProperty('--vscode-font-size', '13px');
  html.style.setProperty('--vscode-font-weight', 'normal');
  html.style.setProperty('--vscode-editor-font-family', '"Droid Sans Mono", monospace');
  document.body.className = BODY_CLASSES[kind].join(' ');
  document.body.dataset.vscodeThemeKind = kind;
  document.body.dataset.vscodeThemeName = theme.name;
}

/** The script loader VS Code hands the manager: widget modules from the kernel's nbextensions. */
const scriptLoader = {
  widgetsRegisteredInRequireJs: new Set<string>(),
  async loadWidgetScript(moduleName: string): Promise<void> {
    const requirejs = (window as any).requirejs;
    requirejs.config({ paths: { [moduleName]: `nbextensions/${moduleName}/index` } });
    scriptLoader.widgetsRegisteredInRequireJs.add(moduleName);
  },
  successHandler(): void {},
  errorHandler(className: string, moduleName: string, version: string, error: unknown): void {
    errors.push(`failed to load ${moduleName}@${version} ${className}: ${String(error)}`);
  },
};

async function start(kind: ThemeKind): Promise<string> {
  applyTheme(kind);
  const baseUrl = new URL('../', window.location.href).href;
  const serverSettings = ServerConnection.makeSettings({
    baseUrl,
    wsUrl: baseUrl.replace(/^http/, 'ws'),
    token: '',
  });
  const kernels = new KernelManager({ serverSettings });
  await kernels.ready;
  kernel = await kernels.startNew({ name: 'python3' });
  const Manager = (window as any).vscIPyWidgets.WidgetManager;
  manager = new Manager(kernel, document.getElementById('container'), scriptLoader, () => undefined);
  return kernel.id;
}

/** A new output box holding VS Code's ipywidget wrapper; returns the wrapper. */
function outputBox(): HTMLElement {
  const output = document.createElement('div');
  output.className = 'output';
  const wrapper = document.createElement('div');
  wrapper.className = 'cell-output-ipywidget-background';
  output.append(wrapper);
  document.getElementById('container')!.append(output);
  return wrapper;
}

/** An HTML output, as VS Code's notebook renders one: its markup in an output box. */
function htmlOutput(markup: string): void {
  const output = document.createElement('div');
  output.className = 'output';
  output.innerHTML = markup;
  document.getElementById('container')!.append(output);
}

async function renderWidget(modelId: string): Promise<void> {
  if (!manager) throw new Error('start() first');
  const node = outputBox();
  const model = await manager.get_model(modelId);
  const view = await manager.create_view(model, {});
  await manager.display_view(undefined, view, { node });
}

/** Run `code` in the kernel and render every widget it displays; rejects on a Python error. */
async function run(code: string): Promise<string> {
  if (!kernel) throw new Error('start() first');
  const future = kernel.requestExecute({ code, store_history: false });
  const views: Promise<void>[] = [];
  let out = '';
  let error = '';
  future.onIOPub = (msg) => {
    const type = msg.header.msg_type;
    const content = msg.content as any;
    if (type === 'execute_result' || type === 'display_data') {
      const view = content.data['application/vnd.jupyter.widget-view+json'];
      if (view) views.push(renderWidget(view.model_id));
      else if (content.data['text/html']) htmlOutput(content.data['text/html']);
    }
    if (type === 'stream') out += content.text;
    if (type === 'error') error = `${content.ename}: ${content.evalue}`;
  };
  await future.done;
  await Promise.all(views);
  if (error) throw new Error(`kernel error: ${error}`);
  return out;
}

(window as any).vscodeHarness = {
  start,
  theme: applyTheme,
  run,
  reached,
  errors,
  clearKeys: () => reached.splice(0, reached.length),
};
