/**
 * The surrogate of progressive NAS (Liu et al., "Progressive Neural Architecture Search",
 * ECCV 2018, Sec. 3.3): an ensemble of small MLPs predicting a cell's accuracy from its
 * encoding, in tfjs.
 *
 * The members are packed side by side in one network so that one tfjs op serves them all
 * (tfjs' cost is per op, the matrices are tiny): hidden = relu(X·W1 + b1) is [N, M·H], and
 * member m's output is the sum of its H hidden units weighted by w2, plus b2[m].
 * NOTE: PNAS's MLP embeds tokens and averages over blocks; here the input is a one-hot of every
 * decision (zeros for blocks a smaller cell lacks), and each member sees a random 80% of the data.
 * Weights are JS Float32Arrays updated by Adam (warm-started from the previous round).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../core/types.js';
import { Adam } from '../reinforce/adam.js';
import { base64ToF32, f32ToBase64 } from '../reinforce/f32-codec.js';

/** Shape of the ensemble. */
export interface EnsembleSize {
  inputs: number;
  hidden: number;
  members: number;
}

/** Ensemble of one-hidden-layer MLPs with shared tfjs ops. */
export class MlpEnsemble {
  readonly params = new Map<string, Float32Array>();
  private readonly shapes = new Map<string, number[]>();

  constructor(readonly size: EnsembleSize, init: Rng) {
    const { inputs: D, hidden: H, members: M } = size;
    // Glorot-uniform for W1 and w2; zero biases.
    const uni = (n: number, limit: number) => Float32Array.from({ length: n }, () => (init() * 2 - 1) * limit);
    this.add('W1', [D, M * H], uni(D * M * H, Math.sqrt(6 / (D + H))));
    this.add('b1', [M * H], new Float32Array(M * H));
    this.add('w2', [M * H], uni(M * H, Math.sqrt(6 / (H + 1))));
    this.add('b2', [M], new Float32Array(M));
  }

  private add(name: string, shape: number[], values: Float32Array): void {
    this.params.set(name, values);
    this.shapes.set(name, shape);
  }

  private tensors(): Record<string, tf.Tensor> {
    return Object.fromEntries([...this.params].map(([k, a]) => [k, tf.tensor(a, this.shapes.get(k)!)]));
  }

  /** [N, M] member predictions. Call inside tf.tidy. */
  private forward(p: Record<string, tf.Tensor>, X: tf.Tensor2D): tf.Tensor2D {
    const { hidden: H, members: M } = this.size;
    const hid = tf.relu(tf.add(tf.matMul(X, p.W1 as tf.Tensor2D), p.b1));
    const out = tf.sum(tf.reshape(tf.mul(hid, p.w2), [X.shape[0], M, H]), 2);
    return tf.add(out, p.b2) as tf.Tensor2D;
  }

  /**
   * Trains all members for `steps` full-batch Adam steps on rows X (N × inputs, row-major) and
   * targets y; mask[n * M + m] = 1 when member m trains on row n. Returns the final loss.
   */
  fit(X: Float32Array, y: Float32Array, mask: Float32Array, steps: number, lr: number): number {
    const { inputs: D, members: M } = this.size;
    const n = y.length;
    const adam = new Adam(this.params, lr);
    const names = [...this.params.keys()];
    let loss = NaN;
    const Xt = tf.tensor2d(X, [n, D]);
    const yt = tf.tensor2d(y, [n, 1]);
    const mt = tf.tensor2d(mask, [n, M]);
    const count = Math.max(1, mask.reduce((a, b) => a + b, 0));
    try {
      for (let s = 0; s < steps; s++) {
        const grads = tf.tidy(() => {
          const p = this.tensors();
          const vars = names.map((k) => p[k]);
          return tf.grads((...ts: tf.Tensor[]) => {
            const q = Object.fromEntries(names.map((k, i) => [k, ts[i]]));
            return tf.div(tf.sum(tf.mul(tf.square(tf.sub(this.forward(q, Xt), yt)), mt)), count);
          })(vars);
        });
        adam.apply(new Map(names.map((k, i) => [k, grads[i].dataSync()])));
        tf.dispose(grads);
      }
      loss = tf.tidy(() => {
        const p = this.tensors();
        return tf.div(tf.sum(tf.mul(tf.square(tf.sub(this.forward(p, Xt), yt)), mt)), count).dataSync()[0];
      });
    } finally {
      tf.dispose([Xt, yt, mt]);
    }
    return loss;
  }

  /** The ensemble mean prediction for each row of X (N × inputs, row-major). */
  predict(X: Float32Array): Float32Array {
    const n = X.length / this.size.inputs;
    if (n === 0) return new Float32Array(0);
    return tf.tidy(() => tf.mean(this.forward(this.tensors(), tf.tensor2d(X, [n, this.size.inputs])), 1).dataSync() as Float32Array);
  }

  state(): Record<string, string> {
    return Object.fromEntries([...this.params].map(([k, a]) => [k, f32ToBase64(a)]));
  }

  restore(s: Record<string, string>): void {
    for (const [k, a] of this.params) {
      if (typeof s?.[k] !== 'string') throw new Error(`corrupt predictor state: no ${k}`);
      a.set(base64ToF32(s[k], a.length));
    }
  }
}
