/**
 * Max / average pooling and their gradients over NHWC Float32Arrays, channel loop innermost.
 * Max ties go to the first maximum in the window (as the stock tfjs kernel does).
 */
import type * as tf from '#tfjs';
import { freshArray, type Alloc } from '../buffer-pool.js';

type PoolInfo = tf.backend_util.Conv2DInfo;

/** Visits each output pixel's valid window: f(outOffset, inOffsets[], count). */
function windows(p: PoolInfo, visit: (yo: number, xs: number[], n: number) => void): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = p;
  const xs: number[] = [];
  for (let b = 0; b < N; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * p.strideHeight - p.padInfo.top;
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * p.strideWidth - p.padInfo.left;
        let n = 0;
        for (let i = 0; i < p.effectiveFilterHeight; i += p.dilationHeight) {
          const ih = h0 + i;
          if (ih < 0 || ih >= H) continue;
          for (let j = 0; j < p.effectiveFilterWidth; j += p.dilationWidth) {
            const iw = w0 + j;
            if (iw < 0 || iw >= W) continue;
            xs[n++] = ((b * H + ih) * W + iw) * C;
          }
        }
        visit(((b * OH + oh) * OW + ow) * C, xs, n);
      }
    }
  }
}

export function maxPool(x: Float32Array, p: PoolInfo, alloc: Alloc = freshArray): Float32Array {
  const C = p.inChannels;
  // No fill: windows() visits every output pixel, which is assigned before it is compared.
  const y = alloc(p.batchSize * p.outHeight * p.outWidth * C, true);
  windows(p, (yo, xs, n) => {
    for (let c = 0; c < C; c++) y[yo + c] = n ? -Infinity : 0;
    for (let k = 0; k < n; k++) {
      const xo = xs[k];
      for (let c = 0; c < C; c++) { const v = x[xo + c]; if (v > y[yo + c]) y[yo + c] = v; }
    }
  });
  return y;
}

/** Routes dy to the first maximum of each window (recomputed from x). */
export function maxPoolGrad(dy: Float32Array, x: Float32Array, p: PoolInfo, alloc: Alloc = freshArray): Float32Array {
  const C = p.inChannels;
  const dx = alloc(x.length);
  const best = new Float32Array(C), arg = new Int32Array(C);
  windows(p, (yo, xs, n) => {
    if (n === 0) return;
    best.fill(-Infinity);
    for (let k = 0; k < n; k++) {
      const xo = xs[k];
      for (let c = 0; c < C; c++) { const v = x[xo + c]; if (v > best[c]) { best[c] = v; arg[c] = xo; } }
    }
    for (let c = 0; c < C; c++) dx[arg[c] + c] += dy[yo + c];
  });
  return dx;
}

/** Average over the valid (unpadded) pixels of each window, as tfjs's forward kernel does. */
export function avgPool(x: Float32Array, p: PoolInfo, alloc: Alloc = freshArray): Float32Array {
  const C = p.inChannels;
  const y = alloc(p.batchSize * p.outHeight * p.outWidth * C);
  windows(p, (yo, xs, n) => {
    for (let k = 0; k < n; k++) {
      const xo = xs[k];
      for (let c = 0; c < C; c++) y[yo + c] += x[xo + c];
    }
    const s = 1 / Math.max(n, 1);
    for (let c = 0; c < C; c++) y[yo + c] *= s;
  });
  return y;
}

/**
 * Gradient of avgPool().
 * NOTE: tfjs's stock AvgPoolGrad divides by the full window size even where the forward pass
 * divided by the number of valid pixels ('same' padding borders), so its gradient is wrong
 * there; this one is the exact gradient of the forward kernel. They agree for 'valid'.
 */
export function avgPoolGrad(dy: Float32Array, p: PoolInfo, alloc: Alloc = freshArray): Float32Array {
  const C = p.inChannels;
  const dx = alloc(p.batchSize * p.inHeight * p.inWidth * C);
  windows(p, (yo, xs, n) => {
    const s = 1 / Math.max(n, 1);
    for (let k = 0; k < n; k++) {
      const xo = xs[k];
      for (let c = 0; c < C; c++) dx[xo + c] += dy[yo + c] * s;
    }
  });
  return dx;
}
