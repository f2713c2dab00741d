/**
 * Start and stop `marimo run ui-tests/marimo/app.py --headless` for the marimo UI test.
 *
 * The app runs from a throw-away folder (a copy of app.py plus a `.marimo.toml` asking for the
 * "system" theme, so the browser's `prefers-color-scheme` picks marimo's light or dark mode),
 * with HOME pointing there so nothing from the user's marimo set-up leaks in, on a free port.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ARTIFACTS_DIR, REPO_ROOT, UI_TESTS_DIR, freePort } from './servers';

export interface MarimoServer {
  url: string;
  dir: string;
  process: ChildProcess;
  log: string;
}

function marimoExecutable(): string {
  const fromEnv = process.env.SWEEPWALK_MARIMO;
  if (fromEnv) return fromEnv;
  const venv = path.join(REPO_ROOT, '.venv', 'bin', 'marimo');
  if (fs.existsSync(venv)) return venv;
  throw new Error(`no marimo found: run ./scripts/setup.sh first (looked for ${venv})`);
}

export async function startMarimo(): Promise<MarimoServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sweepwalk-marimo-'));
  fs.copyFileSync(path.join(UI_TESTS_DIR, 'marimo', 'app.py'), path.join(dir, 'app.py'));
  fs.writeFileSync(path.join(dir, '.marimo.toml'), '[display]\ntheme = "system"\n');
  const port = await freePort();
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const log = path.join(ARTIFACTS_DIR, 'marimo.log');
  const out = fs.openSync(log, 'w');
  const args = ['run', 'app.py', '--headless', '--no-token', '--host', '127.0.0.1', '--port', String(port)];
  // As for Jupyter: a watchdog shell ends marimo when this runner dies without its teardown.
  const watchdog =
    'parent=$1; shift; "$@" & child=$!; ' +
    'trap \'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 0\' TERM INT; ' +
    'while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done; ' +
    'kill -TERM "$child" 2>/dev/null; wait "$child"';
  const child = spawn('bash', ['-c', watchdog, 'watchdog', String(process.pid), marimoExecutable(), ...args], {
    cwd: dir,
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'config'), MARIMO_SKIP_UPDATE_CHECK: '1' },
  });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`marimo exited with ${child.exitCode}:\n${fs.readFileSync(log, 'utf8')}`);
    try {
      if ((await fetch(`${url}health`)).ok) return { url, dir, process: child, log };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stopMarimo({ url, dir, process: child, log });
  throw new Error(`marimo did not start in 60 s:\n${fs.readFileSync(log, 'utf8')}`);
}

export async function stopMarimo(server: MarimoServer): Promise<void> {
  const child = server.process;
  if (child.pid !== undefined && child.exitCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  fs.rmSync(server.dir, { recursive: true, force: true });
}
