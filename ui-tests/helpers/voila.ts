/**
 * Start and stop Voilà on one notebook, as helpers/servers.ts does for JupyterLab: the
 * repository's `.venv`, a free port of 127.0.0.1, a throw-away sandbox with the UI-test notebooks
 * and its own Jupyter config/runtime folders, a process group that ends with its kernels.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ARTIFACTS_DIR, freePort, jupyterExecutable, makeSandbox, Server, stopServer, waitForServer } from './servers';

/** `voila <notebook>` from the sandbox; `url` is the page that renders it. */
export async function startVoila(notebook: string): Promise<Server> {
  const { base, rootDir } = makeSandbox();
  const port = await freePort();
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const log = path.join(ARTIFACTS_DIR, 'voila.log');
  const out = fs.openSync(log, 'w');
  const voila = path.join(path.dirname(jupyterExecutable()), 'voila');
  const args = [notebook, '--no-browser', `--port=${port}`, '--Voila.port_retries=0', '--Voila.ip=127.0.0.1',
    '--show_tracebacks=True'];
  const child = spawn(voila, args, {
    cwd: rootDir,
    detached: true, // own process group: stopServer() ends the kernel with it
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
    await waitForServer(url, child, log, 120_000, 'voila/static/voila.js');
  } catch (err) {
    await stopServer({ kind: 'voila', url, rootDir: base, process: child, log });
    throw err;
  }
  return { kind: 'voila', url, rootDir: base, process: child, log };
}
