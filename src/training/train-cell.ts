/**
 * Trains one cell at one fidelity and scores it — the unit of work of a search child, a promotion, a
 * fidelity study's proxy and reference alike: build the network at the fidelity's size, run the one
 * loop with the fidelity's protocol, score on its split (validation images for a proxy, the test split
 * for a replay). A promotion passes the lower rung's state: its epochs are kept and only the rest are
 * trained, on a restarted cosine (SGDR); a rung of another size trains from scratch instead.
 */
import * as tf from '#tfjs';
import type { Genotype, MacroSettings, SearchSpace } from '../space/types.js';
import { macroOptionsOf } from '../model/macro-options.js';
import { createRng } from '../core/rng.js';
import { buildModel } from '../model/build.js';
import { buildRegularised, RegulariserDoesNotApply, type RegulariserSettings } from '../model/regularisers/index.js';
import { UserError } from '../core/errors.js';
import { channelStats } from '../data/normalize.js';
import { fidelityData, type FidelityData } from './data.js';
import { checkShapes, evaluate } from './evaluate.js';
import type { Fidelity } from './fidelity.js';
import { runTraining, type BatchProgress, type TrainingSettings } from './loop.js';
import { rngLabel, settingsFor } from './protocol.js';
import { decodeState, encodeState } from './state.js';

export interface CellTraining {
  space: SearchSpace;
  genotype: Genotype;
  fidelity: Fidelity;
  dataset: string;
  /** The content hash the caller expects: a worker with other data refuses. */
  datasetHash?: string;
  seed: number;
  /**
   * A block regulariser in every NASNet block (src/model/regularisers/; default none). UserError
   * when it cannot apply to the cell. Its layers hold no weights, so a promotion's state fits.
   */
  regulariser?: RegulariserSettings;
  /** The state of the same cell trained at a lower rung of the same size (see canContinue). */
  from?: Uint8Array;
  /** Return the trained state (for a later promotion). */
  keepState?: boolean;
  onBatch?: (p: BatchProgress) => void;
  signal?: AbortSignal;
  /**
   * Called once the network is built, before any training: a line returned refuses the child (a
   * constraint it breaks) and nothing is trained. Latency is measured here: it needs no weights.
   */
  inspect?: (model: tf.LayersModel, size: { params: number; multAdds: number }) => Promise<string | undefined>;
}

export interface CellResult {
  /** Accuracy on the fidelity's score split, in [0, 1]. */
  accuracy: number;
  loss: number;
  trainAccuracy: number;
  trainLoss: number;
  imagesPerSec: number;
  /** Training and scoring, wall seconds. */
  seconds: number;
  /** Epochs trained here (a promotion: only the added ones). */
  epochsTrained: number;
  params: number;
  multAdds: number;
  state?: Uint8Array;
  /** Why the child was refused before training (inspect()'s constraint, or a regulariser with no block to act on); nothing was trained, accuracy and losses are NaN. */
  rejected?: string;
}

/** The network of a fidelity in `space` (the space file keeps its filter multiplier and its macro options: width schedules, RoR, FractalNet, stem). */
export const macroOf = (f: Fidelity, space: Pick<SearchSpace, 'macro'>): MacroSettings => ({
  ...macroOptionsOf(space.macro),
  stemChannels: f.stemChannels, filters: f.filters, cellsPerStage: f.cellsPerStage, reductions: f.reductions, filterMultiplier: space.macro.filterMultiplier,
});

/** True when training to `to` can continue a network trained to `from`: same network, data and protocol, more epochs. */
export function canContinue(from: Fidelity, to: Fidelity): boolean {
  const same = (k: keyof Fidelity) => from[k] === to[k];
  return to.epochs > from.epochs && (['protocol', 'trainImages', 'valImages', 'imageSize', 'batchSize', 'learningRate', 'stemChannels', 'filters', 'cellsPerStage', 'reductions'] as const).every(same);
}

