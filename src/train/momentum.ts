/**
 * Nesterov/heavy-ball momentum SGD for the proxy trainer, with tf.train.momentum's formulas and
 * minimize() contract, applying each variable's update as one NasMomentumStep kernel where the
 * engine registers it (cpu, onednn) and as tfjs ops elsewhere.
 */
import * as tf from '@tensorflow/tfjs';
import { MOMENTUM_STEP } from '../engine/momentum-kernel.js';

export class FusedMomentum {
  private lr: number;
  private readonly accum = new Map<string, tf.Variable>();

  constructor(learningRate: number, private readonly momentum: number, private readonly nesterov: boolean) {
    this.lr = learningRate;
  }

  setLearningRate(lr: number): void {
    this.lr = lr;
  }

  /** One step on every trainable variable f reaches; returns the cost (caller disposes it). */
  minimize(f: () => tf.Scalar): tf.Scalar {
    const { value, grads } = tf.variableGrads(f);
    const fused = tf.getKernel(MOMENTUM_STEP, tf.getBackend()) !== undefined;
    tf.tidy(() => {
      for (const [name, grad] of Object.entries(grads)) {
        const v = tf.engine().registeredVariables[name];
        let acc = this.accum.get(name);
        if (!acc) this.accum.set(name, (acc = tf.variable(tf.zerosLike(v), false)));
        if (fused) {
          const [w, a] = tf.engine().runKernel(MOMENTUM_STEP, { value: v, accum: acc, grad }, { lr: this.lr, momentum: this.momentum, nesterov: this.nesterov }) as tf.Tensor[];
          acc.assign(a);
          v.assign(w);
        } else {
          const a = tf.add(tf.mul(acc, this.momentum), grad);
          acc.assign(a);
          v.assign(tf.add(tf.mul(this.nesterov ? tf.add(grad, tf.mul(a, this.momentum)) : a, -this.lr), v));
        }
      }
    });
    tf.dispose(Object.values(grads));
    return value;
  }

  dispose(): void {
    for (const a of this.accum.values()) a.dispose();
    this.accum.clear();
  }
}
