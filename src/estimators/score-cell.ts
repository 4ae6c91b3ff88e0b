/**
 * A zero-cost estimator on one cell: the network at a fidelity's size, untrained (the seed fixes its
 * weights), and for a data-dependent estimator a class-stratified batch of the fidelity's training
 * images (zero-cost-nas uses 64). Shared by the fidelity study, the warm-up and the zero-cost evaluator.
 * A dataset of 'table:…' (a benchmark table, no images) is scored data-free at the benchmark's own
 * input: NAS-Bench-201's CIFAR-10 32×32×3 with its C = 16, N = 5 network.
 */
import * as tf from '#tfjs';
import { createRng } from '../core/rng.js';
import { UserError } from '../core/errors.js';
import { stratifiedSample } from '../data/split.js';
import { buildModel, type BuiltModel } from '../model/build.js';
import type { Genotype, MacroSettings, SearchSpace } from '../space/types.js';
import { gatherBatch } from '../training/batches.js';
import { fidelityData } from '../training/data.js';
import type { Fidelity } from '../training/fidelity.js';
import { macroOf } from '../training/train-cell.js';
import { getEstimator } from './index.js';

export const ZERO_COST_BATCH = 64;
/** NAS-Bench-201's benchmark network and input (Dong & Yang 2020): what a table's cells are scored at. */
export const NB201_BENCHMARK_MACRO: MacroSettings = { stemChannels: 16, filters: 16, cellsPerStage: 5, reductions: 2, filterMultiplier: 2 };
export const CIFAR10_INPUT: [number, number, number] = [32, 32, 3];

export interface CellScoring {
  space: SearchSpace;
  genotype: Genotype;
  estimator: string;
  /** The network and (for data) the images: a fidelity over a dataset. */
  fidelity: Fidelity;
  dataset: string;
  datasetHash?: string;
  seed: number;
}

/** The estimator's score (higher = predicted better; -Infinity for a cell with no path to the output), or NaN. */
export function scoreCell(c: CellScoring): number {
  return scoreAndSize(c).score;
}

/**
 * scoreCell, with the scored network's parameters and mult-adds (as trained, with batch norm: what
 * a trial stores), so a zero-cost child is shown like a trained one.
 */
export function scoreAndSize(c: CellScoring): { score: number; params: number; multAdds: number } {
  let size: { params: number; multAdds: number } | undefined;
  const sized = (build: (o?: { batchNorm?: boolean }) => BuiltModel) => (o?: { batchNorm?: boolean }): BuiltModel => {
    const built = build(o);
    if (o?.batchNorm !== false) size ??= { params: built.params, multAdds: built.multAdds };
    return built;
  };
  const { score, build } = scoreOnly(c, sized);
  if (!size) {
    const built = build();
    size = { params: built.params, multAdds: built.multAdds };
    built.model.dispose();
  }
  return { score, ...size };
}

type Builder = (o?: { batchNorm?: boolean }) => BuiltModel;

function scoreOnly(c: CellScoring, wrap: (b: Builder) => Builder): { score: number; build: Builder } {
  const estimator = getEstimator(c.estimator);
  if (c.dataset.startsWith('table:')) {
    if (estimator.needsData) throw new UserError(`${c.estimator} needs images; a table run has none (use synflow, params or mult-adds)`);
    const macro = c.space.family === 'nas-bench-201' ? NB201_BENCHMARK_MACRO : macroOf(c.fidelity, c.space);
    const build: Builder = (o) => buildModel(c.space, c.genotype, macro, { inputShape: CIFAR10_INPUT, numClasses: 10, seed: c.seed, ...(o?.batchNorm === false ? { batchNorm: false } : {}) });
    return { score: estimator.score({ build: wrap(build), inputShape: CIFAR10_INPUT, numClasses: 10 }), build };
  }
  const data = fidelityData(c.dataset, c.fidelity, c.datasetHash);
  const { train } = data;
  const macro = macroOf(c.fidelity, c.space);
  let batch: { xs: tf.Tensor4D; ys: tf.Tensor1D } | undefined;
  if (estimator.needsData) {
    const idx = stratifiedSample(train.labels, data.numClasses, Math.min(ZERO_COST_BATCH, train.count), createRng(`zero-cost-batch:${c.seed}`));
    const { x, y } = gatherBatch(train, idx, train.norm!);
    batch = { xs: tf.tensor4d(x, [idx.length, ...data.inputShape]), ys: tf.tensor1d(y, 'int32') };
  }
  const build: Builder = (o) => buildModel(c.space, c.genotype, macro, { inputShape: data.inputShape, numClasses: data.numClasses, seed: c.seed, ...(o?.batchNorm === false ? { batchNorm: false } : {}) });
  try {
    return { score: estimator.score({ build: wrap(build), inputShape: data.inputShape, numClasses: data.numClasses, batch }), build };
  } finally {
    if (batch) tf.dispose([batch.xs, batch.ys]);
  }
}
