/**
 * The local evaluator: a piscina pool of worker threads, each training one child at a time.
 * Workers load the data once (module-level caches in worker.ts) and report progress through a
 * MessagePort per task, so the main thread never trains.
 */
import { MessageChannel } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { fixedPool } from './threads.js';
import type { Evaluator, TrainTask, TrialProgress, TrialResult } from '../types.js';
import type { WorkerInput } from './worker.js';

export interface PoolOptions {
  /** Worker threads (default: one per core). */
  workers?: number;
  /** Threads each worker's backend may use; default cores / workers, so workers × threads = cores. */
  threadsPerWorker?: number;
  /** Heap limit of a worker in MiB: a child that exceeds it fails (out of memory) instead of the search. */
  maxHeapMb?: number;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** Engine threads each of `workers` pool threads gets, so that workers × threads = cores. */
export function threadsPerWorker(workers: number): number {
  return Math.max(1, Math.floor(availableParallelism() / workers));
}

/** Creates the piscina-backed evaluator. close() ends the threads. */
export function createPoolEvaluator(opts: PoolOptions = {}): Evaluator {
  const workers = opts.workers ?? defaultWorkers();
  const threads = opts.threadsPerWorker ?? threadsPerWorker(workers);
  const pool = fixedPool<WorkerInput, TrialResult>(new URL('./worker.js', import.meta.url), workers, opts.maxHeapMb ?? 4096);
  return {
    name: 'pool',
    capacity: workers,
    async evaluate(task: TrainTask, onProgress?: (p: TrialProgress) => void, signal?: AbortSignal): Promise<TrialResult> {
      const { port1, port2 } = new MessageChannel();
      port1.on('message', (p: TrialProgress) => onProgress?.(p));
      try {
        return await pool.run({ task, port: port2, threads }, { transferList: [port2], signal: signal ?? null });
      } catch (err) {
        return { trialId: task.trialId, status: 'failed', reward: null, error: workerError(err) };
      } finally {
        port1.close();
      }
    },
    close: () => pool.destroy(),
  };
}

/** A worker that died (out of memory, a native crash) rejects its task: say so in one line. */
function workerError(err: unknown): string {
  const e = err as { code?: string; name?: string; message?: string };
  if (e?.code === 'ERR_WORKER_OUT_OF_MEMORY') return 'out of memory: the worker exceeded its heap limit';
  if (e?.name === 'AbortError') return 'aborted';
  return (e?.message ?? String(err)).split('\n')[0];
}
