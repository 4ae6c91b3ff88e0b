/**
 * The fast convolution kernels ('cpu' = pure JS, 'onednn' = native) against tfjs's stock cpu
 * kernels on seeded random inputs: forward values and tf.grads to a relative 1e-4.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '#tfjs';
import { availableBackends, installEngine } from '../../src/engine/backend.js';
import { onBackend, rand, relErr } from './helpers.js';

const TOL = 1e-4;
let fast: string[] = [];
before(() => {
  installEngine();
  fast = availableBackends().filter((b) => b !== 'cpu-stock');
});

/** Compares every fast backend's outputs of fn with cpu-stock's. */
async function agree(label: string, fn: () => tf.Tensor[]): Promise<void> {
  const want = await onBackend('cpu-stock', fn);
  for (const b of fast) {
    const got = await onBackend(b, fn);
    got.forEach((g, i) => {
      const e = relErr(g, want[i]);
      assert.ok(e <= TOL, `${b} ${label} output ${i}: relative error ${e}`);
    });
  }
}

type Case = { x: number[]; k: [number, number]; out: number; s: number | [number, number]; p: 'same' | 'valid'; d?: number };
const convCases: Case[] = [
  { x: [2, 9, 11, 3], k: [3, 3], out: 5, s: 1, p: 'same' },
  { x: [2, 9, 11, 3], k: [3, 3], out: 5, s: 2, p: 'same' },
  { x: [2, 9, 11, 3], k: [3, 3], out: 5, s: 2, p: 'valid' },
  { x: [1, 10, 10, 4], k: [1, 7], out: 6, s: 1, p: 'same' },
  { x: [1, 10, 10, 4], k: [7, 1], out: 6, s: 1, p: 'same' },
  { x: [3, 7, 7, 5], k: [1, 3], out: 4, s: 1, p: 'same' },
  { x: [3, 7, 7, 5], k: [3, 1], out: 4, s: [2, 1], p: 'valid' },
  { x: [2, 8, 8, 6], k: [1, 1], out: 7, s: 1, p: 'same' },
  { x: [2, 8, 8, 6], k: [1, 1], out: 7, s: 2, p: 'valid' },
  { x: [1, 13, 5, 1], k: [5, 5], out: 16, s: 1, p: 'same' },
  { x: [4, 6, 6, 17], k: [3, 3], out: 9, s: 1, p: 'valid' },
];

describe('Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter', () => {
  for (const c of convCases) {
    it(`x ${c.x} kernel ${c.k} -> ${c.out}, stride ${c.s}, ${c.p}`, async () => {
      await agree('conv2d', () => {
        const x = rand(c.x, 'x') as tf.Tensor4D, w = rand([...c.k, c.x[3], c.out], 'w') as tf.Tensor4D;
        const y = tf.conv2d(x, w, c.s, c.p);
        const r = rand(y.shape, 'r');
        const [dx, dw] = tf.grads((a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.p).mul(r).sum())([x, w]);
        return [y, dx, dw];
      });
    });
  }
  it('dilation 2 forward (same and valid)', async () => {
    for (const p of ['same', 'valid'] as const) {
      await agree(`dilated ${p}`, () => [tf.conv2d(rand([2, 11, 9, 3], 'x') as tf.Tensor4D, rand([3, 3, 3, 4], 'w') as tf.Tensor4D, 1, p, 'NHWC', 2)]);
    }
  });
  it('fused conv2d with bias and relu (what tf.layers.conv2d runs)', async () => {
    await agree('fused', () => {
      const x = rand([2, 9, 9, 3], 'x') as tf.Tensor4D, w = rand([3, 3, 3, 5], 'w') as tf.Tensor4D, bias = rand([5], 'b');
      return [tf.fused.conv2d({ x, filter: w, strides: 2, pad: 'same', bias, activation: 'relu' })];
    });
  });
  it('NCHW goes to the stock kernel and still agrees', async () => {
    await agree('nchw', () => [tf.conv2d(rand([2, 3, 8, 8], 'x') as tf.Tensor4D, rand([3, 3, 3, 4], 'w') as tf.Tensor4D, 1, 'same', 'NCHW')]);
  });
});

