/**
 * Runners for the memory-bound ops of a training step on the onednn backend: the same ops
 * and shape plans as js-extras.ts, executed by the addon's vectorised (and, with threads > 1,
 * OpenMP-parallel) loops. A call the addon declines returns null and goes to the JS runner.
 */
import * as tf from '@tensorflow/tfjs';
import { ADD, DIV, MUL, SQDIFF, SUB, planBroadcast } from './js/broadcast.js';
import { planReduce } from './js/reduce.js';
import { extraRunners } from './js-extras.js';
import { type Run, values } from './kernel-util.js';
import type { NativeEltwise } from './onednn.js';

const RELU = 0, STEP = 1, SQUARE = 2;
const MAX = 0, MAX_GRAD = 1, AVG = 2, AVG_GRAD = 3;

function poolGeom(shape: number[], attrs: tf.NamedAttrMap) {
  const { filterSize, strides, pad, dimRoundingMode } = attrs as any;
  const p = tf.backend_util.computePool2DInfo(shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const geom = Int32Array.from([p.batchSize, p.inHeight, p.inWidth, p.inChannels, p.outHeight, p.outWidth,
    p.filterHeight, p.filterWidth, p.strideHeight, p.strideWidth, p.padInfo.top, p.padInfo.left]);
  return { p, geom };
}

/** Kernel name -> runner using the addon, falling back to the JS runner of the same name. */
export function nativeExtraRunners(n: NativeEltwise): Record<string, Run> {
  const binary = (op: number): Run => (b, { a, b: bb }) => {
    const av = values(b, a), bv = values(b, bb);
    const plan = av && bv ? planBroadcast(a.shape, bb.shape) : null;
    if (!plan) return null;
    const out = new Float32Array(plan.outer * plan.mid * plan.inner);
    const [big, small] = plan.bigIsA ? [av!, bv!] : [bv!, av!];
    return n.binary(op, big, small, out, plan.outer, plan.mid, plan.inner, !plan.bigIsA) ? b.makeTensorInfo(plan.shape, 'float32', out) : null;
  };
  const unary = (op: number): Run => (b, { x }, attrs) => {
    const xv = values(b, x);
    if (!xv) return null;
    const out = new Float32Array(xv.length);
    return n.unary(op, xv, out, (attrs as any).alpha ?? 0) ? b.makeTensorInfo(x.shape, 'float32', out) : null;
  };
  const reduce = (mean: boolean): Run => (b, { x }, attrs) => {
    const xv = values(b, x);
    if (!xv) return null;
    const { axis, keepDims } = attrs as any;
    const axes = tf.util.parseAxisParam(axis ?? null, x.shape);
    const plan = planReduce(x.shape, axes);
    if (!plan) return null;
    const out = new Float32Array(plan.outer * plan.inner);
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
      const y = new Float32Array(p.outShape.reduce((u, v) => u * v, 1));
      return n.pool(MAX, xv, y, y, geom) ? b.makeTensorInfo(p.outShape, 'float32', y) : null;
    },
    MaxPoolGrad(b, { dy, input }, attrs) {
      const dv = values(b, dy), xv = values(b, input);
      if (!dv || !xv) return null;
      const { geom } = poolGeom(input.shape, attrs);
      const dx = new Float32Array(xv.length);
      return n.pool(MAX_GRAD, dv, xv, dx, geom) ? b.makeTensorInfo(input.shape, 'float32', dx) : null;
    },
    AvgPool(b, { x }, attrs) {
      const xv = values(b, x);
      if (!xv || x.shape.length !== 4) return null;
      const { p, geom } = poolGeom(x.shape, attrs);
      const y = new Float32Array(p.outShape.reduce((u, v) => u * v, 1));
      return n.pool(AVG, xv, y, y, geom) ? b.makeTensorInfo(p.outShape, 'float32', y) : null;
    },
    AvgPoolGrad(b, { dy, input }, attrs) {
      const dv = values(b, dy);
      if (!dv) return null;
      const { geom } = poolGeom(input.shape, attrs);
      const dx = new Float32Array(input.shape.reduce((u, v) => u * v, 1));
      return n.pool(AVG_GRAD, dv, dx, dx, geom) ? b.makeTensorInfo(input.shape, 'float32', dx) : null;
    },
  };
  const chained: Record<string, Run> = {};
  for (const [name, run] of Object.entries(native)) {
    const js = extraRunners[name];
    chained[name] = js ? (b, i, a) => run(b, i, a) ?? js(b, i, a) : run;
  }
  return chained;
}
