/**
 * Shake-Shake (Gastaldi 2017, "Shake-Shake regularization", §2.1, the "Shake-Shake-Image" variant
 * of Table 1): the two branches a, b of a block are mixed as α·a + (1 − α)·b in the forward pass
 * with α ~ U[0, 1] per image, and the gradient reaching them is split with an independent
 * β ~ U[0, 1] per image (grad_a = β·g, grad_b = (1 − β)·g). At inference α = β = 0.5.
 * NOTE: the paper mixes two residual branches beside an identity shortcut (x + α·F1 + (1 − α)·F2);
 * a NASNet block has no shortcut of its own, so its two branches (an identity among them, if the
 * block has one) are the mixed pair, and the block outputs their mean where the plain block
 * outputs their sum (the ReLU-conv-BN that reads a state renormalises the scale).
 */
import * as tf from '#tfjs';
import { StochasticStream, perImage, type Streamed } from './stream.js';

export interface ShakeShakeArgs {
  name?: string;
  /** Seed of the layer's stream (src/model/regularisers/stream.ts). */
  seed?: number;
}

/** α (forward) and β (backward), one per image, of the draw seeded `seed`. */
export function shakeShakeDraw(n: number, seed: string): { alpha: tf.Tensor4D; beta: tf.Tensor4D } {
  return { alpha: perImage(n, 0, 1, `${seed}:alpha`), beta: perImage(n, 0, 1, `${seed}:beta`) };
}

/** α·a + (1 − α)·b forward, (β·g, (1 − β)·g) backward. */
const shake = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [a, b, alpha, beta, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([beta]);
  return {
    value: tf.add(tf.mul(a, alpha), tf.mul(b, tf.sub(1, alpha))),
    gradFunc: (dy: tf.Tensor, [savedBeta]: tf.Tensor[]) => [
      // (α and β are draws, not weights: zero gradients, of their shape; α itself is gone by now.)
      tf.mul(dy, savedBeta), tf.mul(dy, tf.sub(1, savedBeta)), tf.zeros(savedBeta.shape), tf.zeros(savedBeta.shape),
    ],
  };
}) as unknown as (a: tf.Tensor, b: tf.Tensor, alpha: tf.Tensor, beta: tf.Tensor) => tf.Tensor;

/** A two-input layer: Shake-Shake in training, the mean of its inputs at inference. */
export class ShakeShake extends tf.layers.Layer implements Streamed {
  static className = 'ShakeShake';
  readonly stream: StochasticStream;

  constructor(args: ShakeShakeArgs = {}) {
    super({ name: args.name });
    this.stream = new StochasticStream(ShakeShake.className, args.seed ?? 0);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return (inputShape as tf.Shape[])[0];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const [a, b] = inputs as tf.Tensor[];
    return tf.tidy(() => {
      if (!kwargs?.training) return tf.mul(tf.add(a, b), 0.5);
      const { alpha, beta } = shakeShakeDraw(a.shape[0]!, this.stream.next());
      return shake(a, b, alpha, beta);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.stream.seed };
  }
}
tf.serialization.registerClass(ShakeShake);
