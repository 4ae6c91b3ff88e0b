/**
 * The remote evaluator: each child becomes one BullMQ job that some `nas worker` trains. The search
 * loop does not know the difference — this is one more Evaluator. Results come back through
 * BullMQ's own completion events (QueueEvents + job.waitUntilFinished), progress through its
 * 'progress' events.
 *
 * Faults are BullMQ's job: a worker that dies holds a lock that expires, its job is moved back to
 * wait by stalled-job detection and another worker takes it; a job that throws is retried
 * `attempts` times. Resume: the job id is deterministic, so a re-dispatched trial finds its job —
 * finished (its stored result is returned at once), or still queued/running (waited for).
 */
import { Queue, QueueEvents, Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Evaluator, TrainTask, TrialProgress, TrialResult } from '../types.js';
import { bullConnection, connectChecked, parseQueueUrl } from './connection.js';
import { DEFAULT_ATTEMPTS, KEEP_FINISHED_SECONDS, QUEUE_FORMAT, jobIdOf, type TrainJobData } from './protocol.js';
import { liveWorkers } from './worker-registry.js';

export interface QueueEvaluatorOptions {
  /** redis[s]://[:PASSWORD@]HOST:PORT[/DB][?queue=NAME&capacity=N] */
  url: string;
  /**
   * Children kept in flight. Default: the URL's `?capacity=N`, else the total concurrency of the
   * live workers (re-read every few seconds, at least 1), so workers that join are used.
   */
  capacity?: number;
  /** Tries per child before it is recorded as failed (default 3). */
  attempts?: number;
  /** Delay before a retry, ms (default 1000). */
  retryDelayMs?: number;
  /** Connect timeout of the initial check, ms (default 5000). */
  timeoutMs?: number;
}

/** An Evaluator whose capacity follows the live workers; also exposes the queue for tools. */
export interface QueueEvaluator extends Evaluator {
  readonly queue: Queue<TrainJobData, TrialResult, 'train'>;
  /** Re-reads the live workers now (capacity follows them unless it was fixed). */
  refreshCapacity(): Promise<number>;
}

const REFRESH_MS = 3000;

/**
 * Connects, checks the server (reachable, password, queue format) and returns the evaluator.
 * Every fault is a one-line UserError thrown before the caller touches its store.
 */
export async function createQueueEvaluator(opts: QueueEvaluatorOptions): Promise<QueueEvaluator> {
  const q = parseQueueUrl(opts.url);
  const probe: Redis = await connectChecked(q, { timeoutMs: opts.timeoutMs });
  const fixed = opts.capacity ?? q.capacity;
  let capacity = fixed ?? 1;
  const refreshCapacity = async (): Promise<number> => {
    if (fixed !== undefined) return capacity;
    const workers = await liveWorkers(probe, q.queue).catch(() => undefined);
    if (workers) capacity = Math.max(1, workers.reduce((sum, w) => sum + w.concurrency, 0));
    return capacity;
  };
  await refreshCapacity();
  const timer = fixed === undefined ? setInterval(() => void refreshCapacity(), REFRESH_MS) : undefined;
  timer?.unref();

  const connection = bullConnection(q);
  const queue = new Queue<TrainJobData, TrialResult, 'train'>(q.queue, { connection });
  const events = new QueueEvents(q.queue, { connection });
  // Without a listener an 'error' event would crash the process; real faults surface as rejections.
  queue.on('error', () => {});
  // Every child in flight waits on the queue's 'closing' event (job.waitUntilFinished).
  queue.setMaxListeners(0);
  events.on('error', () => {});
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);

  const listeners = new Map<string, (p: TrialProgress) => void>();
  events.on('progress', ({ jobId, data }) => {
    const listener = listeners.get(jobId);
    if (listener && typeof data === 'object' && data !== null) listener(data as unknown as TrialProgress);
  });

  const attempts = opts.attempts ?? DEFAULT_ATTEMPTS;
  const retryDelay = opts.retryDelayMs ?? 1000;

  async function evaluate(task: TrainTask, onProgress?: (p: TrialProgress) => void, signal?: AbortSignal): Promise<TrialResult> {
    const jobId = jobIdOf(task);
    if (onProgress) listeners.set(jobId, onProgress);
    try {
      // A trial re-dispatched on resume may already have a job: finished, queued or running.
      let job = (await Job.fromId<TrainJobData, TrialResult, 'train'>(queue, jobId)) as Job<TrainJobData, TrialResult, 'train'> | undefined;
      if (!job) {
        job = (await queue.add('train', { format: QUEUE_FORMAT, task }, {
          jobId,
          attempts,
          backoff: { type: 'fixed', delay: retryDelay },
          removeOnComplete: { age: KEEP_FINISHED_SECONDS },
          removeOnFail: { age: KEEP_FINISHED_SECONDS },
        })) as Job<TrainJobData, TrialResult, 'train'>;
      }
      const finished = job.waitUntilFinished(events).then(
        (value: unknown): TrialResult => toResult(task.trialId, value),
        (err: unknown): TrialResult => ({ trialId: task.trialId, status: 'failed', reward: null, error: errorLine(err) }),
      );
      // Aborting only stops waiting: the job keeps running and a resumed search picks up its result.
      return await (signal ? Promise.race([finished, aborted(signal, task.trialId)]) : finished);
    } finally {
      listeners.delete(jobId);
    }
  }

  return {
    name: 'queue',
    get capacity() {
      return capacity;
    },
    queue,
    refreshCapacity,
    evaluate,
    async close() {
      if (timer) clearInterval(timer);
      await Promise.allSettled([events.close(), queue.close()]);
      probe.disconnect();
    },
  };
}

/** The worker returns a TrialResult; anything else is reported as a failure, not trusted. */
function toResult(trialId: number, value: unknown): TrialResult {
  const r = value as TrialResult | null;
  if (!r || typeof r !== 'object' || (r.status !== 'complete' && r.status !== 'failed')) {
    return { trialId, status: 'failed', reward: null, error: `worker returned an unexpected value: ${JSON.stringify(value)?.slice(0, 200)}` };
  }
  return { ...r, trialId };
}

function aborted(signal: AbortSignal, trialId: number): Promise<TrialResult> {
  const result: TrialResult = { trialId, status: 'failed', reward: null, error: 'aborted' };
  if (signal.aborted) return Promise.resolve(result);
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(result), { once: true }));
}

function errorLine(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] || err.name : String(err);
}
