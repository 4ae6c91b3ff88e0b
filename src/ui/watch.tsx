/**
 * The attached viewer of `nas dashboard`: polls a READ-ONLY store and draws the same panels as the
 * live dashboard. It never writes, so it cannot block or slow the search (SQLite WAL: readers and
 * the one writer do not wait for each other). q or Ctrl-C quits the viewer only.
 */
import { render, renderToString } from 'ink';
import type { Store } from '../store/store.js';
import { Dashboard } from './Dashboard.js';
import { detailsReader } from './details.js';
import { startFrameClock } from './frame-clock.js';
import { DashboardModel } from './model.js';

export interface WatchOptions {
  /** Poll interval, ms (default 1000). */
  intervalMs?: number;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

/** Shows a run until the user presses q. */
export async function watchRun(store: Store, runId: number, opts: WatchOptions = {}): Promise<void> {
  const model = new DashboardModel(store, store.requireRun(runId), { live: false });
  const details = detailsReader(store);
  let quit = () => {};
  const frame = () => <Dashboard snapshot={model.snapshot()} details={details} onQuit={() => quit()} />;
  const instance = render(frame(), { stdout: opts.stdout ?? process.stdout, stdin: opts.stdin ?? process.stdin, exitOnCtrlC: false, maxFps: 10 });
  const interval = opts.intervalMs ?? 1000;
  // The poll is the redraw: reload (a few short reads) then draw, at most once per interval.
  const clock = startFrameClock(() => { model.reload(); instance.rerender(frame()); }, () => true, { minGapMs: interval, idleMs: interval });
  await new Promise<void>((resolve) => {
    quit = () => {
      clock.stop();
      instance.unmount();
      resolve();
    };
    // The clock is unref'd; this keeps the viewer alive until q.
    const keepAlive = setInterval(() => {}, 1 << 30);
    instance.waitUntilExit().finally(() => { clearInterval(keepAlive); resolve(); });
  });
}

/** One frame of a run as text (no terminal needed): `nas dashboard --once`, docs and tests. */
export function dashboardText(store: Store, runId: number, columns = 80, rows = 24): string {
  const model = new DashboardModel(store, store.requireRun(runId), { live: false });
  return renderToString(<Dashboard snapshot={model.snapshot()} details={detailsReader(store)} onQuit={() => {}} columns={columns} rows={rows} />, { columns });
}
