/**
 * A piscina worker: trains one child per call (src/training/train-cell.ts) and returns its metrics.
 * The backend, the dataset and its split are set up once per worker thread and kept, not per child.
 */
import { threadId, type MessagePort } from 'node:worker_threads';
import { hostname } from 'node:os';
import * as tf from '#tfjs';
import type { SearchSpace } from '../../space/types.js';
import type { TrainTask, TrialProgress, TrialResult } from '../types.js';
import { threadCpuMs } from '../../core/cpu.js';
import { selectBackend } from '../../engine/backend.js';
import { loadSpace } from '../../space/load.js';
import { trainCell } from '../../training/train-cell.js';
import type { BatchProgress } from '../../training/loop.js';
import { throttled } from '../../core/throttle.js';
import { scoreAndSize } from '../../estimators/score-cell.js';
import { taskFidelity } from '../../training/fidelity.js';
import { childInspector } from './inspect.js';

export interface WorkerInput {
  task: TrainTask;
  port?: MessagePort;
  threads: number;
}

const workerName = `${hostname()}/w${threadId}`;
/** Progress reports at most this often (plus the last batch). */
const PROGRESS_INTERVAL_MS = 250;
let backend: { requested: string; name: string } | undefined;
const spaces = new Map<string, SearchSpace>();

/** Trains `task.genotype` at the task's fidelity; a child that throws becomes a failed result. */
export default async function trainTask({ task, port, threads }: WorkerInput): Promise<TrialResult> {
  const cpu0 = threadCpuMs();
  try {
    if (!backend || backend.requested !== task.backend) {
      const chosen = await selectBackend(task.backend, { threads });
      backend = { requested: task.backend, name: chosen.name };
    }
    let space = spaces.get(task.spaceFile);
    if (!space) spaces.set(task.spaceFile, (space = loadSpace(task.spaceFile)));
    const fidelity = taskFidelity(task);
    if (task.estimator) return zeroCostResult(task, space, fidelity, cpu0);
    // From the thread's start (0), so a child's first batch is posted once the thread is older than the interval.
    const report = throttled(PROGRESS_INTERVAL_MS, (p: BatchProgress) => {
      const progress: Omit<TrialProgress, 'trialId' | 'worker'> = { epoch: p.epoch, epochs: p.epochs, batch: p.batch, batches: p.batches, loss: p.loss, imagesPerSec: p.imagesPerSec };
      port!.postMessage({ ...progress, trialId: task.trialId, worker: workerName });
    }, 0);
    const inspector = childInspector(task, space, threads);
    const m = await trainCell({
      space, genotype: task.genotype, fidelity, dataset: task.dataset, datasetHash: task.datasetHash, seed: task.seed,
      from: task.from === undefined ? undefined : new Uint8Array(Buffer.from(task.from, 'base64')), keepState: task.keepState, inspect: inspector?.inspect, regulariser: task.regulariser,
      onBatch: port && ((p) => report(p, p.batch === p.batches && p.epoch === p.epochs)),
    });
    const cpu1 = threadCpuMs();
    const cpuSeconds: Record<string, number> = cpu0 !== undefined && cpu1 !== undefined ? { cpuSeconds: (cpu1 - cpu0) / 1000 } : {};
    const latency = inspector?.latency() ? { latency: inspector.latency() } : {};
    if (m.rejected !== undefined) {
      return {
        trialId: task.trialId, status: 'failed', reward: null, rejected: true, error: `rejected: ${m.rejected}`,
        metrics: {
          valAccuracy: NaN, valLoss: NaN, trainAccuracy: NaN, trainLoss: NaN, params: m.params, multAdds: m.multAdds, seconds: m.seconds, imagesPerSec: NaN,
          backend: backend.name, epochs: 0, worker: workerName, ...latency, extra: { rejected: 1, liveTensors: tf.memory().numTensors, ...cpuSeconds },
        },
      };
    }
    return {
      trialId: task.trialId,
      status: 'complete',
      reward: m.accuracy,
      metrics: {
        valAccuracy: m.accuracy, valLoss: m.loss, trainAccuracy: m.trainAccuracy, trainLoss: m.trainLoss,
        params: m.params, multAdds: m.multAdds, seconds: m.seconds, imagesPerSec: m.imagesPerSec, backend: backend.name, epochs: fidelity.epochs,
        worker: workerName, ...latency,
        // Live tensors after the child is disposed: constant from child to child unless something leaks.
        extra: { liveTensors: tf.memory().numTensors, ...cpuSeconds, ...(task.rung !== undefined ? { rung: task.rung, epochsTrained: m.epochsTrained } : {}) },
      },
      ...(m.state ? { state: Buffer.from(m.state.buffer, m.state.byteOffset, m.state.byteLength).toString('base64') } : {}),
    };
  } catch (err) {
    return { trialId: task.trialId, status: 'failed', reward: null, error: errorLine(err), metrics: undefined };
  } finally {
    port?.close();
  }
}

/** A zero-cost estimator's score as the trial's reward (higher = better; not an accuracy). */
function zeroCostResult(task: TrainTask, space: SearchSpace, fidelity: ReturnType<typeof taskFidelity>, cpu0: number | undefined): TrialResult {
  const started = performance.now();
  const { score, params, multAdds } = scoreAndSize({ space, genotype: task.genotype, estimator: task.estimator!, fidelity, dataset: task.dataset, datasetHash: task.datasetHash, seed: task.seed });
  const cpu1 = threadCpuMs();
  const seconds = (performance.now() - started) / 1000;
  if (!Number.isFinite(score)) {
    const why = score === -Infinity ? 'no path from the input to the output (log score −∞)' : 'it cannot be computed (NaN)';
    return { trialId: task.trialId, status: 'failed', reward: null, error: `${task.estimator}: ${why}` };
  }
  return {
    trialId: task.trialId, status: 'complete', reward: score,
    metrics: {
      valAccuracy: NaN, valLoss: NaN, trainAccuracy: NaN, trainLoss: NaN, params, multAdds, seconds, imagesPerSec: NaN,
      backend: backend!.name, epochs: 0, worker: workerName,
      extra: { estimator: task.estimator!, score, liveTensors: tf.memory().numTensors, ...(cpu0 !== undefined && cpu1 !== undefined ? { cpuSeconds: (cpu1 - cpu0) / 1000 } : {}) },
    },
  };
}

function errorLine(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] || err.name : String(err);
}
