/**
 * Frame times while scrolling the all-rows view of the sweepwalk grid, for a synthetic sweep of
 * 10k configurations (4 parameters x 10 levels) x 20 seeds, in a real JupyterLab in headless
 * Chromium. Goal: a median frame under 25 ms (60 Hz is 16.7 ms).
 *
 * One run: the grid's viewport is scrolled from inside the page by a fixed step once per
 * animation frame (a fast, steady scroll: STEP_PX per frame, down then back up), and the time
 * between successive requestAnimationFrame callbacks is recorded: that is the frame time a
 * person scrolling sees, including the grid's repaint, style, layout and paint. The same is
 * recorded with the page idle (no scrolling) as the machine's baseline. Also reported: the
 * median time of the grid's own paint per frame (the other rAF callbacks, timed by wrapping
 * requestAnimationFrame), and the same frame times while the mouse wheel scrolls with the pointer
 * resting on the grid (rows pass under it: hover work counts too).
 *
 * Run: `cd ui-tests && npx playwright test -c playwright.bench.config.ts bench/scroll.bench.ts`.
 * Prints a table; writes artifacts/bench-scroll.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test } from '@playwright/test';
import { ARTIFACTS_DIR } from '../helpers/servers';
import { kernelJson, labUrl, openNotebook, runAllCells, shutdownSessions } from '../helpers/jupyter';
import { ROOT, ROWS } from '../helpers/widget';

const N = Number(process.env.SWEEPWALK_BENCH_SCROLL_CONFIGS ?? 10_000);
const SEEDS = 20;
const FRAMES = Number(process.env.SWEEPWALK_BENCH_SCROLL_FRAMES ?? 400);
const STEP_PX = Number(process.env.SWEEPWALK_BENCH_SCROLL_STEP ?? 130); // 5 rows a frame

const SWEEP = (n: number) => `
import numpy as np
import pandas as pd
import sweepwalk

shape = (10,) * ${Math.round(Math.log10(n))}
grids = np.meshgrid(*[np.arange(k, dtype=float) for k in shape], indexing="ij")
params = {f"p{j}": g.ravel() for j, g in enumerate(grids)}
n, s = grids[0].size, ${SEEDS}
rng = np.random.default_rng(0)
drift = sum(0.03 * v for v in params.values())
scores = rng.normal(drift[:, None], 0.5, size=(n, s))
runs = pd.DataFrame({k: np.repeat(v, s) for k, v in params.items()})
runs["seed"] = np.tile(np.arange(s), n)
runs["score"] = scores.ravel()
w = sweepwalk.explore(runs, metric="score", params=list(params), seed="seed")
w`;

interface Frames {
  frames: number[];
  /** time spent in rAF callbacks other than the recorder's own (the grid's repaint) */
  work: number[];
}

/**
 * Record FRAMES frame times while the mouse wheel scrolls the grid, the pointer resting on it (as
 * a person scrolls: rows pass under the pointer). Wheel events come from outside the page
 * (Playwright's mouse), WHEEL_PX each, as fast as they are delivered.
 */
