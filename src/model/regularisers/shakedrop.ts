/**
 * ShakeDrop (Yamada, Iwamura, Akiba & Kise 2019, "ShakeDrop Regularization for Deep Residual
 * Learning", §3): on a residual unit x + F(x) the branch is scaled by
 * (b + α − b·α) in the forward pass and by (b + β − b·β) in the backward pass, b ~ Bernoulli(p_l),
 * α ~ U[−1, 1], β ~ U[0, 1]; at inference by E[b + α − b·α] = p_l. p_l follows the linear decay
 * rule of stochastic depth (Huang et al. 2016), p_l = 1 − (l / L)(1 − p_L) for the l-th of L units, p_L = 0.5
 * (src/model/regularisers/index.ts assigns it once the network is built).
 * This layer is the scaling of F; the identity is added around it (x + ShakeDrop(F)).
 * NOTE: b, α and β are all drawn per image (the paper's image level for α and β); the reference
 * implementations draw b once per mini-batch, as stochastic depth drops a whole unit per batch.
 */
import * as tf from '#tfjs';
import { StochasticStream, bernoulli, perImage, type Streamed } from './stream.js';

export interface ShakeDropArgs {
  /** p_l: the probability b = 1 (the branch passes unperturbed); the inference scale. */
  p?: number;
  name?: string;
  seed?: number;
}

/** The forward and backward scales of the draw seeded `seed`, one per image, with the b, α, β they came from. */
export function shakeDropDraw(n: number, p: number, seed: string): { forward: tf.Tensor4D; backward: tf.Tensor4D; b: tf.Tensor4D; alpha: tf.Tensor4D; beta: tf.Tensor4D } {
  return tf.tidy(() => {
    const b = bernoulli([n, 1, 1, 1], p, `${seed}:b`) as tf.Tensor4D;
    const alpha = perImage(n, -1, 1, `${seed}:alpha`);
    const beta = perImage(n, 0, 1, `${seed}:beta`);
    // b + c − b·c = c + b·(1 − c)
    const mix = (c: tf.Tensor4D) => tf.add(c, tf.mul(b, tf.sub(1, c))) as tf.Tensor4D;
    return { forward: mix(alpha), backward: mix(beta), b, alpha, beta };
  });
}

/** F·forward, with the gradient g·backward. */
const scale = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [f, forward, backward, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([backward]);
  return {
    value: tf.mul(f, forward),
    gradFunc: (dy: tf.Tensor, [savedBackward]: tf.Tensor[]) => [tf.mul(dy, savedBackward), tf.zeros(savedBackward.shape), tf.zeros(savedBackward.shape)],
  };
}) as unknown as (f: tf.Tensor, forward: tf.Tensor, backward: tf.Tensor) => tf.Tensor;

/** The ShakeDrop scaling of a residual branch: random in training, ×p at inference. */
export class ShakeDrop extends tf.layers.Layer implements Streamed {
  static className = 'ShakeDrop';
  readonly stream: StochasticStream;
  p: number;

  constructor(args: ShakeDropArgs = {}) {
    super({ name: args.name });
    this.p = args.p ?? 0.5;
    this.stream = new StochasticStream(ShakeDrop.className, args.seed ?? 0);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const f = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => {
      if (!kwargs?.training) return tf.mul(f, this.p);
      const d = shakeDropDraw(f.shape[0]!, this.p, this.stream.next());
      return scale(f, d.forward, d.backward);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), p: this.p, seed: this.stream.seed };
  }
}
tf.serialization.registerClass(ShakeDrop);
