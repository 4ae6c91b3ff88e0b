/**
 * The consumer side: a BullMQ Worker that hands each job's TrainTask to a local evaluator (the
 * piscina pool for `nas worker`), forwards its progress with job.updateProgress(), and returns the
 * TrialResult as the job's return value.
 *
 * A child that fails for a real reason (NaN loss, out of memory, different data here) throws, so
 * BullMQ retries it (the job's `attempts`), possibly on another worker; after the last attempt the
 * search records the failure. A worker that dies stops renewing its job lock; after lockDuration a
 * live worker's stalled-job check moves the job back to wait and someone else trains it.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { hostname } from 'node:os';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Evaluator, TrialProgress, TrialResult } from '../types.js';
import { bullConnection, connectChecked, parseQueueUrl } from './connection.js';
import { QUEUE_FORMAT, type TrainJobData } from './protocol.js';
import { announceWorker } from './worker-registry.js';
import { listSpaces, resolveSpaceFile } from '../../space/load.js';

export interface QueueWorkerOptions {
  url: string;
  /** Trains the tasks; its capacity is the number of jobs taken at once. */
  evaluator: Evaluator;
  /** Overrides the backend the search asked for (this machine knows its hardware). */
  backend?: string;
  /** Name shown in the dashboard (default HOST:PID). */
  name?: string;
  /** A job's lock expires this long after its worker stops renewing it (default 30 s). */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (default 15 s). */
  stalledIntervalMs?: number;
  /** A job may stall (its worker died) this many times before it fails (default 2). */
  maxStalledCount?: number;
  /** Minimum time between two progress updates of one job (default 250 ms). */
  progressEveryMs?: number;
  log?: (line: string) => void;
}

export interface QueueWorkerHandle {
  readonly name: string;
  /** Stops taking jobs; waits for the running ones unless `force` (they then stall and move on). */
  close(force?: boolean): Promise<void>;
}

/** Connects (checking server and queue format, UserError on faults) and starts serving jobs. */
export async function startQueueWorker(opts: QueueWorkerOptions): Promise<QueueWorkerHandle> {
  const q = parseQueueUrl(opts.url);
  const client: Redis = await connectChecked(q);
  const name = opts.name ?? `${hostname()}:${process.pid}`;
  const log = opts.log ?? (() => {});
  const progressEvery = opts.progressEveryMs ?? 250;
  const concurrency = opts.evaluator.capacity;

  const processor = async (job: Job<TrainJobData, TrialResult>): Promise<TrialResult> => {
    if (job.data?.format !== QUEUE_FORMAT) throw new Error(`job format ${job.data?.format} is not this worker's (${QUEUE_FORMAT}): upgrade the worker`);
    const task = { ...job.data.task, spaceFile: localSpaceFile(job.data.task.spaceFile), ...(opts.backend && { backend: opts.backend }) };
    let last = 0;
    const onProgress = (p: TrialProgress) => {
      const now = Date.now();
      if (now - last < progressEvery && p.batch < p.batches) return;
      last = now;
      void job.updateProgress({ ...p, worker: workerLabel(name, p.worker) }).catch(() => {});
    };
    log(`trial ${task.trialId} (job ${job.id}, attempt ${job.attemptsMade + 1}) started`);
    const result = await opts.evaluator.evaluate(task, onProgress);
    const reward = result.reward;
    if (result.status !== 'complete') throw new Error(result.error ?? 'failed');
    if (reward === null || !Number.isFinite(reward)) throw new Error(`reward is not a number (${String(reward)}): training diverged`);
    log(`trial ${task.trialId} complete: reward ${reward.toFixed(4)}`);
    return { ...result, metrics: result.metrics && { ...result.metrics, worker: workerLabel(name, result.metrics.worker) } };
  };

  const worker = new Worker<TrainJobData, TrialResult>(q.queue, processor, {
    connection: bullConnection(q),
    concurrency,
    name,
    lockDuration: opts.lockDurationMs ?? 30_000,
    stalledInterval: opts.stalledIntervalMs ?? 15_000,
    maxStalledCount: opts.maxStalledCount ?? 2,
  });
  worker.on('error', (err) => log(`queue error: ${err.message.split('\n')[0]}`));
  worker.on('stalled', (jobId) => log(`job ${jobId} stalled (its worker stopped renewing the lock): back in the queue`));
  worker.on('failed', (job, err) => job && log(`trial ${job.data?.task?.trialId} attempt ${job.attemptsMade} failed: ${err.message.split('\n')[0]}`));
  await worker.waitUntilReady();
  const unannounce = announceWorker(client, q.queue, {
    name, host: hostname(), pid: process.pid, concurrency, backend: opts.backend ?? 'task', started: new Date().toISOString(),
  });
  log(`worker ${name} serving queue "${q.queue}" at ${q.shown} with ${concurrency} thread(s)`);

  let closing: Promise<void> | undefined;
  return {
    name,
    close(force = false) {
      if (force) return worker.close(true).then(finish);
      return (closing ??= worker.close().then(finish));
    },
  };

  async function finish(): Promise<void> {
    await unannounce();
    client.disconnect();
  }
}

/**
 * The search sends the absolute path of its space file, which is only valid on its own machine.
 * A worker installed elsewhere uses the built-in space of the same name.
 */
function localSpaceFile(file: string): string {
  if (existsSync(file)) return file;
  const name = basename(file, '.json');
  if (listSpaces().includes(name)) return resolveSpaceFile(name);
  throw new Error(`search space file ${file} is not on this worker (${hostname()}): copy it to the same path`);
}

/** "host:pid/w3": the process, then the pool thread that trained the child. */
function workerLabel(name: string, thread: string | undefined): string {
  const t = thread?.split('/').pop();
  return t ? `${name}/${t}` : name;
}