export async function trainCell(job: CellTraining): Promise<CellResult> {
  const started = performance.now();
  const data = fidelityData(job.dataset, job.fidelity, job.datasetHash);
  // A child refused before training: its size, why, and no training figures.
  const refused = (rejected: string, size: { params: number; multAdds: number } | undefined): CellResult => ({
    accuracy: NaN, loss: NaN, trainAccuracy: NaN, trainLoss: NaN, imagesPerSec: NaN, epochsTrained: 0,
    seconds: (performance.now() - started) / 1000, params: size?.params ?? NaN, multAdds: size?.multAdds ?? NaN, rejected,
  });
  let built: ReturnType<typeof buildModel> & { regularised: number };
  try {
    built = buildRegularised(job.regulariser, job.seed, job.genotype, (combine) =>
      buildModel(job.space, job.genotype, macroOf(job.fidelity, job.space), { inputShape: data.inputShape, numClasses: data.numClasses, seed: job.seed, combine }));
  } catch (e) {
    // Not the cell's fault: refused like a constraint, so a search does not count it as a failed child.
    if (!(e instanceof RegulariserDoesNotApply)) throw e;
    return refused(e.message, e.size);
  }
  try {
    const rejected = await job.inspect?.(built.model, { params: built.params, multAdds: built.multAdds });
    if (rejected !== undefined) return refused(rejected, built);
    const settings = settingsFor(job.fidelity, job.seed, job.dataset);
    let startEpoch = 0;
    let optimizerState: Float32Array[] | undefined;
    if (job.from) {
      const st = decodeState(job.from);
      const weights = built.model.getWeights();
      if (st.weights.length !== weights.length || st.weights.some((w, i) => w.length !== weights[i].size)) {
        throw new Error('the trained state does not fit this network: a promotion that changes the size must train from scratch');
      }
      if (st.epochs >= settings.epochs) throw new Error(`the trained state already has ${st.epochs} epochs, the rung asks for ${settings.epochs}`);
      // getWeights() hands out the variables themselves: only the copies made here are disposed.
      const values = st.weights.map((w, i) => tf.tensor(w, weights[i].shape));
      built.model.setWeights(values);
      tf.dispose(values);
      startEpoch = st.epochs;
      optimizerState = st.slots;
    }
    // A continuation draws a fresh stream for its own epochs (the lower rung's stream is not kept).
    const label = startEpoch === 0 ? rngLabel(job.fidelity, job.seed) : `${rngLabel(job.fidelity, job.seed)}:from-epoch-${startEpoch}`;
    const r = await trainAndScore(built.model, data, settings, { rng: label, startEpoch, optimizerState, keepSlots: job.keepState, onBatch: job.onBatch, signal: job.signal });
    const state = job.keepState
      ? encodeState({ epochs: settings.epochs, weights: built.model.getWeights().map((w) => w.dataSync() as Float32Array), slots: r.slots ?? [] })
      : undefined;
    return { ...r, seconds: (performance.now() - started) / 1000, params: built.params, multAdds: built.multAdds, state };
  } finally {
    built.model.dispose();
  }
}

/**
 * Trains any model with `settings` on `data.train` from `startEpoch` (the schedule restarting there)
 * and scores it on `data.score`. The model must output logits (or softmax probabilities) over the
 * data's classes. Throws on a non-finite loss.
 */
export async function trainAndScore(
  model: tf.LayersModel, data: Pick<FidelityData, 'train' | 'score' | 'numClasses'>, settings: TrainingSettings,
  opts: { rng: string; startEpoch?: number; optimizerState?: Float32Array[]; keepSlots?: boolean; onBatch?: (p: BatchProgress) => void; signal?: AbortSignal },
): Promise<Omit<CellResult, 'seconds' | 'params' | 'multAdds' | 'state'> & { slots?: Float32Array[] }> {
  checkShapes(model, data.train, data.numClasses);
  checkSettings(settings);
  if (data.train.count === 0) throw new UserError('no training images: the proxy train size is 0');
  const startEpoch = opts.startEpoch ?? 0;
  let last = { trainLoss: NaN, trainAccuracy: NaN };
  let trainSeconds = 0;
  let slots: Float32Array[] | undefined;
  await runTraining({
    model, trainModel: model, train: data.train, norm: data.train.norm ?? channelStats(data.train), numClasses: data.numClasses, settings,
    startEpoch, cycleStart: startEpoch, rng: createRng(opts.rng), optimizerState: opts.optimizerState, onBatch: opts.onBatch, signal: opts.signal,
    onEpoch: async (point, getSlots) => {
      last = point;
      trainSeconds += point.seconds;
      if (opts.keepSlots && point.epoch === settings.epochs) slots = await getSlots();
    },
  });
  const scored = evaluate(model, { ...data.score, norm: data.score.norm ?? data.train.norm ?? channelStats(data.train) }, 256);
  const epochsTrained = settings.epochs - startEpoch;
  return {
    accuracy: scored.accuracy, loss: scored.loss, trainAccuracy: last.trainAccuracy, trainLoss: last.trainLoss,
    imagesPerSec: (data.train.count * epochsTrained) / trainSeconds, epochsTrained, slots,
  };
}

/** The proxy preset on any model and split (benchmarks, tests): how a search child trains. */
export function trainProxy(
  model: tf.LayersModel, data: { train: FidelityData['train']; val: FidelityData['score']; numClasses: number },
  o: { epochs: number; batchSize: number; learningRate: number; seed: number }, onBatch?: (p: BatchProgress) => void,
): ReturnType<typeof trainAndScore> {
  const f: Fidelity = {
    protocol: 'proxy', trainImages: data.train.count, valImages: data.val.count, imageSize: 0, epochs: o.epochs, batchSize: o.batchSize, learningRate: o.learningRate,
    stemChannels: 1, filters: 1, cellsPerStage: 1, reductions: 0,
  };
  return trainAndScore(model, { train: data.train, score: data.val, numClasses: data.numClasses }, settingsFor(f, o.seed, ''), { rng: rngLabel(f, o.seed), onBatch });
}

function checkSettings(s: TrainingSettings): void {
  if (!Number.isInteger(s.epochs) || s.epochs < 1) throw new UserError(`epochs must be a positive integer, got ${s.epochs}`);
  if (!Number.isInteger(s.batchSize) || s.batchSize < 1) throw new UserError(`batch size must be a positive integer, got ${s.batchSize}`);
  if (!(s.learningRate > 0) || !Number.isFinite(s.learningRate)) throw new UserError(`learning rate must be a positive number, got ${s.learningRate}`);
}
