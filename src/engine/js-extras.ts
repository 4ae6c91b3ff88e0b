/**
 * tfjs kernel runners for the non-convolution ops that dominate a cpu training step once the
 * convolutions are fast (measured with tf.profile on the CNN): broadcasting binary
 * ops, batch-norm/bias reductions, pooling. Same contract as kernels.ts: null = use stock.
 */
import * as tf from '#tfjs';
import { allocFor } from './buffer-pool.js';
import { ADD, DIV, MUL, SQDIFF, SUB, broadcastBinary, planBroadcast } from './js/broadcast.js';
import { planReduce, reduceSum } from './js/reduce.js';
import { padRows, sliceRows, tileRows } from './js/layout.js';
import { avgPool, avgPoolGrad, maxPool, maxPoolGrad } from './js/pool.js';
import { type CpuLike, type Inputs, type Run, values } from './kernel-util.js';

function binary(op: number): Run {
  return (b, { a, b: bb }) => {
    const av = values(b, a), bv = values(b, bb);
    if (!av || !bv) return null;
    const plan = planBroadcast(a.shape, bb.shape);
    if (!plan) return null;
    return b.makeTensorInfo(plan.shape, 'float32', broadcastBinary(op, av, bv, plan, allocFor(b)));
  };
}

function reduction(mean: boolean): Run {
  return (b, { x }, attrs) => {
    const xv = values(b, x);
    if (!xv) return null;
    const { axis, keepDims } = attrs as { axis: number | number[] | null; keepDims: boolean };
    // Like the stock kernel: null means every axis, negatives count from the end.
    const axes = tf.util.parseAxisParam(axis ?? null as any, x.shape);
    const plan = planReduce(x.shape, axes);
    if (!plan) return null;
    const shape = keepDims ? x.shape.map((s, d) => (axes.includes(d) ? 1 : s)) : x.shape.filter((_, d) => !axes.includes(d));
    return b.makeTensorInfo(shape, 'float32', reduceSum(xv, plan, mean, allocFor(b)));
  };
}

