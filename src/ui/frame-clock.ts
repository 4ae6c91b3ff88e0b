/**
 * Throttled redraws and their cost. A search emits progress many times a second; the dashboard
 * redraws at most every `frameMs` (and once a second for the clock), and measures the main
 * thread's time spent drawing so that the "< 1% of a core" target can be checked.
 */
export interface FrameStats {
  frames: number;
  /** Wall time of the synchronous renders, ms: an upper bound on their main-thread CPU time. */
  renderMs: number;
  /** Wall time the dashboard has been up, ms. */
  upMs: number;
}

export interface FrameClock {
  /** Redraw now (keys, the final frame). */
  drawNow(): void;
  stats(): FrameStats;
  stop(): void;
}

/**
 * Calls draw() when isDirty() at most every frameMs, and at least every idleMs (elapsed clock).
 * The timer is unref'd: it never keeps the process alive.
 */
export function startFrameClock(draw: () => void, isDirty: () => boolean, frameMs = 500, idleMs = 1000): FrameClock {
  const t0 = performance.now();
  let frames = 0;
  let renderMs = 0;
  let last = 0;
  const drawNow = () => {
    const start = performance.now();
    draw();
    const end = performance.now();
    renderMs += end - start;
    frames++;
    last = end;
  };
  const timer = setInterval(() => {
    const since = performance.now() - last;
    if ((isDirty() && since >= frameMs) || since >= idleMs) drawNow();
  }, Math.min(frameMs, 250));
  timer.unref();
  return {
    drawNow,
    stats: () => ({ frames, renderMs, upMs: performance.now() - t0 }),
    stop: () => clearInterval(timer),
  };
}
