/**
 * Runners for the memory-bound ops of a training step on the onednn backend: the same ops
 * and shape plans as js-extras.ts, executed by the addon's vectorised (and, with threads > 1,
 * OpenMP-parallel) loops. A call the addon declines returns null and goes to the JS runner.
 */
import * as tf from '#tfjs';
import { allocFor } from './buffer-pool.js';
import { ADD, DIV, MUL, SQDIFF, SUB, planBroadcast } from './js/broadcast.js';
import { planReduce } from './js/reduce.js';
import { extraRunners } from './js-extras.js';
import { type Run, values } from './kernel-util.js';
import type { NativeEltwise } from './onednn.js';

const RELU = 0, STEP = 1, SQUARE = 2;
const MAX = 0, AVG = 2, AVG_GRAD = 3;

function poolGeom(shape: number[], attrs: tf.NamedAttrMap) {
  const { filterSize, strides, pad, dimRoundingMode } = attrs as any;
  const p = tf.backend_util.computePool2DInfo(shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const geom = Int32Array.from([p.batchSize, p.inHeight, p.inWidth, p.inChannels, p.outHeight, p.outWidth,
    p.filterHeight, p.filterWidth, p.strideHeight, p.strideWidth, p.padInfo.top, p.padInfo.left]);
  return { p, geom };
}

/** v with leading `fill`s up to 4 entries (shapes take 1s, offsets 0s), or null above rank 4. */
const four = (v: number[], fill: number): number[] | null => (v.length > 4 ? null : [...new Array(4 - v.length).fill(fill), ...v]);

/** Copies the box `size` at `srcBegin` of src into dst at `dstBegin` with the addon; false if it declines. */
function box(n: NativeEltwise, src: Float32Array, srcShape: number[], srcBegin: number[], dst: Float32Array, dstShape: number[], dstBegin: number[], size: number[]): boolean {
  const geom = [four(srcShape, 1), four(srcBegin, 0), four(dstShape, 1), four(dstBegin, 0), four(size, 1)];
  if (geom.some((g) => !g)) return false;
  return n.copyBox(src, dst, Int32Array.from(geom.flat() as number[]));
}

const count = tf.util.sizeFromShape;

// Outputs come from the backend's buffer pool; `true` (no zero-fill) where the addon's loop assigns
// every element (eltwise.cc binary/unary/reduce/pool forward, layout.cc boxes that tile the output);
// the pooling gradients add into dx and padding leaves a border, so those get zeros.

/** Kernel name -> runner using the addon, falling back to the JS runner of the same name. */
export function nativeExtraRunners(n: NativeEltwise): Record<string, Run> {
  const binary = (op: number): Run => (b, { a, b: bb }) => {
    const av = values(b, a), bv = values(b, bb);
    const plan = av && bv ? planBroadcast(a.shape, bb.shape) : null;
    if (!plan) return null;
    const out = allocFor(b)(plan.outer * plan.mid * plan.inner, true);
    const [big, small] = plan.bigIsA ? [av!, bv!] : [bv!, av!];
    return n.binary(op, big, small, out, plan.outer, plan.mid, plan.inner, !plan.bigIsA) ? b.makeTensorInfo(plan.shape, 'float32', out) : null;
  };
  const unary = (op: number): Run => (b, { x }, attrs) => {
    const xv = values(b, x);
    if (!xv) return null;
    const out = allocFor(b)(xv.length, true);
    return n.unary(op, xv, out, (attrs as any).alpha ?? 0) ? b.makeTensorInfo(x.shape, 'float32', out) : null;
  };
  const reduce = (mean: boolean): Run => (b, { x }, attrs) => {
    const xv = values(b, x);
    if (!xv) return null;
    const { axis, keepDims } = attrs as any;
    const axes = tf.util.parseAxisParam(axis ?? null, x.shape);
    const plan = planReduce(x.shape, axes);
    if (!plan) return null;
    const out = allocFor(b)(plan.outer * plan.inner, true);
    if (!n.reduce(xv, out, plan.outer, plan.mid, plan.inner, mean)) return null;
    const shape = keepDims ? x.shape.map((s, d) => (axes.includes(d) ? 1 : s)) : x.shape.filter((_, d) => !axes.includes(d));
    return b.makeTensorInfo(shape, 'float32', out);
  };
  const native: Record<string, Run> = {
    Add: binary(ADD), Sub: binary(SUB), Multiply: binary(MUL), RealDiv: binary(DIV), SquaredDifference: binary(SQDIFF),
    Relu: unary(RELU), Step: unary(STEP), Square: unary(SQUARE),
    Sum: reduce(false), Mean: reduce(true),
    MaxPool(b, { x }, attrs) {
      const xv = values(b, x);
      if (!xv || x.shape.length !== 4) return null;
      const { p, geom } = poolGeom(x.shape, attrs);
      const y = allocFor(b)(count(p.outShape), true);
      return n.pool(MAX, xv, y, geom) ? b.makeTensorInfo(p.outShape, 'float32', y) : null;
    },
    MaxPoolGrad(b, { dy, input, output }, attrs) {
      const dv = values(b, dy), xv = values(b, input), yv = output ? values(b, output) : null;
      if (!dv || !xv) return null;
      const { geom } = poolGeom(input.shape, attrs);
      const dx = allocFor(b)(xv.length); // the gradient adds into dx
      // From the forward output the gradient is branch-free over channels (vectorised).
      return yv && n.maxPoolGrad(dv, xv, yv, dx, geom) ? b.makeTensorInfo(input.shape, 'float32', dx) : null;
    },
    Slice(b, { x }, attrs) {
      const xv = values(b, x);
      if (!xv || x.shape.length === 0) return null;
      const [bg, sz] = tf.slice_util.parseSliceParams(x as tf.Tensor, (attrs as any).begin, (attrs as any).size);
      // A contiguous slice is a zero-copy view in the stock kernel: keep that.
      if (tf.slice_util.isSliceContinous(x.shape, bg, sz)) return null;
      const out = allocFor(b)(count(sz), true);
      return box(n, xv, x.shape, bg, out, sz, sz.map(() => 0), sz) ? b.makeTensorInfo(sz, 'float32', out) : null;
    },
    SplitV(b, { x }, attrs) {
      const xv = values(b, x);
      const { numOrSizeSplits, axis } = attrs as any;
      if (!xv || x.shape.length === 0 || x.shape.length > 4) return null;
      const ax = tf.util.parseAxisParam(axis, x.shape)[0];
      const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, ax);
      const begin = x.shape.map(() => 0);
      const outs: tf.TensorInfo[] = [];
      for (const s of sizes) {
        const shape = [...x.shape];
        shape[ax] = s;
        const out = allocFor(b)(count(shape), true);
        if (!box(n, xv, x.shape, begin, out, shape, shape.map(() => 0), shape)) return null;
        outs.push(b.makeTensorInfo(shape, 'float32', out));
        begin[ax] += s;
      }
      return outs as unknown as tf.TensorInfo;
    },
    Concat(b, inputs, attrs) {
      const xs = Object.values(inputs);
      if (xs.length === 0 || xs[0].shape.length === 0 || xs[0].shape.length > 4) return null;
      const ax = tf.util.parseAxisParam((attrs as any).axis, xs[0].shape)[0];
      const vs = xs.map((t) => values(b, t));
      if (vs.some((v) => !v)) return null;
      const shape = [...xs[0].shape];
      shape[ax] = xs.reduce((u, t) => u + t.shape[ax], 0);
      if (xs.some((t) => t.shape.some((d, i) => i !== ax && d !== shape[i]))) return null;
      // No fill: the inputs' boxes tile the output (sizes checked above).
      const out = allocFor(b)(count(shape), true);
      const at = shape.map(() => 0);
      for (let i = 0; i < xs.length; i++) {
        if (!box(n, vs[i]!, xs[i].shape, xs[i].shape.map(() => 0), out, shape, [...at], xs[i].shape)) return null;
        at[ax] += xs[i].shape[ax];
      }
      return b.makeTensorInfo(shape, 'float32', out);
    },
    PadV2(b, { x }, attrs) {
      const xv = values(b, x);
      if (!xv || x.shape.length === 0) return null;
      const { paddings, constantValue } = attrs as any;
      const shape = x.shape.map((s, d) => paddings[d][0] + s + paddings[d][1]);
      const out = allocFor(b)(count(shape)); // zeroed: the border is padding
      if (constantValue) out.fill(constantValue);
      return box(n, xv, x.shape, x.shape.map(() => 0), out, shape, paddings.map((p: number[]) => p[0]), x.shape) ? b.makeTensorInfo(shape, 'float32', out) : null;
    },
    AvgPool(b, { x }, attrs) {
      const xv = values(b, x);
      if (!xv || x.shape.length !== 4) return null;
      const { p, geom } = poolGeom(x.shape, attrs);
      const y = allocFor(b)(count(p.outShape), true);
      return n.pool(AVG, xv, y, geom) ? b.makeTensorInfo(p.outShape, 'float32', y) : null;
    },
    AvgPoolGrad(b, { dy, input }, attrs) {
      const dv = values(b, dy);
      if (!dv) return null;
      const { geom } = poolGeom(input.shape, attrs);
      const dx = allocFor(b)(count(input.shape)); // the gradient adds into dx
      return n.pool(AVG_GRAD, dv, dx, geom) ? b.makeTensorInfo(input.shape, 'float32', dx) : null;
    },
  };
  const chained: Record<string, Run> = {};
  for (const [name, run] of Object.entries(native)) {
    const js = extraRunners[name];
    chained[name] = js ? (b, i, a) => run(b, i, a) ?? js(b, i, a) : run;
  }
  return chained;
}
