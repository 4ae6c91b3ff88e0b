/**
 * Squeeze-and-excitation-wrapped 3x3 convolution op `se_conv_3x3_r<r>` (Hu, Shen & Sun 2018,
 * "Squeeze-and-Excitation Networks", Sec. 3 and Fig. 3, SE on a residual branch before the sum):
 * U = BN(conv3x3(ReLU(x))); squeeze z = global average pool of U; excitation
 * s = sigmoid(W2 · ReLU(W1 · z)), W1 reducing C to max(1, floor(C/r)) and W2 restoring C (dense
 * layers with biases, as in the paper's Caffe models); output U · s per channel.
 * Params: 9 · C_in · C + 2C (BN) + (C·h + h) + (h·C + C), h = max(1, floor(C/r)).
 * Mult-adds (cost.ts's convention, convolutions and dense layers): H·W·C·9·C_in + 2·C·h; the
 * per-channel scale (H·W·C multiplies) is elementwise, left out like BN and adds.
 * Standard layers only (dense, reshape, a broadcasting multiply): saves and loads as is.
 */
import * as tf from '#tfjs';
import { reluConvBn, type Sym } from '../context.js';
import type { OpBuilder } from './types.js';

/** Width of the excitation's bottleneck. */
export const seHidden = (channels: number, ratio: number): number => Math.max(1, Math.floor(channels / ratio));

export const seConv3x3 = (ratio: number): OpBuilder => (ctx, x, channels, stride) => {
  const u = reluConvBn(ctx, x, channels, 3, stride);
  const z = tf.layers.globalAveragePooling2d({ name: ctx.name('se_squeeze') }).apply(u) as Sym;
  const dense = (units: number, activation: 'relu' | 'sigmoid', name: string) =>
    tf.layers.dense({ units, activation, kernelInitializer: tf.initializers.glorotUniform({ seed: ctx.nextSeed() }), name: ctx.name(name) });
  const h = dense(seHidden(channels, ratio), 'relu', 'se_reduce').apply(z) as Sym;
  const s = dense(channels, 'sigmoid', 'se_expand').apply(h) as Sym;
  const s4 = tf.layers.reshape({ targetShape: [1, 1, channels], name: ctx.name('se_shape') }).apply(s) as Sym;
  return tf.layers.multiply({ name: ctx.name('se_scale') }).apply([u, s4]) as Sym;
};
