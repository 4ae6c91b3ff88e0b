/**
 * Swapout (Singh, Hoiem & Forsyth 2016, "Swapout: Learning an ensemble of deep architectures"):
 * a unit's output is θ1 ⊙ x + θ2 ⊙ F(x) with θ1, θ2 independent per-unit Bernoulli masks, which
 * samples at once dropout, stochastic depth and their mixtures. This layer is one masked
 * branch, θ ⊙ y; a block applies one to each branch (own seed, so the masks are independent) and
 * adds them. The backward pass is the forward's derivative (the same mask), so no custom gradient.
 * Inference, deterministic (the paper's "deterministic inference"): the expected value, keep · y.
 * Also offered: the paper's stochastic inference (averaging several sampled passes with the
 * batch norms in inference mode), predictAveraged below; its draws come from a stream restarted at
 * every call, so an averaged prediction too is the same for the same seed.
 * NOTE: no rescaling by 1/keep in training (the paper's form, unlike inverted dropout), and one
 * constant keep probability per branch kind; the paper's best CIFAR schedule lowers it linearly
 * with depth.
 */
import * as tf from '#tfjs';
import { StochasticStream, bernoulli, type Streamed } from './stream.js';

export interface SwapoutArgs {
  /** The probability θ = 1 (the unit is kept). */
  keep?: number;
  name?: string;
  seed?: number;
}

/** The θ mask of the draw seeded `seed`: 1 with probability `keep`, per unit. */
export function swapoutMask(shape: number[], keep: number, seed: string): tf.Tensor {
  return bernoulli(shape, keep, `${seed}:theta`);
}

/** One branch of swapout: θ ⊙ y in training (θ per unit), keep · y at inference. */
export class Swapout extends tf.layers.Layer implements Streamed {
  static className = 'Swapout';
  readonly keep: number;
  readonly stream: StochasticStream;
  /** Draws of the stochastic inference (predictAveraged), apart from training's. */
  readonly inferenceStream: StochasticStream;
  /** Set by predictAveraged: sample masks although not training. */
  sampleAtInference = false;

  constructor(args: SwapoutArgs = {}) {
    super({ name: args.name });
    this.keep = args.keep ?? 0.5;
    this.stream = new StochasticStream(Swapout.className, args.seed ?? 0);
    this.inferenceStream = new StochasticStream(`${Swapout.className}-inference`, args.seed ?? 0);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const y = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => {
      if (kwargs?.training) return tf.mul(y, swapoutMask(y.shape, this.keep, this.stream.next()));
      if (this.sampleAtInference) return tf.mul(y, swapoutMask(y.shape, this.keep, this.inferenceStream.next()));
      return tf.mul(y, this.keep);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), keep: this.keep, seed: this.stream.seed };
  }
}
tf.serialization.registerClass(Swapout);

/**
 * The paper's stochastic inference: the mean of `passes` predictions of `model` on `x`, each with
 * freshly sampled swapout masks and everything else (batch norm) in inference mode. Throws when
 * the model has no Swapout layer (the mean would be one deterministic pass repeated).
 */
export function predictAveraged(model: tf.LayersModel, x: tf.Tensor, passes: number): tf.Tensor {
  if (!Number.isInteger(passes) || passes < 1) throw new Error(`passes must be a positive integer, got ${passes}`);
  const layers = model.layers.filter((l): l is Swapout => l instanceof Swapout);
  if (layers.length === 0) throw new Error('predictAveraged: the model has no Swapout layer');
  for (const l of layers) {
    l.inferenceStream.restart(0);
    l.sampleAtInference = true;
  }
  try {
    return tf.tidy(() => {
      let total = model.predict(x) as tf.Tensor;
      for (let i = 1; i < passes; i++) total = tf.add(total, model.predict(x) as tf.Tensor);
      return tf.div(total, passes);
    });
  } finally {
    for (const l of layers) l.sampleAtInference = false;
  }
}
