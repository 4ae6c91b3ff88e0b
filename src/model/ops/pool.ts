/**
 * Pooling ops (Zoph et al. 2018; Dong & Yang 2020): k x k pool with 'same' padding and the
 * stride; tfjs's 'same' average pool divides by the pixels inside the image (NB201's
 * count_include_pad=False). A width change adds a ReLU-1x1 conv-BN projection after the
 * pool, as NASNet's code does when a pool's input and output widths differ.
 */
import * as tf from '#tfjs';
import { channelsOf, reluConvBn, type Sym } from '../context.js';
import type { OpBuilder } from './types.js';

export const pool = (type: 'max' | 'avg', k: number): OpBuilder => (ctx, x, channels, stride) => {
  const args = { poolSize: k, strides: stride, padding: 'same' as const, name: ctx.name(`${type}pool`) };
  const y = (type === 'max' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args)).apply(x) as Sym;
  return channelsOf(y) === channels ? y : reluConvBn(ctx, y, channels, 1);
};
