/**
 * A piscina worker of `nas fidelity`: computes one unit (a cell, an estimator, a seed) and returns its
 * score. The backend and the datasets are set up once per thread. A trained proxy goes through the
 * search's own child trainer on the search's own split, the reference through the replay protocol.
 */
import * as tf from '@tensorflow/tfjs';
import type { MacroSettings, SearchSpace } from '../core/types.js';
import { threadCpuMs } from '../core/cpu.js';
import { createRng } from '../core/rng.js';
import { selectBackend } from '../engine/backend.js';
import { loadSpace } from '../space/load.js';
import { buildModel, type BuiltModel } from '../model/build.js';
import { loadDataset } from '../data/datasets.js';
import { resizeSplit } from '../data/resize.js';
import { stratifiedSample, take } from '../data/split.js';
import type { Split } from '../data/types.js';
import { evaluate, trainChild } from '../train/trainer.js';
import { searchData } from '../train/search-data.js';
import { defaultAugment } from '../replay/augment.js';
import { trainReplay, type ReplaySettings } from '../replay/train-loop.js';
import type { Fidelity } from './fidelity.js';
import { getEstimator } from '../estimators/index.js';
import { gatherBatch } from '../replay/batches.js';
import type { UnitResult, UnitTask } from './unit.js';

let backendKey: string | undefined;
const spaces = new Map<string, SearchSpace>();
const referenceData = new Map<string, { train: Split; test: Split }>();

export default async function scoreUnit(task: UnitTask): Promise<UnitResult> {
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
      return done(f.protocol === 'proxy' ? await proxyScore(space, task, f) : await referenceScore(space, task, f));
    }
    return done(zeroCostScore(space, task));
  } catch (e) {
    return done({ status: 'failed', value: null, metrics: {}, error: (e instanceof Error ? e.message : String(e)).split('\n')[0] });
  }
}

const macroOf = (f: Fidelity): MacroSettings => ({
  stemChannels: f.stemChannels, filters: f.filters, cellsPerStage: f.cellsPerStage, reductions: f.reductions, filterMultiplier: 2,
});

/** Built once and disposed: what a cell costs on paper at the reference size. */
function staticScore(space: SearchSpace, task: UnitTask): Omit<UnitResult, 'cpuSeconds' | 'seconds'> {
  const ds = loadDataset(task.dataset);
  const side = task.reference.imageSize || ds.height;
  const built = buildModel(space, task.genotype, macroOf(task.reference), { inputShape: [side, side, ds.channels], numClasses: ds.numClasses, seed: task.seed });
  built.model.dispose();
  const value = task.estimator.name === 'params' ? built.params : built.multAdds;
  return { status: 'complete', value, metrics: { params: built.params, multAdds: built.multAdds }, error: null };
}

/** Images a data-dependent zero-cost estimator sees: a class-stratified batch of the training split (zero-cost-nas uses 64). */
const ZERO_COST_BATCH = 64;

/** A zero-cost estimator (src/estimators/) on the untrained network at the reference size. */
function zeroCostScore(space: SearchSpace, task: UnitTask): Omit<UnitResult, 'cpuSeconds' | 'seconds'> {
  const estimator = getEstimator(task.estimator.name);
  const { train } = referenceSplits(task, task.reference);
  const ds = loadDataset(task.dataset);
  const macro = macroOf(task.reference);
  const inputShape: [number, number, number] = [train.height, train.width, train.channels];
  let batch: { xs: tf.Tensor4D; ys: tf.Tensor1D } | undefined;
  if (estimator.needsData) {
    const idx = stratifiedSample(train.labels, ds.numClasses, ZERO_COST_BATCH, createRng(`zero-cost-batch:${task.seed}`));
    const { x, y } = gatherBatch(train, idx, train.norm!);
    batch = { xs: tf.tensor4d(x, [idx.length, ...inputShape]), ys: tf.tensor1d(y, 'int32') };
  }
  try {
    const value = estimator.score({
      build: (opts) => buildModel(space, task.genotype, macro, { inputShape, numClasses: ds.numClasses, seed: task.seed, ...(opts?.batchNorm === false ? { batchNorm: false } : {}) }),
      inputShape, numClasses: ds.numClasses, batch,
    });
    if (Number.isNaN(value)) return { status: 'failed', value: null, metrics: {}, error: `${estimator.name} could not be computed (NaN)` };
    // -Infinity (a log score of 0: no path from input to output) ranks below every cell; the store keeps finite numbers.
    return { status: 'complete', value: value === -Infinity ? -Number.MAX_VALUE : value, metrics: { liveTensors: tf.memory().numTensors - (batch ? 2 : 0) }, error: null };
  } finally {
    if (batch) tf.dispose([batch.xs, batch.ys]);
  }
}

