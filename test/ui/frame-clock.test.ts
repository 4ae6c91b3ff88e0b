/** The frame clock: throttled redraws, and the main-thread CPU time they cost. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFrameClock, threadCpuMs } from '../../src/ui/frame-clock.js';

const spin = (ms: number) => { const end = performance.now() + ms; while (performance.now() < end); };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('threadCpuMs counts this thread\'s CPU, not sleeping', { skip: threadCpuMs() === undefined && 'no /proc/thread-self' }, async () => {
  const a = threadCpuMs()!;
  await sleep(100);
  const b = threadCpuMs()!;
  spin(60);
  const c = threadCpuMs()!;
  assert.ok(b - a < 30, `sleeping cost ${b - a} ms`);
  assert.ok(c - b > 5 && c - b <= 65, `spinning 60 ms (wall) cost ${c - b} ms of CPU`);
});

test('redraws only when dirty, and slows down so that drawing stays near its share of a core', async () => {
  let dirty = false;
  let draws = 0;
  // Each frame costs ~20 ms; at share 0.1 the gap must grow to ~200 ms (minGap 20 ms).
  const clock = startFrameClock(() => { draws++; spin(20); dirty = false; }, () => dirty, { minGapMs: 20, idleMs: 10_000, share: 0.1 });
  try {
    await sleep(150);
    assert.equal(draws, 0, 'nothing changed: no frame');
    clock.drawNow();
    clock.drawNow();
    clock.drawNow(); // warm-up frames set no pace; this one does
    const before = draws;
    const cpu0 = clock.stats().renderCpuMs;
    const t0 = performance.now();
    while (performance.now() - t0 < 1000) { dirty = true; await sleep(10); }
    const frames = draws - before;
    const share = (clock.stats().renderCpuMs - cpu0) / (performance.now() - t0);
    // Unthrottled it would draw ~25 frames (20 ms frame + 20 ms gap); the pace follows the CPU cost.
    assert.ok(frames >= 2 && frames <= 15, `${frames} frames in 1 s`);
    assert.ok(share <= 0.1 * 1.5, `drawing took ${(share * 100).toFixed(1)}% of a core, target 10%`);
    const s = clock.stats();
    assert.equal(s.frames, draws);
    assert.ok(s.renderCpuMs > 0 && s.renderMs >= 20 * draws * 0.9);
  } finally {
    clock.stop();
  }
});

test('poke() draws on a main thread that never lets timers run', () => {
  let draws = 0;
  const clock = startFrameClock(() => { draws++; }, () => true, { minGapMs: 50, share: 1 });
  try {
    // A synchronous loop of 400 ms, as a tabular search's microtask chain is: the timer cannot fire.
    const t0 = performance.now();
    while (performance.now() - t0 < 400) { spin(1); clock.poke(); }
    assert.ok(draws >= 5 && draws <= 9, `${draws} frames in 400 ms at a 50 ms gap`);
  } finally {
    clock.stop();
  }
});
