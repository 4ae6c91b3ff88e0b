/**
 * Trains a comparison's unfinished entries, one after another or `parallel` at once, each in a
 * worker thread of its own (worker.ts). An entry's replay checkpoints every epoch, so a comparison
 * killed at any moment loses at most the epoch in progress of each entry in flight; a resume
 * continues those from their checkpoints and starts the others.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { Store } from '../store/store.js';
import type { ComparisonEntryRow } from '../store/comparisons.js';
import type { EntryJob, WorkerMessage } from './worker.js';
import type { EntrySpec } from './plan.js';
import type { BatchProgress } from '../training/loop.js';
import { replayLabel } from './plan.js';

export interface PendingEntry {
  entry: ComparisonEntryRow;
  spec: EntrySpec;
}

export interface TrainEntriesOptions {
  store: Store;
  comparisonId: number;
  pending: PendingEntry[];
  dataset: string;
  backend: string;
  /** Threads per replay; default: every core for a lone replay (src/replay/threads.ts), cores / parallel side by side. */
  threads?: number;
  parallel: number;
  log: (entry: ComparisonEntryRow, line: string) => void;
  /** Told an entry's batch progress at most every `everySeconds` within an epoch. */
  progress?: { everySeconds: number; report: (entry: ComparisonEntryRow, p: BatchProgress) => void };
  /** Hands over stop(): no new entry starts and those in flight stop between batches. */
  control?: (stop: () => void) => void;
}

export type EntriesOutcome = 'complete' | 'failed' | 'interrupted';

/** Threads for each of `parallel` replays side by side (undefined: a lone replay takes every core). */
export function threadsPerReplay(parallel: number, given?: number): number | undefined {
  if (given !== undefined) return given;
  return parallel > 1 ? Math.max(1, Math.floor(availableParallelism() / parallel)) : undefined;
}

export async function trainEntries(o: TrainEntriesOptions): Promise<EntriesOutcome> {
  const queue = [...o.pending];
  const live = new Set<Worker>();
  let stopping = false;
  let failed = 0;
  let interrupted = 0;
  o.control?.(() => {
    stopping = true;
    for (const w of live) w.postMessage({ type: 'stop' });
  });
  const threads = threadsPerReplay(o.parallel, o.threads);

  const runOne = (p: PendingEntry): Promise<WorkerMessage & { type: 'end' }> =>
    new Promise((resolve) => {
      const job: EntryJob = {
        dbFile: o.store.file, entryId: p.entry.id, spec: p.spec, label: replayLabel(p.spec, o.comparisonId), dataset: o.dataset, backend: o.backend,
        ...(threads !== undefined && { threads }),
        ...(o.progress && { progressEvery: o.progress.everySeconds }),
      };
      const w = new Worker(new URL('./worker.js', import.meta.url), { workerData: job });
      live.add(w);
      let end: (WorkerMessage & { type: 'end' }) | undefined;
      let crash: string | undefined;
      w.on('message', (m: WorkerMessage) => {
        if (m.type === 'log') return o.log(p.entry, m.line);
        if (m.type === 'progress') return o.progress?.report(p.entry, m.progress);
        // Its store is closed before it says so: nothing is left to do in the thread.
        end = m;
        void w.terminate();
      });
      w.on('error', (e) => {
        crash = (e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'out of memory' : (e.message ?? String(e)).split('\n')[0];
      });
      w.on('exit', () => {
        live.delete(w);
        resolve(end ?? { type: 'end', status: 'failed', error: crash ?? 'the training thread ended without a result' });
      });
    });

  const next = async (): Promise<void> => {
    while (!stopping && queue.length > 0) {
      const p = queue.shift()!;
      o.store.comparisons.setEntryError(p.entry.id, null);
      const end = await runOne(p);
      if (end.status === 'failed') {
        failed++;
        o.store.comparisons.setEntryError(p.entry.id, end.error ?? 'failed');
        o.log(p.entry, `failed: ${end.error}`);
      } else if (end.status === 'interrupted') interrupted++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.parallel, queue.length)) }, () => next()));
  if (stopping || interrupted > 0 || queue.length > 0) return 'interrupted';
  return failed > 0 ? 'failed' : 'complete';
}