async function recordWheel(page: import('@playwright/test').Page, px: number): Promise<Frames> {
  const box = (await page.locator(`${ROOT} .sw-viewport`).boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
  const done = record(page, 0);
  let finished = false;
  void done.then(() => (finished = true));
  let dir = 1;
  for (let k = 0; !finished; k++) {
    if (k % 150 === 149) dir = -dir;
    await page.mouse.wheel(0, dir * px);
  }
  return done;
}

/** Record FRAMES frame times; scroll the grid by `step` px a frame (0 = idle). */
function record(page: import('@playwright/test').Page, step: number): Promise<Frames> {
  return page.evaluate(
    ({ frames, step, root }) =>
      new Promise<Frames>((resolve) => {
        const viewport = document.querySelector<HTMLElement>(`${root} .sw-viewport`)!;
        const max = viewport.scrollHeight - viewport.clientHeight;
        const times: number[] = [];
        const work: number[] = [];
        const raf = window.requestAnimationFrame.bind(window);
        // time the other rAF callbacks (the grid paints in one after each scroll event)
        (window as any).requestAnimationFrame = (cb: FrameRequestCallback) =>
          raf((t) => {
            const t0 = performance.now();
            cb(t);
            work.push(performance.now() - t0);
          });
        let last = -1;
        let dir = 1;
        const tick = (t: number) => {
          if (last >= 0) times.push(t - last);
          last = t;
          if (times.length >= frames) {
            (window as any).requestAnimationFrame = raf;
            resolve({ frames: times, work });
            return;
          }
          if (step > 0) {
            let next = viewport.scrollTop + dir * step;
            if (next >= max || next <= 0) dir = -dir;
            next = Math.max(0, Math.min(max, next));
            viewport.scrollTop = next;
          }
          raf(tick);
        };
        raf(tick);
      }),
    { frames: FRAMES, step, root: ROOT },
  );
}

/**
 * Main-thread busy time of the page's renderer while `run` goes, from a Chromium trace: the sum of
 * its top-level tasks (RunTask on CrRendererMain), whatever they do (input, the grid's paint,
 * style, layout, paint), divided by the frames recorded.
 */
async function busyPerFrame(page: import('@playwright/test').Page, run: () => Promise<Frames>): Promise<{ frames: Frames; busy_ms_per_frame: number; breakdown: Record<string, number> }> {
  const browser = page.context().browser()!;
  await browser.startTracing(page, { categories: ['devtools.timeline', 'toplevel'] });
  const frames = await run();
  const raw = (await browser.stopTracing()).toString('utf8');
  if (process.env.SWEEPWALK_BENCH_TRACE) fs.writeFileSync(process.env.SWEEPWALK_BENCH_TRACE, raw);
  const trace = JSON.parse(raw);
  const events: any[] = trace.traceEvents ?? trace;
  const main = new Set<string>();
  for (const e of events) if (e.name === 'thread_name' && e.args?.name === 'CrRendererMain') main.add(`${e.pid}:${e.tid}`);
  // the renderer of this page: the main thread with the most work; nested tasks counted once
  const spans = new Map<string, Array<[number, number]>>();
  const parts = new Map<string, Record<string, number>>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.ph !== 'X' || !main.has(key)) continue;
    if (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') {
      if (!spans.has(key)) spans.set(key, []);
      spans.get(key)!.push([e.ts, e.ts + e.dur]);
    } else if (PARTS.includes(e.name)) {
      const p = parts.get(key) ?? {};
      p[e.name] = (p[e.name] ?? 0) + e.dur / 1000;
      parts.set(key, p);
    }
  }
  let total = 0;
  let busiest = '';
  for (const [key, list] of spans) {
    list.sort((x, y) => x[0] - y[0]);
    let sum = 0;
    let end = -Infinity;
    for (const [a, b] of list) {
      if (a >= end) sum += b - a;
      else if (b > end) sum += b - end;
      end = Math.max(end, b);
    }
    if (sum / 1000 > total) [total, busiest] = [sum / 1000, key];
  }
  const n = frames.frames.length;
  const breakdown = Object.fromEntries(Object.entries(parts.get(busiest) ?? {}).map(([k, v]) => [k, v / n]));
  return { frames, busy_ms_per_frame: total / n, breakdown };
}

/** Trace events whose time is broken down per frame (they nest inside tasks, not each other). */
const PARTS = ['EventDispatch', 'FireAnimationFrame', 'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'HitTest'];

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN);
  return { median: q(0.5), p90: q(0.9), max: s.length ? s[s.length - 1] : NaN, n: s.length };
}

test.afterEach(async () => {
  await shutdownSessions(labUrl());
});

