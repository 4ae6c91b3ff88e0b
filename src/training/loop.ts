/**
 * The one training loop: a search child's proxy training, a promotion to a higher rung, a fidelity
 * study's reference and a full replay all run here, with their differences as data (the settings of
 * src/training/protocol.ts) and hooks: batches (shuffle + normalise), loss (label smoothing, an
 * auxiliary head), schedule (step or cosine, restartable), optimizer (momentum SGD with weight decay,
 * its state in and out), augmentation, per-epoch checkpoint (onEpoch), progress (onBatch), stop (signal).
 * The held-out split is never touched here (src/training/evaluate.ts scores it).
 */
import * as tf from '#tfjs';
import type { StatefulRng } from '../core/rng.js';
import type { Normalization, Split } from '../data/types.js';
import type { CurvePoint } from '../store/types.js';
import { setDropPathRate } from '../model/drop-path.js';
import type { RegulariserSettings } from '../model/regularisers/index.js';
import { restartStreams } from '../model/regularisers/stream.js';
import { augmentBatch, type AugmentOptions } from './augment.js';
import { gatherBatch, shuffled } from './batches.js';
import { endsInSoftmax } from './loss.js';
import { flatOffsets, joinShards, shardSizes } from './replicas/shards.js';
import type { ReplicaGroup } from './replicas/group.js';
import { batchGradients, gradientTensors } from './step.js';
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

/** Seconds left for the whole training at this epoch's pace so far (held-out scoring not counted). */
export function etaSeconds(p: BatchProgress): number {
  const batchesLeft = p.batches - p.batch + (p.epochs - p.epoch) * p.batches;
  return (batchesLeft * p.elapsed) / p.batch;
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
  /**
   * Data-parallel replicas of `trainModel` (src/training/replicas/), started by the caller and closed
   * by it: each batch is split over them and this thread. Absent: one thread computes every batch.
   */
  replicas?: ReplicaGroup;
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
  let lr = s.learningRate;
  const cycleStart = inp.cycleStart ?? 0;
  const group = inp.replicas;
  const gradientsOf = (x: Float32Array, y: Int32Array, shape: [number, number, number]) => {
    const xs = tf.tensor4d(x, [y.length, ...shape]);
    const ys = tf.tensor1d(y, 'int32');
    const g = batchGradients(trainModel, vars, xs, ys, numClasses, s, probabilities);
    return { g, dispose: () => tf.dispose([xs, ys, ...gradientTensors(g)]) };
  };
  // One thread: the batch's gradient, one step (the step is skipped on a non-finite loss).
  const singleStep = async (x: Float32Array, y: Int32Array, shape: [number, number, number]) => {
    const { g, dispose } = gradientsOf(x, y, shape);
    try {
      const loss = (await g.value.data())[0];
      const correct = (await g.correct.data())[0];
      if (Number.isFinite(loss)) sgd.step(vars.map((v) => g.grads[v.name]), lr);
      return { loss, correct };
    } finally {
      dispose();
    }
  };
  // Data parallel: shard 0 here while the replicas compute theirs, the gradients joined in shard
  // order, one step here, the new weights handed back.
  // NOTE: batch norm normalises each shard with its own statistics ("ghost batch norm", Hoffer et
  // al. 2017), so T replicas train like a batch of B/T per normaliser, and the moving statistics
  // follow this thread's shard only; a network without batch norm takes exactly the one-thread step.
  const parallelStep = async (x: Float32Array, y: Int32Array, shape: [number, number, number], epoch: number, dropRate: number) => {
    const sizes = shardSizes(y.length, group!.replicas);
    const px = shape[0] * shape[1] * shape[2];
    const starts = flatOffsets(sizes);
    group!.begin(sizes.slice(1).map((_, k) => ({
      x: x.subarray(starts[k + 1] * px, starts[k + 2] * px), y: y.subarray(starts[k + 1], starts[k + 2]),
    })), epoch, dropRate);
    // Copies (slice): the tensors own their arrays (the engine's buffer pool recycles them).
    const { g, dispose } = gradientsOf(x.slice(0, sizes[0] * px), y.slice(0, sizes[0]), shape);
    try {
      const others = await group!.finish();
      const loss0 = (await g.value.data())[0];
      const correct = (await g.correct.data())[0] + others.reduce((a, o) => a + o.correct, 0);
      const loss = (loss0 * sizes[0] + others.reduce((a, o, k) => a + o.loss * sizes[k + 1], 0)) / y.length;
      if (!Number.isFinite(loss)) return { loss, correct };
      const joined = vars.map((v, i) => {
        const parts = [g.grads[v.name].dataSync(), ...others.map((_, k) => group!.gradient(k + 1, i))];
        return tf.tensor(joinShards(parts, sizes, new Float32Array(v.size)), v.shape);
      });
      sgd.step(joined, lr);
      tf.dispose(joined);
      group!.pushWeights(vars);
      return { loss, correct };
    } finally {
      dispose();
    }
  };
  if (group) group.pushWeights(vars);
  try {
    for (let epoch = inp.startEpoch; epoch < s.epochs; epoch++) {
      // NASNet's ScheduledDropPath: the probability rises linearly to dropPath over training.
      // NOTE: per epoch from 0, not per step (src/model/drop-path.ts says what that costs at few epochs).
      setDropPathRate(trainModel, (s.dropPath * epoch) / s.epochs);
      // Block regularisers draw from (seed, epoch, draw): a resumed epoch draws what it drew before.
      restartStreams(trainModel, epoch);
      const started = performance.now();
      const order = shuffled(train.count, rng);
      let lossSum = 0;
      let correctSum = 0;
      let seen = 0;
      for (let b = 0; b < batches; b++) {
        const idx = order.subarray(b * s.batchSize, Math.min((b + 1) * s.batchSize, train.count));
        const { x, y } = gatherBatch(train, idx, norm);
        augmentBatch(x, idx.length, h, w, c, s.augment, rng);
        lr = learningRate(s.schedule, s.learningRate, (epoch - cycleStart + b / batches) / (s.epochs - cycleStart));
        const dropRate = (s.dropPath * epoch) / s.epochs;
        const { loss, correct } = group && idx.length > 1
          ? await parallelStep(x, y, [h, w, c], epoch, dropRate)
          : await singleStep(x, y, [h, w, c]);
        if (!Number.isFinite(loss)) throw new Error(`training diverged: loss ${loss} at epoch ${epoch + 1}, batch ${b + 1}; try a lower --lr`);
        correctSum += correct;
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
