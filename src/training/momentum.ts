/**
 * One momentum-SGD step of one variable, as one NasMomentumStep kernel where the engine registers
 * it (cpu, onednn) and as tfjs ops elsewhere: the update MomentumSgd (src/training/sgd.ts) applies.
 */
import * as tf from '#tfjs';
import { MOMENTUM_STEP } from '../engine/momentum-kernel.js';

export interface MomentumStepOptions {
  lr: number;
  momentum: number;
  nesterov: boolean;
}

/**
 * One momentum-SGD update of one variable, the one place its formula lives:
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
