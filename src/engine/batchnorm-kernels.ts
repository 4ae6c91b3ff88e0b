/**
 * Two tfjs kernels, registered on our cpu and onednn backends, that do a training-mode batch
 * norm in one pass each way: NasBatchNormTrain (x, gamma, beta → y, mean, variance) and
 * NasBatchNormGrad (dy, x, mean, variance, gamma → dx, dgamma, dbeta). tfjs-layers composes
 * the same from ~12 broadcast/reduce kernels forward and backward, each allocating a tensor the
 * size of the activation; on a NASNet child that was half of the step time.
 * src/model/batch-norm.ts uses them where they are registered and tfjs's own path elsewhere.
 */
import * as tf from '#tfjs';
import { allocFor } from './buffer-pool.js';
import { bnBackward, bnForward } from './js/batchnorm.js';
import { float32Values as f32, type CpuLike } from './kernel-util.js';
import type { NativeBatchNorm } from './onednn.js';

export const BN_TRAIN = 'NasBatchNormTrain';
export const BN_GRAD = 'NasBatchNormGrad';

type Args = { inputs: Record<string, tf.TensorInfo>; backend: unknown; attrs?: tf.NamedAttrMap };

/**
 * The gradient of NasBatchNormTrain: only y feeds the loss (mean and variance go to the moving
 * averages), so dy of the other two outputs is ignored.
 */
const gradient: tf.GradConfig = {
  kernelName: BN_TRAIN,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, true, true],
  gradFunc: (dys: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const dy = Array.isArray(dys) ? dys[0] : dys;
    const [x, gamma, mean, variance] = saved;
    const [dx, dgamma, dbeta] = tf.engine().runKernel(BN_GRAD, { dy, x, mean, variance, gamma }, attrs) as tf.Tensor[];
    return { x: () => dx, gamma: () => dgamma, beta: () => dbeta };
  },
};

export function registerBatchNormKernels(backendName: string, native: NativeBatchNorm | null): void {
  const train = ({ inputs, backend, attrs }: Args): tf.TensorInfo[] => {
    const b = backend as CpuLike;
    const { x, gamma, beta } = inputs;
    const eps = (attrs as { epsilon: number }).epsilon;
    const xv = f32(b, x), gv = f32(b, gamma), bv = f32(b, beta);
    const c = gv.length;
    // No fill: both the native and the JS batch norm assign every element of every output.
    const alloc = allocFor(b);
    const y = alloc(xv.length, true), mean = alloc(c, true), variance = alloc(c, true);
    if (!native?.batchNorm(xv, gv, bv, y, mean, variance, eps)) bnForward(xv, gv, bv, y, mean, variance, eps);
    return [b.makeTensorInfo(x.shape, 'float32', y), b.makeTensorInfo([c], 'float32', mean), b.makeTensorInfo([c], 'float32', variance)];
  };
  const grad = ({ inputs, backend, attrs }: Args): tf.TensorInfo[] => {
    const b = backend as CpuLike;
    const { dy, x, mean, variance, gamma } = inputs;
    const eps = (attrs as { epsilon: number }).epsilon;
    const dyv = f32(b, dy), xv = f32(b, x), mv = f32(b, mean), vv = f32(b, variance), gv = f32(b, gamma);
    const c = gv.length;
    const alloc = allocFor(b);
    const dx = alloc(xv.length, true), dgamma = alloc(c, true), dbeta = alloc(c, true);
    if (!native?.batchNormGrad(dyv, xv, mv, vv, gv, dx, dgamma, dbeta, eps)) bnBackward(dyv, xv, mv, vv, gv, dx, dgamma, dbeta, eps);
    return [b.makeTensorInfo(x.shape, 'float32', dx), b.makeTensorInfo([c], 'float32', dgamma), b.makeTensorInfo([c], 'float32', dbeta)];
  };
  if (!tf.getGradient(BN_TRAIN)) tf.registerGradient(gradient);
  for (const [kernelName, kernelFunc] of [[BN_TRAIN, train], [BN_GRAD, grad]] as const) {
    if (tf.getKernel(kernelName, backendName)) tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({ kernelName, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
}
