/**
 * One entry of a comparison, trained in its own worker thread (its own tfjs, engine threads and
 * store connection, so `--parallel N` replays share the cores): a full-training replay through the
 * replay machinery, resumed from its checkpoint when it has one. Posts its log lines and, at the
 * end, how it ended; a 'stop' message stops it between batches (the replay is then 'interrupted').
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Store } from '../store/store.js';
import { loadSpace } from '../space/load.js';
import { prepareReplay, trainPrepared } from '../replay/replay.js';
import { readCheckpointMeta } from '../replay/checkpoint.js';
import { ReplayInterrupted, type BatchProgress } from '../training/loop.js';
import { tapStore } from './tap.js';
import { throttled } from '../core/throttle.js';
import type { EntrySpec } from './plan.js';

export interface EntryJob {
  dbFile: string;
  entryId: number;
  spec: EntrySpec;
  label: string;
  dataset: string;
  backend: string;
  threads?: number;
  /** Seconds between two progress messages within an epoch; none without it. */
  progressEvery?: number;
}

export type WorkerMessage =
  | { type: 'log'; line: string }
  | { type: 'progress'; progress: BatchProgress }
  | { type: 'end'; status: 'complete' | 'interrupted' | 'failed'; error?: string };

const port = parentPort!;
const job = workerData as EntryJob;
const stop = new AbortController();
port.on('message', (m: { type?: string }) => {
  if (m?.type === 'stop') stop.abort();
});
const say = (line: string) => port.postMessage({ type: 'log', line } satisfies WorkerMessage);

/** Posts a batch's progress when `every` seconds have passed since the last post (an epoch's last batch is left to its epoch line). */
function progressPoster(every: number): (p: BatchProgress) => void {
  const post = throttled(every * 1000, (p: BatchProgress) => port.postMessage({ type: 'progress', progress: p } satisfies WorkerMessage));
  return (p) => {
    if (p.batch !== p.batches) post(p);
  };
}

async function train(): Promise<WorkerMessage> {
  const store = Store.open(job.dbFile);
  try {
    const entry = store.comparisons.entry(job.entryId);
    const { spec } = job;
    const prepared = await prepareReplay({
      space: loadSpace(spec.spaceFile), genotype: spec.genotype, label: job.label, runId: spec.runId, trialId: spec.trialId, dataset: job.dataset,
      macro: spec.macro, settings: spec.settings, backend: job.backend, threads: job.threads, out: entry.checkpointDir,
      resume: readCheckpointMeta(entry.checkpointDir) !== undefined, store, log: say, signal: stop.signal,
    });
    // Started before, but killed ahead of its first checkpoint: the same replay row trains from the start.
    if (!prepared.replay && entry.replayId !== null) prepared.replay = store.getReplay(entry.replayId);
    if (prepared.replay && prepared.replay.id !== entry.replayId) store.comparisons.linkReplay(entry.id, prepared.replay.id);
    if (job.progressEvery !== undefined) prepared.plan.onBatch = progressPoster(job.progressEvery);
    await trainPrepared(prepared, tapStore(store, entry.id, prepared));
    return { type: 'end', status: 'complete' };
  } catch (e) {
    if (e instanceof ReplayInterrupted) return { type: 'end', status: 'interrupted' };
    return { type: 'end', status: 'failed', error: ((e as Error)?.message ?? String(e)).split('\n')[0] };
  } finally {
    store.close();
  }
}

train().then(
  (end) => {
    port.postMessage(end);
    port.close();
  },
  (e: unknown) => {
    // Store.open itself failed: nothing was trained.
    port.postMessage({ type: 'end', status: 'failed', error: ((e as Error)?.message ?? String(e)).split('\n')[0] } satisfies WorkerMessage);
    port.close();
  },
);
