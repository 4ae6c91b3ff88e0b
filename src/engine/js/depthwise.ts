/**
 * Depthwise convolution (the first half of a separable convolution, Chollet 2017,
 * "Xception") forward, backprop-input and backprop-filter over NHWC Float32Arrays.
 * Filters are tfjs's [kH, kW, C, M]; output channel c·M + m reads input channel c.
 *
 * Direct loops with the channel loop innermost: every array is walked contiguously,
 * which is what the stock kernels (TensorBuffer.get per element) do not do.
 */
import type * as tf from '#tfjs';
import { freshArray, type Alloc } from '../buffer-pool.js';

type ConvInfo = tf.backend_util.Conv2DInfo;

const FORWARD = 0, BACK_INPUT = 1, BACK_FILTER = 2;

/** One sweep over (batch, output pixel, filter tap) shared by the three directions. */
function sweep(mode: number, x: Float32Array, w: Float32Array, y: Float32Array, c: ConvInfo): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
  const kH = c.filterHeight, kW = c.filterWidth, sH = c.strideHeight, sW = c.strideWidth;
  const dH = c.dilationHeight, dW = c.dilationWidth, pT = c.padInfo.top, pL = c.padInfo.left;
  const M = c.outChannels / C;
  const CM = C * M;
  for (let b = 0; b < N; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const yo = ((b * OH + oh) * OW + ow) * CM;
        for (let i = 0; i < kH; i++) {
          const ih = oh * sH - pT + i * dH;
          if (ih < 0 || ih >= H) continue;
          for (let j = 0; j < kW; j++) {
            const iw = ow * sW - pL + j * dW;
            if (iw < 0 || iw >= W) continue;
            const xo = ((b * H + ih) * W + iw) * C;
            const wo = (i * kW + j) * CM;
            if (M === 1) {
              if (mode === FORWARD) for (let ch = 0; ch < C; ch++) y[yo + ch] += x[xo + ch] * w[wo + ch];
              else if (mode === BACK_INPUT) for (let ch = 0; ch < C; ch++) x[xo + ch] += y[yo + ch] * w[wo + ch];
              else for (let ch = 0; ch < C; ch++) w[wo + ch] += x[xo + ch] * y[yo + ch];
            } else {
              for (let ch = 0; ch < C; ch++) {
                for (let m = 0; m < M; m++) {
                  const q = ch * M + m;
                  if (mode === FORWARD) y[yo + q] += x[xo + ch] * w[wo + q];
                  else if (mode === BACK_INPUT) x[xo + ch] += y[yo + q] * w[wo + q];
                  else w[wo + q] += x[xo + ch] * y[yo + q];
                }
              }
            }
          }
        }
      }
    }
  }
}

/** y = depthwise(x, w): x [N,H,W,C], w [kH,kW,C,M] → y [N,OH,OW,C·M]. */
export function depthwiseForward(x: Float32Array, w: Float32Array, c: ConvInfo, alloc: Alloc = freshArray): Float32Array {
  // sweep() adds into its output in all three directions: every output starts zeroed.
  const y = alloc(c.batchSize * c.outHeight * c.outWidth * c.outChannels);
  sweep(FORWARD, x, w, y, c);
  return y;
}

/** dx of depthwise: dy [N,OH,OW,C·M], w → dx [N,H,W,C]. */
export function depthwiseBackpropInput(dy: Float32Array, w: Float32Array, c: ConvInfo, alloc: Alloc = freshArray): Float32Array {
  const dx = alloc(c.batchSize * c.inHeight * c.inWidth * c.inChannels);
  sweep(BACK_INPUT, dx, w, dy, c);
  return dx;
}

/** dw of depthwise: x, dy → dw [kH,kW,C,M]. */
export function depthwiseBackpropFilter(x: Float32Array, dy: Float32Array, c: ConvInfo, alloc: Alloc = freshArray): Float32Array {
  const dw = alloc(c.filterHeight * c.filterWidth * c.outChannels);
  sweep(BACK_FILTER, x, dw, dy, c);
  return dw;
}
