/**
 * The live dashboard of `nas search` on a terminal. The search loop hands it every SearchEvent and
 * its log lines; keys go back through the loop's SearchControl:
 *   q or Ctrl-C  graceful stop (in-flight children finish, the run stays resumable);
 *                pressed again: abort (in-flight children are marked interrupted)
 *   p            pause / resume handing out children
 * Ink's own Ctrl-C exit is off (exitOnCtrlC: false): in raw mode Ctrl-C arrives as a key, not
 * SIGINT, and must behave like the plain search's SIGINT handler.
 */
import { render } from 'ink';
import type { SearchEvent } from '../search/events.js';
import type { SearchSpace } from '../space/types.js';
import type { SearchControl } from '../search/loop.js';
import type { Store } from '../store/store.js';
import type { RunConfig } from '../store/types.js';
import { Dashboard } from './Dashboard.js';
import { detailsReader } from './details.js';
import { startFrameClock, type FrameStats } from './frame-clock.js';
import { DashboardModel } from './model.js';

export interface AttachOptions {
  store: Store;
  runId: number;
  space: SearchSpace;
  config: RunConfig;
  backend: string;
  getControl: () => SearchControl | undefined;
  /** Streams for tests; default the process's. */
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

export interface AttachedDashboard {
  onEvent(e: SearchEvent): void;
  log(line: string): void;
  /** Draws the final frame, leaves it on screen and gives the terminal back. */
  unmount(): Promise<void>;
  /** Frames drawn and time spent drawing them so far. */
  stats(): FrameStats;
}

/** Takes over the terminal for a running search. */
export async function attachDashboard(opts: AttachOptions): Promise<AttachedDashboard> {
  const run = opts.store.requireRun(opts.runId);
  const model = new DashboardModel(opts.store, run, { live: true, backend: opts.backend, workers: opts.config.workers, startedAt: Date.now() });
  const details = detailsReader(opts.store);

  const onQuit = () => {
    const control = opts.getControl();
    if (!control) return;
    if (control.stopping) {
      model.log('stopping now: in-flight children are marked interrupted');
      control.abort();
    } else {
      model.log('finishing the children in flight (q or Ctrl-C again to stop now); resume with --resume');
      control.stop();
    }
    model.setStopping(true);
    clock.drawNow();
  };
  const onPause = () => {
    const control = opts.getControl();
    if (control && !control.stopping) control.setPaused(!control.paused);
    clock.drawNow();
  };
  const frame = () => <Dashboard snapshot={model.snapshot()} details={details} onQuit={onQuit} onPause={onPause} />;

  const instance = render(frame(), {
    stdout: opts.stdout ?? process.stdout,
    stdin: opts.stdin ?? process.stdin,
    exitOnCtrlC: false,
    // Our own clock throttles redraws; ink's cap only bounds key-driven re-renders.
    maxFps: 10,
  });
  const clock = startFrameClock(() => instance.rerender(frame()), () => model.dirty);

  let unmounted = false;
  return {
    onEvent: (e) => {
      model.apply(e);
      clock.poke();
    },
    log: (line) => model.log(line),
    stats: () => clock.stats(),
    async unmount() {
      if (unmounted) return;
      unmounted = true;
      clock.drawNow();
      clock.stop();
      const s = clock.stats();
      instance.unmount();
      await instance.waitUntilExit().catch(() => {});
      if (process.env.NAS_DASHBOARD_STATS) {
        const share = (100 * s.renderCpuMs) / Math.max(1, s.upMs);
        process.stderr.write(
          `dashboard: ${s.frames} frames in ${(s.upMs / 1000).toFixed(1)} s; main-thread CPU drawing ${s.renderCpuMs.toFixed(1)} ms (${s.cpuSource}) = ${share.toFixed(3)}% of a core; ` +
            `wall time drawing ${s.renderMs.toFixed(1)} ms\n`,
        );
      }
    },
  };
}
