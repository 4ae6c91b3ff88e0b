/**
 * Broadcasting binary ops (Add, Sub, Multiply, RealDiv, SquaredDifference) for the shapes a
 * training step produces: equal shapes, and one operand equal to the other except for one
 * contiguous block of size-1 dims (bias / batch-norm scale [C] against [N,H,W,C], pooled
 * [N,1,1,C] against [N,H,W,C], scalars). The stock kernel maps every element through
 * generic index arithmetic, which made these ops dominate a step once convolutions were fast.
 */

/** outer × mid × inner view: the small operand is indexed by (outer, inner) only. */
export interface BroadcastPlan { outer: number; mid: number; inner: number; bigIsA: boolean; shape: number[] }

/** Plans `a op b`, or returns null for patterns this module does not take (then use stock). */
export function planBroadcast(aShape: number[], bShape: number[]): BroadcastPlan | null {
  const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
  const bigIsA = size(aShape) >= size(bShape) && aShape.length >= bShape.length;
  const big = bigIsA ? aShape : bShape;
  const small = bigIsA ? bShape : aShape;
  if (small.length > big.length) return null;
  const pad = [...new Array(big.length - small.length).fill(1), ...small];
  let d0 = -1, d1 = -1;
  for (let d = 0; d < big.length; d++) {
    if (pad[d] === big[d]) continue;
    if (pad[d] !== 1) return null;
    if (d0 < 0) d0 = d;
    else if (d1 !== d) return null; // a second, separate block of broadcast dims
    d1 = d + 1;
  }
  if (d0 < 0) { d0 = 0; d1 = 0; }
  return { outer: size(big.slice(0, d0)), mid: size(big.slice(d0, d1)), inner: size(big.slice(d1)), bigIsA, shape: big };
}

import { freshArray, type Alloc } from '../buffer-pool.js';

export const ADD = 0, SUB = 1, MUL = 2, DIV = 3, SQDIFF = 4;

/** out = a op b following `p` (see planBroadcast). */
export function broadcastBinary(op: number, a: Float32Array, b: Float32Array, p: BroadcastPlan, alloc: Alloc = freshArray): Float32Array {
  const big = p.bigIsA ? a : b, small = p.bigIsA ? b : a;
  // No fill: the three loops assign every one of outer × mid × inner elements.
  const out = alloc(p.outer * p.mid * p.inner, true);
  const { outer, mid, inner } = p;
  // Sub and RealDiv are not symmetric: with the big operand on the right, flip them.
  const flip = !p.bigIsA;
  for (let o = 0; o < outer; o++) {
    const so = o * inner;
    for (let m = 0; m < mid; m++) {
      const base = (o * mid + m) * inner;
      switch (op) {
        case ADD: for (let i = 0; i < inner; i++) out[base + i] = big[base + i] + small[so + i]; break;
        case MUL: for (let i = 0; i < inner; i++) out[base + i] = big[base + i] * small[so + i]; break;
        case SUB:
          if (flip) for (let i = 0; i < inner; i++) out[base + i] = small[so + i] - big[base + i];
          else for (let i = 0; i < inner; i++) out[base + i] = big[base + i] - small[so + i];
          break;
        case DIV:
          if (flip) for (let i = 0; i < inner; i++) out[base + i] = small[so + i] / big[base + i];
          else for (let i = 0; i < inner; i++) out[base + i] = big[base + i] / small[so + i];
          break;
        default:
          for (let i = 0; i < inner; i++) { const d = big[base + i] - small[so + i]; out[base + i] = d * d; }
      }
    }
  }
  return out;
}
