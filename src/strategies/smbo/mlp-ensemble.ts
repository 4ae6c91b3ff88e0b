/**
 * The surrogate of progressive NAS (Liu et al., "Progressive Neural Architecture Search",
 * ECCV 2018, Sec. 3.3): an ensemble of small MLPs predicting a cell's accuracy from its
 * encoding, in tfjs.
 *
 * The members are packed side by side in one network so that one tfjs op serves them all
 * (tfjs' cost is per op, the matrices are tiny): hidden = relu([X 1]·W1) is [N, M·H] (the last
 * row of W1 is the bias), and the outputs are hidden·(W2 ⊙ blockMask) + b2, [N, M], where the
 * block-diagonal mask keeps member m's output on its own H hidden units. This avoids tfjs-cpu's
 * slow broadcasting kernels.
 * NOTE: PNAS's MLP embeds tokens and averages over blocks; here the input is a one-hot of every
 * decision (zeros for blocks a smaller cell lacks), and each member sees a random 80% of the data.
 * Weights are JS Float32Arrays updated by Adam (warm-started from the previous round).
 */
import * as tf from '#tfjs';
import type { Rng } from '../../core/rng.js';
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
    const W1 = uni((D + 1) * M * H, Math.sqrt(6 / (D + H)));
    W1.fill(0, D * M * H); // bias row
    this.add('W1', [D + 1, M * H], W1);
    this.add('W2', [M * H, M], uni(M * H * M, Math.sqrt(6 / (H + 1))));
    this.add('b2', [M], new Float32Array(M));
    this.blockMask = new Float32Array(M * H * M);
    for (let m = 0; m < M; m++) for (let h = 0; h < H; h++) this.blockMask[(m * H + h) * M + m] = 1;
  }

  private readonly blockMask: Float32Array;

  /** Rows of X with a constant 1 appended (the bias input). */
  private withBias(X: Float32Array, n: number): tf.Tensor2D {
    const D = this.size.inputs;
    const out = new Float32Array(n * (D + 1));
    for (let i = 0; i < n; i++) {
      out.set(X.subarray(i * D, (i + 1) * D), i * (D + 1));
      out[i * (D + 1) + D] = 1;
    }
    return tf.tensor2d(out, [n, D + 1]);
  }

  private add(name: string, shape: number[], values: Float32Array): void {
    this.params.set(name, values);
    this.shapes.set(name, shape);
  }

  private tensors(): Record<string, tf.Tensor> {
    return Object.fromEntries([...this.params].map(([k, a]) => [k, tf.tensor(a, this.shapes.get(k)!)]));
  }

  /** [N, M] member predictions. Call inside tf.tidy. */
  private forward(p: Record<string, tf.Tensor>, X1: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
    const hid = tf.relu(tf.matMul(X1, p.W1 as tf.Tensor2D));
    return tf.add(tf.matMul(hid, tf.mul(p.W2, mask) as tf.Tensor2D), p.b2) as tf.Tensor2D;
  }

  /**
   * Trains all members for `steps` full-batch Adam steps on rows X (N × inputs, row-major) and
   * targets y; mask[n * M + m] = 1 when member m trains on row n. Returns the final loss.
   */
  fit(X: Float32Array, y: Float32Array, mask: Float32Array, steps: number, lr: number): number {
    const { members: M } = this.size;
    const n = y.length;
    const adam = new Adam(this.params, lr);
    const names = [...this.params.keys()];
    let loss = NaN;
    const Xt = this.withBias(X, n);
    const yt = tf.tensor2d(Float32Array.from({ length: n * M }, (_, i) => y[Math.floor(i / M)]), [n, M]);
    const bm = tf.tensor2d(this.blockMask, [this.blockMask.length / M, M]);
    const mt = tf.tensor2d(mask, [n, M]);
    const count = Math.max(1, mask.reduce((a, b) => a + b, 0));
    try {
      for (let s = 0; s < steps; s++) {
        const grads = tf.tidy(() => {
          const p = this.tensors();
          const vars = names.map((k) => p[k]);
          return tf.grads((...ts: tf.Tensor[]) => {
            const q = Object.fromEntries(names.map((k, i) => [k, ts[i]]));
            return tf.div(tf.sum(tf.mul(tf.square(tf.sub(this.forward(q, Xt, bm), yt)), mt)), count);
          })(vars);
        });
        adam.apply(new Map(names.map((k, i) => [k, grads[i].dataSync()])));
        tf.dispose(grads);
      }
      loss = tf.tidy(() => {
        const p = this.tensors();
        return tf.div(tf.sum(tf.mul(tf.square(tf.sub(this.forward(p, Xt, bm), yt)), mt)), count).dataSync()[0];
      });
    } finally {
      tf.dispose([Xt, yt, mt, bm]);
    }
    return loss;
  }

  /** The ensemble mean prediction for each row of X (N × inputs, row-major). */
  predict(X: Float32Array): Float32Array {
    const n = X.length / this.size.inputs;
    if (n === 0) return new Float32Array(0);
    const M = this.size.members;
    return tf.tidy(() => tf.mean(this.forward(this.tensors(), this.withBias(X, n), tf.tensor2d(this.blockMask, [this.blockMask.length / M, M])), 1).dataSync() as Float32Array);
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
