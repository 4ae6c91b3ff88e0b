/**
 * Identity ops: NASNet's `identity` and NAS-Bench-201's `skip_connect` (Zoph et al. 2018;
 * Dong & Yang 2020) and NB201's `none` (the absent edge).
 */
import * as tf from '#tfjs';
import { fitShape, type Sym } from '../context.js';
import type { OpBuilder } from './types.js';

/** x itself; a factorized reduction at stride 2; a ReLU-1x1 conv-BN when the width changes. */
export const identity: OpBuilder = (ctx, x, channels, stride) => fitShape(ctx, x, channels, stride);

/**
 * Zeros of the output shape. A frozen 1x1 conv with a zero kernel is a standard layer, so a
 * model holding it saves and loads with tf.loadLayersModel. The NB201 cell builder drops
 * `none` edges instead of summing zeros; this op only materialises a node with no inputs.
 */
export const zeros: OpBuilder = (ctx, x, channels, stride) =>
  tf.layers
    .conv2d({ filters: channels, kernelSize: 1, strides: stride, padding: 'same', useBias: false, kernelInitializer: 'zeros', trainable: false, name: ctx.name('zero') })
    .apply(x) as Sym;
