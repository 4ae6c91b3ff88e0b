/**
 * Scheduled drop-path (Zoph et al. 2018, §4.1 "ScheduledDropPath"; Larsson et al. 2017,
 * FractalNet, for drop-path itself): during training each path of a cell is dropped for a whole
 * example with probability p, the kept ones scaled by 1/(1-p); p grows linearly over training.
 * At inference the layer is the identity, so saved models load and predict without it.
 *
 * The trainer sets the current probability on every DropPath layer (setDropPathRate) once an
 * epoch; `cellRatio` (the cell's position in the network, in (0, 1]) scales it as NASNet does
 * (deeper cells drop more).
 *
 * NOTE: NASNet's reference code raises p every step (p · step / total steps); the trainer raises it
 * once an epoch from 0 (p · epoch / epochs, epochs counted from 0, src/training/loop.ts), so a resumed
 * epoch drops what it dropped before. Over E epochs the rates are 0, 1/E, ..., (E-1)/E of the target:
 * long trainings barely notice, but at E = 3 the first epoch trains without drop-path and the last at
 * two thirds of it.
 */
import * as tf from '#tfjs';

export interface DropPathArgs {
  /** Position of the cell in the network in (0, 1]; the drop probability is rate * cellRatio. */
  cellRatio?: number;
  name?: string;
  /** Seed of the per-layer mask generator (masks differ per call, but a seed fixes the sequence). */
  seed?: number;
}

/** A path-dropping layer: identity at inference, Bernoulli per example in training. */
export class DropPath extends tf.layers.Layer {
  static className = 'DropPath';
  readonly cellRatio: number;
  /** Current end-of-training drop probability times the schedule's progress (set by the trainer). */
  rate = 0;
  private calls = 0;
  private readonly seed: number;

  constructor(args: DropPathArgs = {}) {
    super({ name: args.name });
    this.cellRatio = args.cellRatio ?? 1;
    this.seed = args.seed ?? 0;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const p = this.rate * this.cellRatio;
    if (!kwargs?.training || p <= 0) return x;
    return tf.tidy(() => {
      const keep = 1 - p;
      const maskShape = [x.shape[0]!, ...x.shape.slice(1).map(() => 1)];
      const mask = tf.floor(tf.randomUniform(maskShape, keep, 1 + keep, 'float32', this.seed * 100003 + this.calls++));
      return tf.mul(x, tf.div(mask, keep));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), cellRatio: this.cellRatio, seed: this.seed };
  }
}
tf.serialization.registerClass(DropPath);

/** Sets the drop probability of every DropPath layer of a model; returns how many it found. */
export function setDropPathRate(model: tf.LayersModel, rate: number): number {
  let n = 0;
  for (const layer of model.layers) {
    if (layer instanceof DropPath) {
      layer.rate = rate;
      n++;
    }
  }
  return n;
}
