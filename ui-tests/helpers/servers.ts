/**
 * Start and stop the Jupyter servers the UI tests drive.
 *
 * Each server runs from the repository's `.venv`, on a free port of 127.0.0.1, without a token,
 * with a throw-away root directory holding copies of `ui-tests/notebooks/*.ipynb`, and with its
 * own config, runtime, settings and workspace folders so that nothing from the user's Jupyter
 * set-up leaks in (and nothing leaks out). `window.jupyterapp` is exposed so the tests can talk to
 * the kernel directly.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const UI_TESTS_DIR = path.resolve(__dirname, '..');
export const REPO_ROOT = path.resolve(UI_TESTS_DIR, '..');
export const ARTIFACTS_DIR = path.join(UI_TESTS_DIR, 'artifacts');

export interface Server {
  kind: 'lab' | 'notebook' | 'voila';
  url: string;
  rootDir: string;
  process: ChildProcess;
  log: string;
}

export function jupyterExecutable(): string {
  const fromEnv = process.env.SWEEPWALK_JUPYTER;
  if (fromEnv) return fromEnv;
  const venv = path.join(REPO_ROOT, '.venv', 'bin', 'jupyter');
  if (fs.existsSync(venv)) return venv;
  throw new Error(`no Jupyter found: run ./scripts/setup.sh first (looked for ${venv})`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A temp folder with the notebooks, plus isolated Jupyter config/runtime/settings dirs. */
export function makeSandbox(): { base: string; rootDir: string; settingsDir: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'sweepwalk-ui-'));
  const rootDir = path.join(base, 'root');
  const settingsDir = path.join(base, 'settings');
  for (const dir of [rootDir, settingsDir, path.join(base, 'config'), path.join(base, 'runtime'),
    path.join(base, 'workspaces')]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  const notebooks = path.join(UI_TESTS_DIR, 'notebooks');
  for (const name of fs.readdirSync(notebooks)) {
    if (name.endsWith('.ipynb')) fs.copyFileSync(path.join(notebooks, name), path.join(rootDir, name));
  }
  // No news pop-up, no update checks, no network from the page.
  const notification = path.join(settingsDir, '@jupyterlab', 'apputils-extension');
  fs.mkdirSync(notification, { recursive: true });
  fs.writeFileSync(
    path.join(notification, 'notification.jupyterlab-settings'),
    JSON.stringify({ fetchNews: 'false', checkForUpdates: false }),
  );
  return { base, rootDir, settingsDir };
}

/** Poll `url` + `probe` until it answers 200 (or the process exits, or `timeoutMs` passes). */
export async function waitForServer(
  url: string,
  child: ChildProcess,
  log: string,
  timeoutMs: number,
  probe = 'api/status',
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`Jupyter server exited with ${child.exitCode}; log:\n${readTail(log)}`);
    }
    try {
      const response = await fetch(`${url}${probe}`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Jupyter server at ${url} did not start in ${timeoutMs} ms; log:\n${readTail(log)}`);
}

function readTail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').slice(-4000);
  } catch {
    return '(no log)';
  }
}

/** Start `jupyter lab` or `jupyter notebook` in a fresh sandbox and wait until it answers. */
export async function startServer(kind: 'lab' | 'notebook'): Promise<Server> {
  const { base, rootDir, settingsDir } = makeSandbox();
  const port = await freePort();
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const log = path.join(ARTIFACTS_DIR, `jupyter-${kind}.log`);
  const out = fs.openSync(log, 'w');
  const app = kind === 'lab' ? 'LabApp' : 'JupyterNotebookApp';
  const args = [
    kind,
    '--no-browser',
    `--port=${port}`,
    '--ServerApp.port_retries=0',
    '--ServerApp.ip=127.0.0.1',
    '--IdentityProvider.token=',
    '--ServerApp.password=',
    '--ServerApp.disable_check_xsrf=True',
    '--ServerApp.allow_root=True',
    `--ServerApp.root_dir=${rootDir}`,
    `--${app}.expose_app_in_browser=True`,
    `--LabServerApp.user_settings_dir=${settingsDir}`,
    `--LabServerApp.workspaces_dir=${path.join(base, 'workspaces')}`,
  ];
  // A watchdog shell stops the server when this test runner dies without its teardown (killed,
  // crashed): no Jupyter server outlives the run that started it.
  const watchdog =
    'parent=$1; shift; "$@" & child=$!; ' +
    'trap \'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 0\' TERM INT; ' +
    'while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done; ' +
    'kill -TERM "$child" 2>/dev/null; wait "$child"';
  const child = spawn('bash', ['-c', watchdog, 'watchdog', String(process.pid), jupyterExecutable(), ...args], {
    cwd: rootDir,
    detached: true, // own process group: stopServer() ends the kernels with it
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      JUPYTER_CONFIG_DIR: path.join(base, 'config'),
      JUPYTER_RUNTIME_DIR: path.join(base, 'runtime'),
      JUPYTER_PLATFORM_DIRS: '1',
      PYDEVD_DISABLE_FILE_VALIDATION: '1',
    },
  });
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitForServer(url, child, log, 120_000);
  } catch (err) {
    stopProcess(child);
    throw err;
  }
  return { kind, url, rootDir: base, process: child, log };
}

function stopProcess(child: ChildProcess) {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

/** Stop a server (SIGTERM to its process group, SIGKILL after 5 s) and remove its sandbox. */
export async function stopServer(server: Server): Promise<void> {
  const child = server.process;
  if (child.pid !== undefined && child.exitCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    stopProcess(child);
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5000));
    if ((await Promise.race([exited, timer])) === 'timeout') {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  fs.rmSync(server.rootDir, { recursive: true, force: true });
}
