/**
 * Plain convolution ops. NASNet (Zoph et al. 2018, Sec. 3) and NAS-Bench-201 (Dong & Yang
 * 2020, Sec. 2.1) both apply them as ReLU, conv, BN.
 */
import * as tf from '#tfjs';
import { batchNorm, conv, relu, reluConvBn, type Sym } from '../context.js';
import { AtrousConv2D } from '../layers/atrous-conv.js';
import type { OpBuilder } from './types.js';

/** ReLU, k x k conv (with the stride), BN. */
export const plainConv = (k: number): OpBuilder => (ctx, x, channels, stride) => reluConvBn(ctx, x, channels, k, stride);

/** ReLU, 1 x k conv (with the stride), k x 1 conv, BN: NASNet's factorized k x k conv. */
export const factorizedConv = (k: number): OpBuilder => (ctx, x, channels, stride) => {
  const a = conv(ctx, relu(ctx, x), channels, [1, k], stride);
  return batchNorm(ctx, conv(ctx, a, channels, [k, 1]));
};

/**
 * ReLU, 3x3 conv with dilation 2, BN.
 * At stride 1: the AtrousConv2D layer (tfjs has no gradient for dilated conv2d).
 * At stride 2: keep every second pixel, then a plain 3x3 conv. Exact: a dilation-2 conv
 * sampled at even positions only reads even pixels, so it is a 3x3 conv of the subsampled image.
 */
export const dilatedConv3x3: OpBuilder = (ctx, x, channels, stride) => {
  const r = relu(ctx, x);
  if (stride === 2) {
    // A 1x1 average pool is a pure subsample; its gradient is much cheaper than max pool's on tfjs cpu.
    const sub = tf.layers.averagePooling2d({ poolSize: 1, strides: 2, padding: 'same', name: ctx.name('subsample') }).apply(r) as Sym;
    return batchNorm(ctx, conv(ctx, sub, channels, 3));
  }
  const y = new AtrousConv2D({ filters: channels, kernelSize: 3, rate: 2, seed: ctx.nextSeed(), name: ctx.name('atrous') }).apply(r) as Sym;
  return batchNorm(ctx, y);
};
