/**
 * A piscina worker of `nas fidelity`: computes one unit (a cell, an estimator, a seed) and returns its
 * score. The backend and the datasets are set up once per thread. A trained proxy and the reference go
 * through the one training core (src/training/train-cell.ts), a proxy on the search's own split.
 */
import type { MessagePort } from 'node:worker_threads';
import * as tf from '#tfjs';
import type { SearchSpace } from '../space/types.js';
import { threadCpuMs } from '../core/cpu.js';
import { selectBackend } from '../engine/backend.js';
import { loadSpace } from '../space/load.js';
import { buildModel } from '../model/build.js';
import { loadDataset } from '../data/datasets.js';
import { scoreCell } from '../estimators/score-cell.js';
import type { Fidelity } from '../training/fidelity.js';
import { macroOf, trainCell } from '../training/train-cell.js';
import type { BatchProgress } from '../training/loop.js';
import { throttled } from '../core/throttle.js';
import type { UnitProgress, UnitResult, UnitTask } from './unit.js';

/** A long training says where it is at most this often (the study prints it). */
const PROGRESS_INTERVAL_MS = 60_000;

let backendKey: string | undefined;
const spaces = new Map<string, SearchSpace>();

export default async function scoreUnit({ port, ...task }: UnitTask & { port?: MessagePort }): Promise<UnitResult> {
  const cpu0 = threadCpuMs();
  const t0 = performance.now();
  const done = (r: Omit<UnitResult, 'cpuSeconds' | 'seconds'>): UnitResult => {
    const cpu1 = threadCpuMs();
    return { ...r, cpuSeconds: cpu0 === undefined || cpu1 === undefined ? null : (cpu1 - cpu0) / 1000, seconds: (performance.now() - t0) / 1000 };
  };
  try {
    const key = `${task.backend}:${task.threads}`;
    if (backendKey !== key) {
      await selectBackend(task.backend, { threads: task.threads });
      backendKey = key;
    }
    let space = spaces.get(task.spaceFile);
    if (!space) spaces.set(task.spaceFile, (space = loadSpace(task.spaceFile)));
    const { estimator } = task;
    if (estimator.kind === 'static') return done(staticScore(space, task));
    if (estimator.kind === 'trained') {
      const f = estimator.fidelity!;
      return done(await trainedScore(space, task, f, port));
    }
    return done(zeroCostScore(space, task));
  } catch (e) {
    return done({ status: 'failed', value: null, metrics: {}, error: (e instanceof Error ? e.message : String(e)).split('\n')[0] });
  }
}

/** Built once and disposed: what a cell costs on paper at the reference size. */
function staticScore(space: SearchSpace, task: UnitTask): Omit<UnitResult, 'cpuSeconds' | 'seconds'> {
  const ds = loadDataset(task.dataset);
  const side = task.reference.imageSize || ds.height;
  const built = buildModel(space, task.genotype, macroOf(task.reference, space), { inputShape: [side, side, ds.channels], numClasses: ds.numClasses, seed: task.seed });
  built.model.dispose();
  const value = task.estimator.name === 'params' ? built.params : built.multAdds;
  return { status: 'complete', value, metrics: { params: built.params, multAdds: built.multAdds }, error: null };
}

/** A zero-cost estimator (src/estimators/) on the untrained network at the reference size. */
function zeroCostScore(space: SearchSpace, task: UnitTask): Omit<UnitResult, 'cpuSeconds' | 'seconds'> {
  const value = scoreCell({ space, genotype: task.genotype, estimator: task.estimator.name, fidelity: task.reference, dataset: task.dataset, datasetHash: task.datasetHash, seed: task.seed });
  if (Number.isNaN(value)) return { status: 'failed', value: null, metrics: {}, error: `${task.estimator.name} could not be computed (NaN)` };
  // -Infinity (a log score of 0: no path from input to output) ranks below every cell; the store keeps finite numbers.
  return { status: 'complete', value: value === -Infinity ? -Number.MAX_VALUE : value, metrics: { liveTensors: tf.memory().numTensors }, error: null };
}

/** A trained estimator or the reference: the one training core at the unit's fidelity. */
async function trainedScore(space: SearchSpace, task: UnitTask, f: Fidelity, port?: MessagePort): Promise<Omit<UnitResult, 'cpuSeconds' | 'seconds'>> {
  const m = await trainCell({
    space, genotype: task.genotype, fidelity: f, dataset: task.dataset, datasetHash: task.datasetHash, seed: task.seed,
    onBatch: port && throttled(PROGRESS_INTERVAL_MS, (p: BatchProgress) =>
      port.postMessage({ epoch: p.epoch, epochs: p.epochs, batch: p.batch, batches: p.batches, imagesPerSec: p.imagesPerSec } satisfies UnitProgress)),
  });
  // Live tensors once the child is gone: the same from unit to unit unless something leaks.
  return {
    status: 'complete', value: m.accuracy, error: null,
    metrics: { loss: m.loss, trainAccuracy: m.trainAccuracy, trainLoss: m.trainLoss, imagesPerSec: m.imagesPerSec, params: m.params, multAdds: m.multAdds, liveTensors: tf.memory().numTensors },
  };
}
