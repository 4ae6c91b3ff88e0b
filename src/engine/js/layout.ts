/**
 * Slice, Tile and Pad by whole rows (the last axis) instead of the stock kernels' per-element
 * index arithmetic. They matter in NASNet children: the gradients of channel concatenation
 * (SplitV -> Slice on the last axis), of cropping (Pad) and of batch norm (Tile) touch every
 * activation of a cell.
 */

import { freshArray, type Alloc } from '../buffer-pool.js';

/** Calls f(index) for every index over `outer` (the dims before the last), in row-major order. */
function forEachRow(outer: number[], f: (idx: number[]) => void): void {
  const idx = new Array(outer.length).fill(0);
  if (outer.some((d) => d === 0)) return;
  for (;;) {
    f(idx);
    let d = outer.length - 1;
    while (d >= 0 && ++idx[d] === outer[d]) idx[d--] = 0;
    if (d < 0) return;
  }
}

function strides(shape: number[]): number[] {
  const s = new Array(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1] * shape[d + 1];
  return s;
}

function copyRow(src: Float32Array, s: number, dst: Float32Array, d: number, n: number): void {
  if (n > 32) dst.set(src.subarray(s, s + n), d);
  else for (let i = 0; i < n; i++) dst[d + i] = src[s + i];
}

/** x[begin : begin + size] for a rank ≥ 1 tensor. */
export function sliceRows(x: Float32Array, shape: number[], begin: number[], size: number[], alloc: Alloc = freshArray): Float32Array {
  const r = shape.length;
  const xs = strides(shape);
  // No fill: one copied row of size[r-1] per index of the outer dims covers the output.
  const out = alloc(size.reduce((a, b) => a * b, 1), true);
  const n = size[r - 1];
  let o = 0;
  forEachRow(size.slice(0, r - 1), (idx) => {
    let s = begin[r - 1];
    for (let d = 0; d < r - 1; d++) s += (idx[d] + begin[d]) * xs[d];
    copyRow(x, s, out, o, n);
    o += n;
  });
  return out;
}

/** tf.tile: dimension d repeated reps[d] times. */
export function tileRows(x: Float32Array, shape: number[], reps: number[], alloc: Alloc = freshArray): Float32Array {
  const r = shape.length;
  const xs = strides(shape);
  const outShape = shape.map((s, d) => s * reps[d]);
  // No fill: reps[r-1] copied rows per index of the outer dims of the output cover it.
  const out = alloc(outShape.reduce((a, b) => a * b, 1), true);
  const n = shape[r - 1];
  let o = 0;
  forEachRow(outShape.slice(0, r - 1), (idx) => {
    let s = 0;
    for (let d = 0; d < r - 1; d++) s += (idx[d] % shape[d]) * xs[d];
    for (let k = 0; k < reps[r - 1]; k++, o += n) copyRow(x, s, out, o, n);
  });
  return out;
}

/** tf.pad with a constant: paddings[d] = [before, after]. */
export function padRows(x: Float32Array, shape: number[], paddings: [number, number][], value: number, alloc: Alloc = freshArray): Float32Array {
  const r = shape.length;
  const outShape = shape.map((s, d) => paddings[d][0] + s + paddings[d][1]);
  const os = strides(outShape);
  const out = alloc(outShape.reduce((a, b) => a * b, 1));
  if (value !== 0) out.fill(value);
  const n = shape[r - 1];
  let i = 0;
  forEachRow(shape.slice(0, r - 1), (idx) => {
    let o = paddings[r - 1][0];
    for (let d = 0; d < r - 1; d++) o += (idx[d] + paddings[d][0]) * os[d];
    copyRow(x, i, out, o, n);
    i += n;
  });
  return out;
}
