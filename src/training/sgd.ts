/**
 * Momentum SGD with coupled L2 weight decay, written out so that its state (one velocity per
 * weight) is ours to checkpoint and restore exactly.
 *   g <- grad + wd * w
 *   v <- mu * v + g
 *   w <- w - lr * (nesterov ? g + mu * v : v)
 * Polyak's heavy ball and Nesterov's variant in the form of Sutskever, Martens, Dahl & Hinton,
 * "On the importance of initialization and momentum in deep learning", ICML 2013 (the form
 * PyTorch's SGD uses, and with it the DARTS / NASNet-style replays).
 */
import * as tf from '#tfjs';
import { hasFusedMomentum, momentumStep } from './momentum.js';

export interface SgdOptions {
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

/** Momentum SGD over a fixed list of variables (their order is the checkpoint order). */
export class MomentumSgd {
  private readonly velocity: tf.Variable[];

  constructor(readonly vars: tf.LayerVariable[] | tf.Variable[], readonly opts: SgdOptions) {
    // tidy frees the zeros once the variable holds them (variables survive tidy).
    this.velocity = vars.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(read(v)), false)));
  }

  /**
   * Applies one step. `grads` are in the order of `vars`. Weight decay applies to rank >= 2
   * weights only (kernels).
   * NOTE: PyTorch's SGD (as used by DARTS) decays every parameter, BN gammas and biases too;
   * we leave those out, the common choice since Goyal et al. 2017 ("no bias decay").
   */
  step(grads: tf.Tensor[], lr: number): void {
    const { momentum, nesterov, weightDecay } = this.opts;
    const fused = hasFusedMomentum();
    tf.tidy(() => {
      this.vars.forEach((v, i) => {
        const w = read(v);
        let g = grads[i];
        if (weightDecay > 0 && w.rank >= 2) g = tf.add(g, tf.mul(w, weightDecay));
        write(v, momentumStep(w, this.velocity[i], g, { lr, momentum, nesterov }, fused));
      });
    });
  }

  /** Velocities as plain arrays, in variable order, for checkpoints. */
  async state(): Promise<Float32Array[]> {
    return Promise.all(this.velocity.map(async (v) => (await v.data()) as Float32Array));
  }

  /** Restores velocities saved by state(); shapes must match. */
  restore(state: Float32Array[]): void {
    if (state.length !== this.velocity.length) throw new Error(`optimizer state has ${state.length} slots, model has ${this.velocity.length}`);
    state.forEach((s, i) => {
      if (s.length !== this.velocity[i].size) throw new Error(`optimizer slot ${i}: ${s.length} values, expected ${this.velocity[i].size}`);
      tf.tidy(() => this.velocity[i].assign(tf.tensor(s, this.velocity[i].shape)));
    });
  }

  dispose(): void {
    for (const v of this.velocity) v.dispose();
  }
}

function read(v: tf.LayerVariable | tf.Variable): tf.Tensor {
  return v instanceof tf.Variable ? v : (v as tf.LayerVariable).read();
}

function write(v: tf.LayerVariable | tf.Variable, value: tf.Tensor): void {
  if (v instanceof tf.Variable) v.assign(value);
  else (v as tf.LayerVariable).write(value);
}
