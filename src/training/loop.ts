/**
 * The one training loop: a search child's proxy training, a promotion to a higher rung, a fidelity
 * study's reference and a full replay all run here, with their differences as data (the settings of
 * src/training/protocol.ts) and hooks: batches (shuffle + normalise), loss (label smoothing, an
 * auxiliary head), schedule (step or cosine, restartable), optimizer (momentum SGD with weight decay,
 * its state in and out), augmentation, per-epoch checkpoint (onEpoch), progress (onBatch), stop (signal).
 * The held-out split is never touched here (src/training/evaluate.ts scores it).
 */
import * as tf from '@tensorflow/tfjs';
import type { StatefulRng } from '../core/rng.js';
import type { Normalization, Split } from '../data/types.js';
import type { CurvePoint } from '../store/types.js';
import { setDropPathRate } from '../model/drop-path.js';
import type { RegulariserSettings } from '../model/regularisers/index.js';
import { restartStreams } from '../model/regularisers/stream.js';
import { augmentBatch, type AugmentOptions } from './augment.js';
import { gatherBatch, shuffled } from './batches.js';
import { endsInSoftmax, smoothedCrossEntropy } from './loss.js';
import { learningRate, type ScheduleKind } from './schedule.js';
import { MomentumSgd } from './sgd.js';

/** Training hyper-parameters (plain JSON, stored with a replay and its checkpoint). */
export interface TrainingSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  schedule: ScheduleKind;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  augment: AugmentOptions;
  /** Drop-path probability reached at the end of training (0 = off). */
  dropPath: number;
  /**
   * A block regulariser in every NASNet block (src/model/regularisers/; absent = none). The builder
   * puts it in the network; the loop only restarts its random streams at every epoch.
   */
  regulariser?: RegulariserSettings;
  /** Weight of the auxiliary head's loss (0 = no head). */
  auxWeight: number;
  labelSmoothing: number;
  seed: number;
}

/** Live progress inside an epoch. */
export interface BatchProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  accuracy: number;
  imagesPerSec: number;
  lr: number;
  /** Seconds since the epoch started. */
  elapsed: number;
}

/** Thrown between batches once `signal` is aborted (Ctrl-C, SIGTERM, SIGHUP): the epoch in progress is dropped, the last checkpoint stands. */
export class ReplayInterrupted extends Error {
  replayId: number | null = null;
  constructor(readonly epoch: number, readonly batch: number) {
    super(`interrupted in epoch ${epoch}, batch ${batch}`);
    this.name = 'ReplayInterrupted';
  }
}

export interface LoopInput {
  /** The model whose outputs[0] are the logits (or probabilities); trained through `trainModel`. */
  model: tf.LayersModel;
  /** `model` or a model sharing its weights with outputs [logits, auxLogits]. */
  trainModel: tf.LayersModel;
  train: Split;
  norm: Normalization;
  numClasses: number;
  settings: TrainingSettings;
  /** Epochs already done (resume) and the state they left. */
  startEpoch: number;
  /**
   * The epoch the learning-rate cycle began at: 0 for a training and its resume (one schedule over
   * all epochs); a promotion that adds epochs to a trained child restarts the schedule at the epoch it
   * continues from (a warm restart, SGDR: Loshchilov & Hutter 2017).
   */
  cycleStart?: number;
  rng: StatefulRng;
  optimizerState?: Float32Array[];
  onBatch?: (p: BatchProgress) => void;
  /** Called after every epoch with the optimizer's state, to checkpoint and record the curve. */
  onEpoch: (point: CurvePoint, slots: () => Promise<Float32Array[]>) => Promise<void>;
  /** Stops the loop between batches (checked after each one). */
  signal?: AbortSignal;
}

