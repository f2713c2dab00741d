/**
 * UI tests of the sweepwalk widget in a real JupyterLab 4 and Jupyter Notebook 7.
 *
 * Run from the repository root with `./scripts/test.sh`, or alone with
 * `cd ui-tests && npx playwright test` after `./scripts/setup.sh --ui`.
 * The servers are started by global-setup.ts on free ports and stopped at the end.
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from './helpers/chromium';

export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.ts',
  outputDir: './test-results',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1, // one shared server, two cores: keep kernels few
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    video: 'off', // needs ffmpeg, which is not installed
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
  },
});
