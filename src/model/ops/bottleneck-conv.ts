/**
 * AmoebaNet's bottlenecked 1x7-then-7x1 conv op `conv_1x7_7x1_b<k>` (Real et al. 2019,
 * "Regularized Evolution for Image Classifier Architecture Search"; its reference code,
 * tensorflow/tpu models/official/amoeba_net/network_utils.py `_apply_operation`, runs every
 * plain conv of the space through a bottleneck of floor(C/4) channels):
 *   ReLU, 1x1 conv to m = floor(C/k), BN, ReLU, 1x7 conv (stride 1 x s), BN, ReLU,
 *   7x1 conv (stride s x 1), BN, ReLU, 1x1 conv to C, BN.
 * With m < 1: ReLU, 1x7 conv, BN, ReLU, 7x1 conv, BN at C channels (the reference's fallback).
 * Params (m >= 1): C_in·m + 2m + 7m² + 2m + 7m² + 2m + m·C + 2C.
 * Mult-adds (stride s): H·W·m·C_in + H·(W/s)·7m² + (H/s)·(W/s)·(7m² + m·C), sizes rounded up.
 */
import { batchNorm, conv, relu, type Sym } from '../context.js';
import type { OpBuilder } from './types.js';

export const bottleneckConv1x7 = (divisor: number): OpBuilder => (ctx, x, channels, stride) => {
  const m = Math.floor(channels / divisor);
  const width = m >= 1 ? m : channels;
  let y = m >= 1 ? relu(ctx, batchNorm(ctx, conv(ctx, relu(ctx, x), m, 1))) : relu(ctx, x);
  y = batchNorm(ctx, conv(ctx, y, width, [1, 7], [1, stride]));
  y = batchNorm(ctx, conv(ctx, relu(ctx, y), width, [7, 1], [stride, 1]));
  return m >= 1 ? batchNorm(ctx, conv(ctx, relu(ctx, y), channels, 1)) : y;
};