function poolInfo(shape: number[], attrs: tf.NamedAttrMap) {
  const { filterSize, strides, pad, dimRoundingMode } = attrs as any;
  return tf.backend_util.computePool2DInfo(shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
}

function slice(b: CpuLike, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo | null {
  const xv = values(b, x);
  if (!xv || x.shape.length === 0) return null;
  return b.makeTensorInfo(size, 'float32', sliceRows(xv, x.shape, begin, size, allocFor(b)));
}

function unary(f: (v: Float32Array, out: Float32Array, attrs: Record<string, any>) => void): Run {
  return (b, { x }, attrs) => {
    const xv = values(b, x);
    if (!xv) return null;
    const out = allocFor(b)(xv.length, true); // every f below assigns every element
    f(xv, out, attrs);
    return b.makeTensorInfo(x.shape, 'float32', out);
  };
}

/** Kernel name -> runner for the extra pure-JS kernels. */
export const extraRunners: Record<string, Run> = {
  Slice(b, { x }, attrs) {
    const { begin, size } = attrs as any;
    const [bg, sz] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    // A contiguous slice is a zero-copy view in the stock kernel: keep that.
    if (tf.slice_util.isSliceContinous(x.shape, bg, sz)) return null;
    return slice(b, x, bg, sz);
  },
  SplitV(b, { x }, attrs) {
    const { numOrSizeSplits, axis } = attrs as any;
    const ax = tf.util.parseAxisParam(axis, x.shape)[0];
    if (ax === 0 || !values(b, x)) return null;
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, ax);
    const begin = new Array(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[ax] = s;
      const t = slice(b, x, [...begin], size)!;
      begin[ax] += s;
      return t;
    }) as unknown as tf.TensorInfo;
  },
  Tile(b, { x }, attrs) {
    const xv = values(b, x);
    if (!xv || x.shape.length === 0) return null;
    return b.makeTensorInfo(x.shape.map((s, d) => s * (attrs as any).reps[d]), 'float32', tileRows(xv, x.shape, (attrs as any).reps, allocFor(b)));
  },
  PadV2(b, { x }, attrs) {
    const xv = values(b, x);
    if (!xv || x.shape.length === 0) return null;
    const { paddings, constantValue } = attrs as any;
    const shape = x.shape.map((s, d) => paddings[d][0] + s + paddings[d][1]);
    return b.makeTensorInfo(shape, 'float32', padRows(xv, x.shape, paddings, constantValue ?? 0, allocFor(b)));
  },
  FusedBatchNorm(b, inputs, attrs) {
    // y = x · a[c] + b[c] with a = scale / sqrt(var + eps), b = offset - mean · a: one pass,
    // one multiply-add per element (the stock kernel does a sqrt and a division per element).
    const { x, mean, variance, scale, offset } = inputs;
    const xv = values(b, x), mv = values(b, mean), vv = values(b, variance);
    const sv = scale ? values(b, scale) : Float32Array.of(1), ov = offset ? values(b, offset) : Float32Array.of(0);
    if (!xv || !mv || !vv || !sv || !ov || x.shape.length === 0) return null;
    const C = x.shape[x.shape.length - 1];
    if (![mv, vv, sv, ov].every((v) => v.length === 1 || v.length === C)) return null;
    const eps = (attrs as any).varianceEpsilon ?? 0.001;
    const at = (v: Float32Array, c: number) => (v.length === 1 ? v[0] : v[c]);
    const mul = new Float64Array(C), add = new Float64Array(C);
    for (let c = 0; c < C; c++) {
      mul[c] = at(sv, c) / Math.sqrt(at(vv, c) + eps);
      add[c] = at(ov, c) - at(mv, c) * mul[c];
    }
    const out = allocFor(b)(xv.length, true); // the loop below assigns every element
    for (let i = 0; i < xv.length; i += C) for (let c = 0; c < C; c++) out[i + c] = xv[i + c] * mul[c] + add[c];
    return b.makeTensorInfo(x.shape, 'float32', out);
  },
  Relu: unary((v, o) => { for (let i = 0; i < v.length; i++) o[i] = v[i] < 0 ? 0 : v[i]; }),
  Step: unary((v, o, at) => {
    const alpha = at.alpha ?? 0;
    for (let i = 0; i < v.length; i++) { const x = v[i]; o[i] = x > 0 ? 1 : x !== x ? x : alpha; }
  }),
  Add: binary(ADD),
  Sub: binary(SUB),
  Multiply: binary(MUL),
  RealDiv: binary(DIV),
  SquaredDifference: binary(SQDIFF),
  Sum: reduction(false),
  Mean: reduction(true),
  MaxPool(b, { x }, attrs) {
    const xv = values(b, x);
    if (!xv || x.shape.length !== 4) return null;
    const p = poolInfo(x.shape, attrs);
    return b.makeTensorInfo(p.outShape, 'float32', maxPool(xv, p, allocFor(b)));
  },
  MaxPoolGrad(b, { dy, input }, attrs) {
    const dv = values(b, dy), xv = values(b, input);
    if (!dv || !xv) return null;
    return b.makeTensorInfo(input.shape, 'float32', maxPoolGrad(dv, xv, poolInfo(input.shape, attrs), allocFor(b)));
  },
  AvgPool(b, { x }, attrs) {
    const xv = values(b, x);
    if (!xv || x.shape.length !== 4) return null;
    const p = poolInfo(x.shape, attrs);
    return b.makeTensorInfo(p.outShape, 'float32', avgPool(xv, p, allocFor(b)));
  },
  AvgPoolGrad(b, { dy, input }, attrs) {
    const dv = values(b, dy);
    if (!dv) return null;
    return b.makeTensorInfo(input.shape, 'float32', avgPoolGrad(dv, poolInfo(input.shape, attrs), allocFor(b)));
  },
};
