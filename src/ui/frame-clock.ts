/**
 * Throttled redraws and their cost. A search emits progress many times a second; the dashboard
 * redraws when something changed, but never more often than its drawing budget allows: the gap
 * between frames is at least (average cost of a frame) / `share`, so drawing takes at most `share`
 * of a core (default 0.5%: ink lays out and diffs every character, ~8-20 ms a frame on a loaded
 * 2-core machine, so the frame rate adapts to ~0.5 fps there and goes up on a faster machine).
 * Keys redraw at once: they are the user's, and rare.
 */

export interface FrameStats {
  frames: number;
  /** Wall time of the synchronous renders, ms (inflated when the machine is busy). */
  renderMs: number;
  /** The main thread's CPU time in those renders, ms (Linux: /proc/thread-self/schedstat); else = renderMs. */
  renderCpuMs: number;
  /** Where renderCpuMs comes from. */
  cpuSource: 'schedstat' | 'wall';
  /** Wall time the dashboard has been up, ms. */
  upMs: number;
}

export interface FrameClock {
  /** Redraw now (keys, the final frame). */
  drawNow(): void;
  /**
   * Redraw if one is due, without waiting for the timer: for callers on a busy main thread (a
   * tabular search resolves every child as a microtask and never lets timers run).
   */
  poke(): void;
  stats(): FrameStats;
  stop(): void;
}

export interface FrameClockOptions {
  /** Shortest gap between frames, ms (default 250). */
  minGapMs?: number;
  /** Redraw at least this often even if nothing changed (the elapsed clock), ms (default 1000). */
  idleMs?: number;
  /** Longest gap between frames while something changes, ms (default 5000): the screen stays alive. */
  maxGapMs?: number;
  /** Target share of one core spent drawing (default 0.005). */
  share?: number;
}

export { threadCpuMs } from '../core/cpu.js';
import { threadCpuMs } from '../core/cpu.js';

/** Calls draw() on a timer as described above. The timer is unref'd: it never keeps the process alive. */
export function startFrameClock(draw: () => void, isDirty: () => boolean, opts: FrameClockOptions = {}): FrameClock {
  const minGap = opts.minGapMs ?? 250;
  const idle = opts.idleMs ?? 1000;
  const share = opts.share ?? 0.005;
  const maxGap = Math.max(minGap, opts.maxGapMs ?? 5000);
  const t0 = performance.now();
  let frames = 0;
  let renderMs = 0;
  let avg = 0; // moving average of a frame's cost, ms
  let last = 0;
  let renderCpuMs = 0;
  const hasCpu = threadCpuMs() !== undefined;
  const drawNow = () => {
    const cpu0 = hasCpu ? threadCpuMs()! : 0;
    const start = performance.now();
    draw();
    const end = performance.now();
    const cpu = hasCpu ? threadCpuMs()! - cpu0 : end - start;
    renderMs += end - start;
    renderCpuMs += cpu;
    // The pace follows CPU, not wall time: on a busy machine wall time counts other threads' turns.
    const cost = cpu;
    // The first frames pay for JIT warm-up and module loading: they do not set the pace.
    if (frames >= 2) avg = frames === 2 ? cost : 0.8 * avg + 0.2 * cost;
    frames++;
    last = end;
  };
  const poke = () => {
    const since = performance.now() - last;
    const gap = Math.min(maxGap, Math.max(minGap, avg / share));
    if (since >= gap && (isDirty() || since >= Math.max(idle, gap))) drawNow();
  };
  const timer = setInterval(poke, Math.min(minGap, 250));
  timer.unref();
  return {
    drawNow,
    poke,
    stats: () => ({ frames, renderMs, renderCpuMs, cpuSource: hasCpu ? 'schedstat' : 'wall', upMs: performance.now() - t0 }),
    stop: () => clearInterval(timer),
  };
}
