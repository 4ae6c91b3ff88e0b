/**
 * The child trainer: a short proxy training of one tfjs model, then its validation score.
 * A custom loop (optimizer.minimize over one tidy step per batch) rather than model.fit:
 * it lets us check every loss for NaN, throttle progress, schedule the learning rate per
 * step and prove that nothing leaks across the hundreds of children one worker trains.
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { UserError } from '../core/types.js';
import { channelStats } from '../data/normalize.js';
import type { Split } from '../data/types.js';
import { makeBatch, normalizationTable, shuffleInPlace } from './batches.js';
import { FusedMomentum } from './momentum.js';

/** The data a child sees: training and validation splits (both from the dataset's train split). */
export interface TrainData {
  train: Split;
  val: Split;
  numClasses: number;
}

/** Proxy-task hyper-parameters. */
export interface TrainSettings {
  epochs: number;
  batchSize: number;
  /** Peak learning rate of SGD with Nesterov momentum 0.9 (cosine-decayed to 0); 0.05 suits batch 64-128. */
  learningRate: number;
  /** Fixes the batch order (weights are initialised by the model builder's own seed). */
  seed: number | string;
}

/** One progress report (at most ~4 per second, plus the last batch). */
export interface TrainProgress {
  /** 1-based. */
  epoch: number;
  epochs: number;
  /** 1-based, within the epoch. */
  batch: number;
  batches: number;
  /** Mean training loss of the current epoch so far. */
  loss: number;
  /** Training throughput so far. */
  imagesPerSec: number;
}

/** What a finished child reports. */
export interface TrainResult {
  valAccuracy: number;
  valLoss: number;
  /** Mean over the last epoch's batches, measured in training mode while the weights moved. */
  trainAccuracy: number;
  trainLoss: number;
  /** Training images per second (the validation pass excluded). */
  imagesPerSec: number;
  /** Wall time of training and validation. */
  seconds: number;
  epochs: number;
}

const MOMENTUM = 0.9;
const PROGRESS_INTERVAL_MS = 250;

/**
 * Trains `model` on `data.train` and scores it on `data.val`. The model must output logits
 * (preferred) or softmax probabilities over `data.numClasses` classes. Throws an Error naming
 * the epoch and batch when the loss becomes NaN or infinite (the search records a failed trial).
 * Leaves no tensors behind except the model's own weights.
 *
 * Optimizer: SGD with Nesterov momentum 0.9 and a cosine decay of the learning rate to 0 over
 * all steps (Loshchilov & Hutter 2017, SGDR, one cycle without restarts); momentum SGD with
 * cosine decay is how NASNet trains its cells (Zoph et al. 2018, appendix A), and it is what
 * `nas train` replays use, so a proxy score and a replay see the same optimizer. Every child
 * gets the same schedule and is scored at lr 0, not mid-way through a large step as with a
 * constant rate. The default peak 0.05 sits on the flat top of a measured sweep (docs/data.md).
 * NOTE: Adam was not compared.
 * NOTE: no weight decay, no drop-path, no auxiliary head: a 1-5 epoch proxy does not overfit.
 */
export async function trainChild(
  model: tf.LayersModel,
  data: TrainData,
  settings: TrainSettings,
  onProgress?: (p: TrainProgress) => void,
): Promise<TrainResult> {
  const { epochs, batchSize, learningRate } = settings;
  checkSettings(settings);
  const { train, val, numClasses } = data;
  checkShapes(model, train, numClasses);
  if (train.count === 0) throw new UserError('no training images: the proxy train size is 0');

  const started = performance.now();
  const norm = train.norm ?? channelStats(train);
  const lut = normalizationTable(norm, train.channels);
  const probabilities = outputsProbabilities(model);
  const rng = seedrandom(`train:${settings.seed}`);
  const order = Int32Array.from({ length: train.count }, (_, i) => i);
  const batches = Math.ceil(train.count / batchSize);
  const totalSteps = epochs * batches;
  const optimizer = new FusedMomentum(learningRate, MOMENTUM, true);

  let step = 0;
  let trainLoss = 0;
  let trainAccuracy = 0;
  let trainSeconds = 0;
  let seen = 0;
  let lastReport = started;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const epochStart = performance.now();
      shuffleInPlace(order, rng);
      let lossSum = 0;
      let correctSum = 0;
      let epochSeen = 0;
      for (let b = 0; b < batches; b++) {
        optimizer.setLearningRate(cosineRate(learningRate, step, totalSteps));
        const batch = makeBatch(train, order.subarray(b * batchSize, Math.min((b + 1) * batchSize, train.count)), lut);
        let correct: tf.Scalar | undefined;
        let lossT: tf.Scalar | null = null;
        try {
          lossT = optimizer.minimize(() => {
            const out = model.apply(batch.xs, { training: true }) as tf.Tensor2D;
            // Kept out of minimize's tidy so accuracy costs no second forward pass.
            correct = tf.keep(countCorrect(out, batch.ys));
            return lossOf(out, batch.ys, numClasses, probabilities);
          });
          const loss = lossT!.dataSync()[0];
          if (!Number.isFinite(loss)) {
            throw new Error(`training diverged: loss is ${loss} at epoch ${epoch + 1}/${epochs}, batch ${b + 1}/${batches}`);
          }
          lossSum += loss * batch.size;
          correctSum += correct!.dataSync()[0];
        } finally {
          tf.dispose([batch.xs, batch.ys]);
          if (lossT) lossT.dispose();
          if (correct) correct.dispose();
        }
        epochSeen += batch.size;
        seen += batch.size;
        step++;
        const now = performance.now();
        const last = epoch === epochs - 1 && b === batches - 1;
        if (onProgress && (now - lastReport >= PROGRESS_INTERVAL_MS || last)) {
          lastReport = now;
          const elapsed = trainSeconds + (now - epochStart) / 1000;
          onProgress({ epoch: epoch + 1, epochs, batch: b + 1, batches, loss: lossSum / epochSeen, imagesPerSec: seen / elapsed });
        }
      }
      trainSeconds += (performance.now() - epochStart) / 1000;
      trainLoss = lossSum / epochSeen;
      trainAccuracy = correctSum / epochSeen;
      // Let the thread's event loop breathe between epochs (messages, timers).
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    optimizer.dispose();
  }
  const scored = evaluate(model, { ...val, norm: val.norm ?? norm }, batchSize);
  return {
    valAccuracy: scored.accuracy,
    valLoss: scored.loss,
    trainAccuracy,
    trainLoss,
    imagesPerSec: seen / trainSeconds,
    seconds: (performance.now() - started) / 1000,
    epochs,
  };
}