/** The search's child training (src/train/trainer.ts) on the search's split of the training images. */
async function proxyScore(space: SearchSpace, task: UnitTask, f: Fidelity): Promise<Omit<UnitResult, 'cpuSeconds' | 'seconds'>> {
  const data = searchData({ dataset: task.dataset, datasetHash: task.datasetHash, proxy: { trainSize: f.trainImages, valSize: f.valImages, imageSize: f.imageSize, epochs: f.epochs, batchSize: f.batchSize, learningRate: f.learningRate } });
  const built = buildModel(space, task.genotype, macroOf(f), { inputShape: data.inputShape, numClasses: data.numClasses, seed: task.seed });
  let m: Awaited<ReturnType<typeof trainChild>>;
  try {
    m = await trainChild(built.model, data, { epochs: f.epochs, batchSize: f.batchSize, learningRate: f.learningRate, seed: task.seed });
  } finally {
    built.model.dispose();
  }
  // Live tensors once the child is gone: the same from unit to unit unless something leaks.
  return {
    status: 'complete', value: m.valAccuracy, error: null,
    metrics: { valLoss: m.valLoss, trainAccuracy: m.trainAccuracy, trainLoss: m.trainLoss, imagesPerSec: m.imagesPerSec, params: built.params, multAdds: built.multAdds, liveTensors: tf.memory().numTensors },
  };
}

/** The whole training split (or a stratified part), the test split, at the fidelity's resolution; kept per thread. */
function referenceSplits(task: UnitTask, f: Fidelity): { train: Split; test: Split } {
  const key = JSON.stringify([task.dataset, f.trainImages, f.imageSize]);
  let d = referenceData.get(key);
  if (!d) {
    const ds = loadDataset(task.dataset);
    if (task.datasetHash && ds.hash !== task.datasetHash) throw new Error(`dataset ${task.dataset} has content hash ${ds.hash}, the study expects ${task.datasetHash}`);
    let train = f.trainImages === 0 ? ds.train : take(ds.train, stratifiedSample(ds.train.labels, ds.numClasses, f.trainImages, createRng('reference-subset')));
    let test = ds.test;
    if (f.imageSize > 0 && f.imageSize !== ds.height) {
      train = resizeSplit(train, f.imageSize, f.imageSize);
      test = resizeSplit(test, f.imageSize, f.imageSize);
    }
    referenceData.set(key, (d = { train: { ...train, norm: ds.train.norm }, test: { ...test, norm: ds.train.norm } }));
  }
  return d;
}

/** The replay protocol (`nas train`), scored on the held-out test split. */
async function referenceScore(space: SearchSpace, task: UnitTask, f: Fidelity): Promise<Omit<UnitResult, 'cpuSeconds' | 'seconds'>> {
  const { train, test } = referenceSplits(task, f);
  const ds = loadDataset(task.dataset);
  const settings: ReplaySettings = {
    epochs: f.epochs, batchSize: f.batchSize, learningRate: f.learningRate, schedule: 'cosine', momentum: 0.9, nesterov: true,
    weightDecay: 5e-4, augment: defaultAugment(task.dataset), dropPath: 0, auxWeight: 0, labelSmoothing: 0, seed: task.seed,
  };
  let built: BuiltModel | undefined;
  try {
    built = buildModel(space, task.genotype, macroOf(f), { inputShape: [train.height, train.width, train.channels], numClasses: ds.numClasses, seed: task.seed });
    const curve: number[] = [];
    const started = performance.now();
    await trainReplay({
      model: built.model, trainModel: built.model, train, norm: train.norm!, numClasses: ds.numClasses, settings, startEpoch: 0,
      rng: createRng(`replay:${task.seed}`),
      onEpoch: async (p) => void curve.push(p.trainAccuracy),
    });
    const trainSeconds = (performance.now() - started) / 1000;
    const scored = evaluate(built.model, test, 256);
    const metrics = {
      testLoss: scored.loss, trainAccuracy: curve[curve.length - 1], imagesPerSec: (train.count * f.epochs) / trainSeconds,
      params: built.params, multAdds: built.multAdds, curve: curve.map((a) => a.toFixed(4)).join(' '),
    };
    built.model.dispose();
    built = undefined;
    return { status: 'complete', value: scored.accuracy, error: null, metrics: { ...metrics, liveTensors: tf.memory().numTensors } };
  } finally {
    built?.model.dispose();
  }
}
