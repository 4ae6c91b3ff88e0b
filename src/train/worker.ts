/**
 * A piscina worker: trains one child per call and returns its metrics. The backend, the dataset
 * and its split are set up once per worker thread and kept (module-level caches), not per child.
 */
import { threadId, type MessagePort } from 'node:worker_threads';
import { hostname } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type { SearchSpace, TrainTask, TrialProgress, TrialResult } from '../core/types.js';
import { selectBackend } from '../engine/backend.js';
import { loadSpace } from '../space/load.js';
import { buildModel } from '../model/build.js';
import { trainChild } from './trainer.js';
import { searchData, type SearchData } from './search-data.js';

export interface WorkerInput {
  task: TrainTask;
  port?: MessagePort;
  threads: number;
}

const workerName = `${hostname()}/w${threadId}`;
let backend: { requested: string; name: string } | undefined;
const spaces = new Map<string, SearchSpace>();

/** Trains `task.genotype` on the proxy task; a child that throws becomes a failed result. */
export default async function trainTask({ task, port, threads }: WorkerInput): Promise<TrialResult> {
  try {
    if (!backend || backend.requested !== task.backend) {
      const chosen = await selectBackend(task.backend, { threads });
      backend = { requested: task.backend, name: chosen.name };
    }
    const data: SearchData = searchData(task);
    let space = spaces.get(task.spaceFile);
    if (!space) spaces.set(task.spaceFile, (space = loadSpace(task.spaceFile)));

    const started = performance.now();
    const built = buildModel(space, task.genotype, task.macro, { inputShape: data.inputShape, numClasses: data.numClasses, seed: task.seed });
    const report = (p: Omit<TrialProgress, 'trialId' | 'worker'>) => port?.postMessage({ ...p, trialId: task.trialId, worker: workerName });
    let m: Awaited<ReturnType<typeof trainChild>>;
    try {
      m = await trainChild(built.model, data, { ...task.proxy, seed: task.seed }, report);
    } finally {
      built.model.dispose();
    }
    return {
      trialId: task.trialId,
      status: 'complete',
      reward: m.valAccuracy,
      metrics: {
        ...m,
        params: built.params,
        multAdds: built.multAdds,
        seconds: (performance.now() - started) / 1000,
        backend: backend.name,
        worker: workerName,
        // Live tensors after the child is disposed: constant from child to child unless something leaks.
        extra: { liveTensors: tf.memory().numTensors },
      },
    };
  } catch (err) {
    return { trialId: task.trialId, status: 'failed', reward: null, error: errorLine(err), metrics: undefined };
  } finally {
    port?.close();
  }
}

function errorLine(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] || err.name : String(err);
}
