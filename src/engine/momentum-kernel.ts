/**
 * NasMomentumStep (value, accum, grad → new value, new accum): one momentum-SGD update of one
 * variable in one pass, instead of the ~6 broadcast kernels tf.train.momentum runs per variable.
 * A NASNet proxy child has ~200 variables and a step of ~3,000 kernels, so at proxy sizes the
 * optimizer's kernel overhead is a large part of the step. Same formulas as tfjs' MomentumOptimizer:
 *   accum' = momentum·accum + grad
 *   value' = value − lr·(nesterov ? grad + momentum·accum' : accum')
 */
import * as tf from '#tfjs';
import { allocFor } from './buffer-pool.js';
import { float32Values, type CpuLike } from './kernel-util.js';

export const MOMENTUM_STEP = 'NasMomentumStep';

type Args = { inputs: Record<string, tf.TensorInfo>; backend: unknown; attrs?: tf.NamedAttrMap };

function step({ inputs, backend, attrs }: Args): tf.TensorInfo[] {
  const b = backend as CpuLike;
  const { value, accum, grad } = inputs;
  const { lr, momentum, nesterov } = attrs as { lr: number; momentum: number; nesterov: boolean };
  const [w, a, g] = [value, accum, grad].map((t) => float32Values(b, t));
  const alloc = allocFor(b);
  const w2 = alloc(w.length, true), a2 = alloc(w.length, true); // the loop assigns every element of both
  // Each product rounded to float32 as tfjs' separate kernels round it, so both paths agree bit for bit in most places.
  const f = Math.fround;
  const m = f(momentum), c = f(-lr);
  for (let i = 0; i < w.length; i++) {
    const acc = f(f(m * a[i]) + g[i]);
    a2[i] = acc;
    w2[i] = f(f(c * (nesterov ? f(g[i] + f(acc * m)) : acc)) + w[i]);
  }
  return [b.makeTensorInfo(value.shape, 'float32', w2), b.makeTensorInfo(value.shape, 'float32', a2)];
}

export function registerMomentumKernel(backendName: string): void {
  if (tf.getKernel(MOMENTUM_STEP, backendName)) tf.unregisterKernel(MOMENTUM_STEP, backendName);
  tf.registerKernel({ kernelName: MOMENTUM_STEP, backendName, kernelFunc: step as unknown as tf.KernelFunc });
}