describe('depthwise convolutions', () => {
  const cases: (Case & { m: number })[] = [
    { x: [2, 9, 11, 3], k: [3, 3], out: 0, m: 1, s: 1, p: 'same' },
    { x: [2, 9, 11, 3], k: [5, 5], out: 0, m: 1, s: 2, p: 'same' },
    { x: [1, 10, 10, 4], k: [7, 7], out: 0, m: 2, s: 1, p: 'valid' },
    { x: [3, 7, 7, 5], k: [3, 3], out: 0, m: 1, s: 2, p: 'valid' },
    { x: [1, 8, 8, 16], k: [3, 3], out: 0, m: 1, s: 1, p: 'same' },
    { x: [32, 14, 14, 32], k: [7, 7], out: 0, m: 1, s: 1, p: 'same' }, // a NASNet sep_conv_7x7: long sums in the filter gradient
  ];
  for (const c of cases) {
    it(`x ${c.x} kernel ${c.k} multiplier ${c.m}, stride ${c.s}, ${c.p}`, async () => {
      await agree('depthwise', () => {
        const x = rand(c.x, 'x') as tf.Tensor4D, w = rand([...c.k, c.x[3], c.m], 'w') as tf.Tensor4D;
        const y = tf.depthwiseConv2d(x, w, c.s, c.p);
        const r = rand(y.shape, 'r');
        const [dx, dw] = tf.grads((a, b) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.p).mul(r).sum())([x, w]);
        return [y, dx, dw];
      });
    });
  }
  it('dilation 2 forward', async () => {
    await agree('dilated depthwise', () => [tf.depthwiseConv2d(rand([2, 11, 9, 3], 'x') as tf.Tensor4D, rand([3, 3, 3, 1], 'w') as tf.Tensor4D, 1, 'same', 'NHWC', 2)]);
  });
  it('separable conv gradients (depthwise then 1x1)', async () => {
    await agree('separable', () => {
      const x = rand([2, 8, 8, 4], 'x') as tf.Tensor4D, d = rand([5, 5, 4, 1], 'd') as tf.Tensor4D, p = rand([1, 1, 4, 6], 'p') as tf.Tensor4D;
      const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.separableConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D, 1, 'same').square().sum();
      return tf.grads(f)([x, d, p]);
    });
  });
});

/**
 * tfjs has no gradient for dilated convolutions, so the kernels' dilation support is checked
 * against an identity: a dilated k×k filter equals an undilated filter with zeros between taps.
 */
describe('dilated backprop kernels (checked through the zero-inserted filter identity)', () => {
  const spread = (w: tf.Tensor4D, d: number) => {
    const [kh, kw, i, o] = w.shape;
    const buf = tf.buffer([(kh - 1) * d + 1, (kw - 1) * d + 1, i, o]);
    const v = w.arraySync();
    for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) for (let c = 0; c < i; c++) for (let e = 0; e < o; e++) buf.set(v[a][b][c][e], a * d, b * d, c, e);
    return buf.toTensor() as tf.Tensor4D;
  };
  for (const depthwise of [false, true]) {
    it(depthwise ? 'depthwise' : 'conv2d', async () => {
      const want = await onBackend('cpu-stock', () => {
        const x = rand([2, 9, 10, 3], 'x') as tf.Tensor4D, w = rand([3, 3, 3, depthwise ? 1 : 4], 'w') as tf.Tensor4D;
        const wide = spread(w, 2);
        const conv = (a: tf.Tensor, b: tf.Tensor) => (depthwise ? tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same') : tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'));
        const r = rand(conv(x, wide).shape, 'r');
        const [dx, dwide] = tf.grads((a, b) => conv(a, b).mul(r).sum())([x, wide]);
        return [dx, tf.stridedSlice(dwide, [0, 0, 0, 0], dwide.shape, [2, 2, 1, 1])];
      });
      for (const b of fast) {
        const got = await onBackend(b, () => {
          const x = rand([2, 9, 10, 3], 'x') as tf.Tensor4D, w = rand([3, 3, 3, depthwise ? 1 : 4], 'w') as tf.Tensor4D;
          const y = depthwise ? tf.depthwiseConv2d(x, w, 1, 'same', 'NHWC', 2) : tf.conv2d(x, w, 1, 'same', 'NHWC', 2);
          const r = rand(y.shape, 'r');
          const dy = y.mul(0).add(r);
          const attrs = { strides: [1, 1], pad: 'same', dilations: [2, 2], dataFormat: 'NHWC' };
          const e = tf.engine();
          const dx = depthwise
            ? e.runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape })
            : e.runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape });
          const dw = depthwise
            ? e.runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape })
            : e.runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape });
          return [dx as tf.Tensor, dw as tf.Tensor];
        });
        got.forEach((g, i) => assert.ok(relErr(g, want[i]) <= TOL, `${b} output ${i}: ${relErr(g, want[i])}`));
      }
    });
  }
});
