/**
 * Depthwise-separable conv op (Zoph et al. 2018, Sec. 3 and appendix A.4: "applied twice"):
 * (ReLU, k x k separable conv, BN) twice, the stride on the first.
 */
import * as tf from '#tfjs';
import { batchNorm, relu, type BuildContext, type Sym } from '../context.js';
import type { OpBuilder } from './types.js';

function sepConv(ctx: BuildContext, x: Sym, channels: number, k: number, stride: number): Sym {
  const layer = tf.layers.separableConv2d({
    filters: channels,
    kernelSize: k,
    strides: stride,
    padding: 'same',
    useBias: false,
    depthwiseInitializer: ctx.kernelInit(),
    pointwiseInitializer: ctx.kernelInit(),
    name: ctx.name('sepconv'),
  });
  return batchNorm(ctx, layer.apply(relu(ctx, x)) as Sym);
}

/** (ReLU, k x k separable conv, BN) x 2. */
export const separableConv = (k: number): OpBuilder => (ctx, x, channels, stride) => sepConv(ctx, sepConv(ctx, x, channels, k, stride), channels, k, 1);