/** Trains from `startEpoch` to `settings.epochs`. Throws on a non-finite loss. */
export async function runTraining(inp: LoopInput): Promise<void> {
  const { model, trainModel, train, norm, numClasses, settings: s, rng } = inp;
  const vars = trainModel.trainableWeights.map((w) => w.read() as tf.Variable);
  const sgd = new MomentumSgd(vars, { momentum: s.momentum, nesterov: s.nesterov, weightDecay: s.weightDecay });
  if (inp.optimizerState) sgd.restore(inp.optimizerState);
  const probabilities = endsInSoftmax(model);
  const { height: h, width: w, channels: c } = train;
  const batches = Math.ceil(train.count / s.batchSize);
  const cycleStart = inp.cycleStart ?? 0;
  try {
    for (let epoch = inp.startEpoch; epoch < s.epochs; epoch++) {
      // NASNet's ScheduledDropPath: the probability rises linearly to dropPath over training.
      setDropPathRate(trainModel, (s.dropPath * epoch) / s.epochs);
      // Block regularisers draw from (seed, epoch, draw): a resumed epoch draws what it drew before.
      restartStreams(trainModel, epoch);
      const started = performance.now();
      const order = shuffled(train.count, rng);
      let lossSum = 0;
      let correctSum = 0;
      let seen = 0;
      let lr = s.learningRate;
      for (let b = 0; b < batches; b++) {
        const idx = order.subarray(b * s.batchSize, Math.min((b + 1) * s.batchSize, train.count));
        const { x, y } = gatherBatch(train, idx, norm);
        augmentBatch(x, idx.length, h, w, c, s.augment, rng);
        lr = learningRate(s.schedule, s.learningRate, (epoch - cycleStart + b / batches) / (s.epochs - cycleStart));
        const xs = tf.tensor4d(x, [idx.length, h, w, c]);
        const ys = tf.tensor1d(y, 'int32');
        let correct: tf.Scalar | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const outs = trainModel.apply(xs, { training: true }) as tf.Tensor | tf.Tensor[];
          const [main, aux] = Array.isArray(outs) ? outs : [outs];
          correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(main, -1), ys), 'float32')) as tf.Scalar);
          let loss = smoothedCrossEntropy(main, ys, numClasses, s.labelSmoothing, probabilities);
          if (aux && s.auxWeight > 0) loss = tf.add(loss, tf.mul(smoothedCrossEntropy(aux, ys, numClasses, s.labelSmoothing, false), s.auxWeight));
          return loss as tf.Scalar;
        }, vars);
        const loss = (await value.data())[0];
        if (!Number.isFinite(loss)) {
          tf.dispose([value, xs, ys, correct!, ...Object.values(grads)]);
          throw new Error(`training diverged: loss ${loss} at epoch ${epoch + 1}, batch ${b + 1}; try a lower --lr`);
        }
        sgd.step(vars.map((v) => grads[v.name]), lr);
        correctSum += (await correct!.data())[0];
        tf.dispose([value, xs, ys, correct!, ...Object.values(grads)]);
        lossSum += loss * idx.length;
        seen += idx.length;
        inp.onBatch?.({
          epoch: epoch + 1, epochs: s.epochs, batch: b + 1, batches, loss: lossSum / seen, accuracy: correctSum / seen,
          imagesPerSec: seen / ((performance.now() - started) / 1000), lr, elapsed: (performance.now() - started) / 1000,
        });
        // A macrotask turn per batch, so that a signal handler can run; then honour it.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (inp.signal?.aborted) throw new ReplayInterrupted(epoch + 1, b + 1);
      }
      const seconds = (performance.now() - started) / 1000;
      await inp.onEpoch(
        { epoch: epoch + 1, trainLoss: lossSum / seen, trainAccuracy: correctSum / seen, valLoss: null, valAccuracy: null, seconds },
        () => sgd.state(),
      );
    }
  } finally {
    setDropPathRate(trainModel, 0);
    sgd.dispose();
  }
}

/** The replay's name for the loop settings (its records and checkpoints store them). */
export type ReplaySettings = TrainingSettings;