/**
 * Accuracy and mean cross-entropy of `model` on `split`, in inference mode, `batchSize`
 * images at a time. Normalises with `split.norm` (set by loadDataset to the training
 * statistics), else with the split's own statistics. Used for validation and for the
 * test-set evaluation of replays.
 */
export function evaluate(model: tf.LayersModel, split: Split, batchSize = 256): { accuracy: number; loss: number } {
  if (split.count === 0) throw new UserError('no images to evaluate on: the split is empty');
  const numClasses = outputClasses(model);
  checkShapes(model, split, numClasses);
  const lut = normalizationTable(split.norm ?? channelStats(split), split.channels);
  const probabilities = outputsProbabilities(model);
  let lossSum = 0;
  let correctSum = 0;
  for (let start = 0; start < split.count; start += batchSize) {
    const end = Math.min(start + batchSize, split.count);
    const indices = Int32Array.from({ length: end - start }, (_, i) => start + i);
    const batch = makeBatch(split, indices, lut);
    const [loss, correct] = tf.tidy(() => {
      const out = model.predict(batch.xs) as tf.Tensor2D;
      return [lossOf(out, batch.ys, numClasses, probabilities), countCorrect(out, batch.ys)];
    });
    lossSum += loss.dataSync()[0] * batch.size;
    correctSum += correct.dataSync()[0];
    tf.dispose([loss, correct, batch.xs, batch.ys]);
  }
  return { accuracy: correctSum / split.count, loss: lossSum / split.count };
}

/** Half-cosine from `peak` at step 0 to 0 after the last step (SGDR, Loshchilov & Hutter 2017, eq. 5, one cycle). */
export function cosineRate(peak: number, step: number, totalSteps: number): number {
  return 0.5 * peak * (1 + Math.cos((Math.PI * step) / totalSteps));
}

/** Mean cross-entropy of a batch; from logits (stable log-softmax) or from probabilities (clipped). */
function lossOf(out: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number, probabilities: boolean): tf.Scalar {
  const oneHot = tf.oneHot(labels, numClasses);
  if (!probabilities) return tf.losses.softmaxCrossEntropy(oneHot, out) as tf.Scalar;
  const logP = tf.log(tf.clipByValue(out, 1e-7, 1));
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logP), -1))) as tf.Scalar;
}

function countCorrect(out: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(out, -1), labels), 'float32'));
}

/** True when the model ends in a softmax, so its outputs are probabilities, not logits. */
function outputsProbabilities(model: tf.LayersModel): boolean {
  const last = model.layers[model.layers.length - 1];
  const activation = (last?.getConfig() as { activation?: unknown }).activation;
  return activation === 'softmax';
}

function outputClasses(model: tf.LayersModel): number {
  const shape = model.outputs[0].shape;
  return shape[shape.length - 1] as number;
}

function checkSettings(s: TrainSettings): void {
  if (!Number.isInteger(s.epochs) || s.epochs < 1) throw new UserError(`epochs must be a positive integer, got ${s.epochs}`);
  if (!Number.isInteger(s.batchSize) || s.batchSize < 1) throw new UserError(`batch size must be a positive integer, got ${s.batchSize}`);
  if (!(s.learningRate > 0) || !Number.isFinite(s.learningRate)) {
    throw new UserError(`learning rate must be a positive number, got ${s.learningRate}`);
  }
}

function checkShapes(model: tf.LayersModel, split: Split, numClasses: number): void {
  if (model.outputs.length !== 1) throw new Error(`expected a model with one output (class scores), it has ${model.outputs.length}`);
  const [, h, w, c] = model.inputs[0].shape;
  if (h !== split.height || w !== split.width || c !== split.channels) {
    throw new Error(`model input is ${h}x${w}x${c} but the images are ${split.height}x${split.width}x${split.channels}`);
  }
  const classes = outputClasses(model);
  if (classes !== numClasses) throw new Error(`model outputs ${classes} classes but the data has ${numClasses}`);
}

