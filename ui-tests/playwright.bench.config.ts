/**
 * Click -> repaint benchmark of the widget in a real JupyterLab (not part of the test command).
 * Run: `./scripts/setup.sh --ui && cd ui-tests && npx playwright test -c playwright.bench.config.ts`
 * (or `python benchmarks/bench_click.py`). Prints a table; writes artifacts/bench-click.json.
 */
import { defineConfig } from '@playwright/test';
import base from './playwright.config';

export default defineConfig({
  ...base,
  testDir: './bench',
  testMatch: '*.bench.ts',
  timeout: 15 * 60_000,
  retries: 0,
  reporter: [['list']],
  use: { ...base.use, trace: 'off', screenshot: 'off' },
});
