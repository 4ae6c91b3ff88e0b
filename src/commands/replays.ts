/** `nas replays`: every full-training replay in a store (also those of no run: --genotype, --baseline). */
import type { Store } from '../store/store.js';
import { parseCommand } from './args.js';
import type { CurvePoint, ReplayRow } from '../store/types.js';
import { defaultDb, runIdOption } from './options.js';
import { duration, pct, si, table } from '../core/format.js';
import { flagStale, openReadOnly, STALE_NOTE, statusOf } from './runs.js';

export async function replaysCommand(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, {
    verb: 'nas replays', usage: 'usage: nas replays [--run RUN] [--db FILE] [--json]\n  --json   the replays as JSON on stdout',
    options: { db: { type: 'string' }, run: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (!parsed) return;
  const { values } = parsed;
  const runId = values.run === undefined ? undefined : runIdOption(values.run, 'run');
  const store = openReadOnly(values.db ?? defaultDb());
  try {
    if (runId !== undefined) store.requireRun(runId);
    const replays = withCurves(store, store.replays(runId));
    if (values.json) return void console.log(JSON.stringify(replays, null, 2));
    if (replays.length === 0) return void console.log(`no replays${runId === undefined ? '' : ` of run ${runId}`} in ${store.file} (nas train makes them)`);
    console.log(replayTable(replays));
  } finally {
    store.close();
  }
}

export type ReplayWithCurve = ReplayRow & { curve: CurvePoint[]; stale: boolean };

/** Replays with their learning curves and whether each is stale. */
export function withCurves(store: Store, replays: ReplayRow[]): ReplayWithCurve[] {
  return flagStale(replays).map((r) => ({ ...r, curve: store.curve({ replayId: r.id }) }));
}

/** One row per replay: progress in epochs, last training accuracy, test accuracy, time. */
export function replayTable(replays: ReplayWithCurve[]): string {
  const rows = replays.map((r) => {
    const total = (r.config as { settings?: { epochs?: number } } | null)?.settings?.epochs;
    const last = r.curve[r.curve.length - 1];
    const trained = r.curve.reduce((sum, p) => sum + (p.seconds ?? 0), 0);
    return [
      String(r.id), r.runId === null ? '-' : String(r.runId), r.label, statusOf(r), `${r.curve.length}/${total ?? '?'}`,
      last?.trainAccuracy == null ? '-' : pct(last.trainAccuracy), r.testAccuracy == null ? '-' : pct(r.testAccuracy), si(r.params),
      r.curve.length ? String(Math.round(trained / r.curve.length)) : '-', r.curve.length ? duration(trained) : '-', r.backend ?? '-',
    ];
  });
  const text = table(['replay', 'run', 'what', 'status', 'epochs', 'train acc', 'test acc', 'params', 's/epoch', 'trained', 'backend'], rows);
  return replays.some((r) => r.stale) ? `${text}\n${STALE_NOTE}` : text;
}
