/**
 * Sum / Mean over one contiguous block of axes (batch-norm statistics over [0,1,2], global
 * average pooling over [1,2], bias gradients over [0,1,2]) without the transpose the stock
 * kernel performs first.
 */

import { freshArray, type Alloc } from '../buffer-pool.js';

/** outer × mid × inner view of x with the reduced axes as `mid`; null if the axes are not contiguous. */
export function planReduce(shape: number[], axes: number[]): { outer: number; mid: number; inner: number } | null {
  const ax = [...new Set(axes.map((a) => (a < 0 ? a + shape.length : a)))].sort((a, b) => a - b);
  if (ax.length === 0) return null;
  for (let i = 1; i < ax.length; i++) if (ax[i] !== ax[i - 1] + 1) return null;
  const prod = (s: number[]) => s.reduce((x, y) => x * y, 1);
  const d0 = ax[0], d1 = ax[ax.length - 1] + 1;
  return { outer: prod(shape.slice(0, d0)), mid: prod(shape.slice(d0, d1)), inner: prod(shape.slice(d1)) };
}

/** Sums over `mid` (accumulating in float64 like the stock kernel), optionally dividing by it. */
export function reduceSum(x: Float32Array, p: { outer: number; mid: number; inner: number }, mean: boolean, alloc: Alloc = freshArray): Float32Array {
  const { outer, mid, inner } = p;
  // No fill: every (o, i) is assigned once.
  const out = alloc(outer * inner, true);
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    for (let m = 0; m < mid; m++) {
      const base = (o * mid + m) * inner;
      for (let i = 0; i < inner; i++) acc[i] += x[base + i];
    }
    const scale = mean ? 1 / mid : 1;
    for (let i = 0; i < inner; i++) out[o * inner + i] = acc[i] * scale;
  }
  return out;
}
