/**
 * Nesterov/heavy-ball momentum SGD for the proxy trainer, with tf.train.momentum's formulas and
 * minimize() contract, applying each variable's update as one NasMomentumStep kernel where the
 * engine registers it (cpu, onednn) and as tfjs ops elsewhere.
 */
import * as tf from '@tensorflow/tfjs';
import { MOMENTUM_STEP } from '../engine/momentum-kernel.js';

export interface MomentumStepOptions {
  lr: number;
  momentum: number;
  nesterov: boolean;
}

/**
 * One momentum-SGD update of one variable, the one place its formula lives (the proxy trainer and
 * the replays' MomentumSgd both step through it):
 *   accum <- momentum·accum + grad;  value <- value − lr·(nesterov ? grad + momentum·accum : accum)
 * Assigns the new accumulator and returns the new value (call inside tf.tidy). One NasMomentumStep
 * kernel where the backend registers it, tfjs ops elsewhere.
 */
export function momentumStep(value: tf.Tensor, accum: tf.Variable, grad: tf.Tensor, o: MomentumStepOptions, fused = hasFusedMomentum()): tf.Tensor {
  if (fused) {
    const [w, a] = tf.engine().runKernel(MOMENTUM_STEP, { value, accum, grad }, { lr: o.lr, momentum: o.momentum, nesterov: o.nesterov }) as tf.Tensor[];
    accum.assign(a);
    return w;
  }
  const a = tf.add(tf.mul(accum, o.momentum), grad);
  accum.assign(a);
  return tf.add(tf.mul(o.nesterov ? tf.add(grad, tf.mul(a, o.momentum)) : a, -o.lr), value);
}

/** Whether the active backend has the fused kernel (cpu, onednn). */
export function hasFusedMomentum(): boolean {
  return tf.getKernel(MOMENTUM_STEP, tf.getBackend()) !== undefined;
}

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
    const fused = hasFusedMomentum();
    tf.tidy(() => {
      for (const [name, grad] of Object.entries(grads)) {
        const v = tf.engine().registeredVariables[name];
        let acc = this.accum.get(name);
        if (!acc) this.accum.set(name, (acc = tf.variable(tf.zerosLike(v), false)));
        v.assign(momentumStep(v, acc, grad, { lr: this.lr, momentum: this.momentum, nesterov: this.nesterov }, fused));
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