test(`scrolling all rows, ${N} configurations x ${SEEDS} seeds`, async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await openNotebook(page, 'bench.ipynb');
  await page.evaluate((code) => {
    const nb = (window as any).jupyterapp.shell.currentWidget;
    nb.content.widgets[0].model.sharedModel.setSource(code);
  }, SWEEP(N));
  await runAllCells(page);
  await expect(page.locator(`${ROWS}[data-status="target"]`)).toHaveCount(1, { timeout: 300_000 });
  expect(await kernelJson<number>(page, 'w.sweep.configs.shape[0]')).toBe(N);
  await page.locator('[data-testid="sw-scope"]').selectOption('all');
  await expect(page.locator(`${ROOT} [role="row"][data-status="out"]`).first()).toBeVisible();
  await page.locator(`${ROOT} .sw-viewport`).scrollIntoViewIfNeeded();
  await page.waitForTimeout(1000);
  const layout = await page.locator(`${ROOT} .sw-viewport`).getAttribute('data-layout');
  // an experiment's extra CSS (e.g. to see what a style costs); not used for the figures reported
  if (process.env.SWEEPWALK_BENCH_CSS) await page.addStyleTag({ content: process.env.SWEEPWALK_BENCH_CSS });

  await record(page, 0); // warm-up
  const idle = await record(page, 0);
  await record(page, STEP_PX); // warm-up (JIT, first rows)
  const scroll = await busyPerFrame(page, () => record(page, STEP_PX));
  const wheel = await busyPerFrame(page, () => recordWheel(page, STEP_PX));
  const out = {
    configs: N,
    seeds: SEEDS,
    frames: FRAMES,
    step_px: STEP_PX,
    layout,
    idle_ms: stats(idle.frames),
    scroll_ms: stats(scroll.frames.frames),
    grid_paint_ms: stats(scroll.frames.work),
    scroll_busy_ms_per_frame: scroll.busy_ms_per_frame,
    wheel_ms: stats(wheel.frames.frames),
    wheel_work_ms: stats(wheel.frames.work),
    wheel_busy_ms_per_frame: wheel.busy_ms_per_frame,
    scroll_breakdown_ms_per_frame: scroll.breakdown,
    wheel_breakdown_ms_per_frame: wheel.breakdown,
  };
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS_DIR, 'bench-scroll.json'), JSON.stringify(out, null, 2));
  const row = (name: string, s: ReturnType<typeof stats>) =>
    `${name.padEnd(22)} ${s.median.toFixed(1).padStart(7)} ${s.p90.toFixed(1).padStart(7)} ${s.max.toFixed(1).padStart(7)} ${String(s.n).padStart(6)}`;
  console.log(`\nall-rows scroll, ${N} configurations x ${SEEDS} seeds, ${STEP_PX} px a frame (${layout} layout)`);
  console.log(`${''.padEnd(22)} ${'median'.padStart(7)} ${'p90'.padStart(7)} ${'max'.padStart(7)} ${'n'.padStart(6)}`);
  console.log(row('idle frame (ms)', out.idle_ms));
  console.log(row('scrolling frame (ms)', out.scroll_ms));
  console.log(row('grid paint (ms)', out.grid_paint_ms));
  console.log(row('wheel frame (ms)', out.wheel_ms));
  console.log(row('wheel rAF work (ms)', out.wheel_work_ms));
  console.log(`main-thread busy per frame (ms): scripted scroll ${out.scroll_busy_ms_per_frame.toFixed(1)}, wheel ${out.wheel_busy_ms_per_frame.toFixed(1)}`);
  const fmt = (b: Record<string, number>) => PARTS.map((k) => `${k} ${(b[k] ?? 0).toFixed(2)}`).join(', ');
  console.log(`  scripted: ${fmt(out.scroll_breakdown_ms_per_frame)}`);
  console.log(`  wheel:    ${fmt(out.wheel_breakdown_ms_per_frame)}`);
});
