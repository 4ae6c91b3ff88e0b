/**
 * What the search (producer) and `nas worker` (consumer) agree on: queue name, key names, the job
 * payload and its format version. A change that old workers or searches cannot read must bump
 * QUEUE_FORMAT, so mixing versions fails with one clear line instead of silently wrong results.
 */
import { createHash } from 'node:crypto';
import type { TrainTask, TrialProgress } from '../types.js';

/** Version of the job payload and key layout below (2: tasks carry a rung, its fidelity and the state a promotion continues). */
export const QUEUE_FORMAT = 2;

/** BullMQ queue name when the URL does not give one (`?queue=NAME`). */
export const DEFAULT_QUEUE = 'nas-trials';

/** Real errors (NaN, out of memory, refused data) are retried this many times in all before the trial fails. */
export const DEFAULT_ATTEMPTS = 3;

/** Finished jobs are kept this long so a search resumed later still finds their results. */
export const KEEP_FINISHED_SECONDS = 7 * 24 * 3600;

/** The data of one BullMQ job: everything a worker needs to train one child. */
export interface TrainJobData {
  format: number;
  task: TrainTask;
}

/** What a worker sends through job.updateProgress(). */
export type TrainJobProgress = TrialProgress;

/** Key holding the queue's format version (outside BullMQ's own `bull:` keys). */
export const formatKey = (queue: string): string => `nas:queue-format:${queue}`;

/** Prefix of the heartbeat keys of live workers (one key per worker process, with a TTL). */
export const workerKeyPrefix = (queue: string): string => `nas:workers:${queue}:`;

/**
 * Deterministic job id of a child: the same trial of the same search always maps to the same job,
 * so BullMQ never enqueues it twice (add() with an existing id is a no-op) and a resumed search
 * finds it again. The hash of the task keeps two stores with the same run/trial numbers apart.
 */
export function jobIdOf(task: TrainTask): string {
  const { runId, trialId, genotype, spaceFile, macro, proxy, dataset, datasetHash, seed, rung, fidelity } = task;
  const digest = createHash('sha256')
    .update(JSON.stringify([genotype, spaceFile, macro, proxy, dataset, datasetHash ?? '', seed, ...(rung === undefined ? [] : [rung, fidelity ?? null])]))
    .digest('hex')
    .slice(0, 12);
  // A promotion is its own job: rung k of a trial never shares an id with rung 0.
  return `r${runId}-t${trialId}${rung ? `-g${rung}` : ''}-${digest}`;
}
