/**
 * The non-convolution fast kernels (broadcast binary ops, reductions, pooling, slice/tile/pad)
 * against tfjs's stock cpu kernels, forward and through tf.grads.
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

async function agree(label: string, fn: () => tf.Tensor[], reference = 'cpu-stock'): Promise<void> {
  const want = await onBackend(reference, fn);
  for (const b of fast) {
    const got = await onBackend(b, fn);
    got.forEach((g, i) => {
      assert.equal(g.length, want[i].length, `${b} ${label} output ${i}: size`);
      const e = relErr(g, want[i]);
      assert.ok(e <= TOL, `${b} ${label} output ${i}: relative error ${e}`);
    });
  }
}

describe('broadcasting binary ops', () => {
  const pairs: [number[], number[]][] = [
    [[2, 3, 4, 5], [2, 3, 4, 5]], [[2, 3, 4, 5], [5]], [[5], [2, 3, 4, 5]], [[2, 3, 4, 5], []],
    [[], [2, 3, 4, 5]], [[2, 3, 4, 5], [2, 1, 1, 5]], [[2, 1, 1, 5], [2, 3, 4, 5]], [[2, 3, 4, 5], [2, 3, 4, 1]],
    [[4, 1], [1, 5]], [[2, 3, 4, 5], [1, 3, 1, 5]],
  ];
  for (const [a, b] of pairs) {
    it(`${JSON.stringify(a)} op ${JSON.stringify(b)} and gradients`, async () => {
      await agree('binary', () => {
        const x = rand(a, 'a'), y = rand(b, 'b').add(3); // keep divisors away from 0
        const outs = [tf.add(x, y), tf.sub(x, y), tf.mul(x, y), tf.div(x, y), tf.squaredDifference(x, y)];
        const grads = tf.grads((p, q) => tf.div(tf.sub(p, q).mul(p), q).sum())([x, y]);
        return [...outs, ...grads];
      });
    });
  }
});

describe('Sum and Mean', () => {
  const cases: [number[], number | number[] | undefined, boolean][] = [
    [[4, 5, 6, 7], [0, 1, 2], false], [[4, 5, 6, 7], [1, 2], true], [[4, 5, 6, 7], 3, false], [[4, 5, 6, 7], -1, true],
    [[4, 5, 6, 7], undefined, false], [[4, 5, 6, 7], [0, 2], false], [[30], 0, false],
  ];
  for (const [shape, axis, keep] of cases) {
    it(`shape ${shape} axis ${JSON.stringify(axis)} keepDims ${keep}`, async () => {
      await agree('reduce', () => {
        const x = rand(shape, 'x');
        return [tf.sum(x, axis, keep), tf.mean(x, axis, keep), tf.grad((v) => tf.mean(v, axis, keep).square().sum())(x)];
      });
    });
  }
});

describe('pooling', () => {
  const cases: [number[], number, number, 'same' | 'valid'][] = [
    [[2, 9, 9, 3], 3, 1, 'same'], [[2, 9, 9, 3], 3, 2, 'same'], [[2, 9, 10, 3], 3, 2, 'valid'],
    [[1, 8, 8, 4], 5, 1, 'same'], [[1, 8, 8, 4], 7, 1, 'same'], [[3, 7, 7, 2], 2, 2, 'valid'],
  ];
  for (const [shape, k, s, p] of cases) {
    it(`max ${k}x${k} stride ${s} ${p} on ${shape}`, async () => {
      await agree('maxpool', () => {
        const x = rand(shape, 'x') as tf.Tensor4D;
        const y = tf.maxPool(x, k, s, p);
        const r = rand(y.shape, 'r');
        return [y, tf.grad((v) => tf.maxPool(v as tf.Tensor4D, k, s, p).mul(r).sum())(x)];
      });
    });
    it(`avg ${k}x${k} stride ${s} ${p} on ${shape}`, async () => {
      // Forward against stock; the gradient against the same pooling written as a depthwise
      // convolution divided by the valid-pixel count (stock AvgPoolGrad is wrong at 'same' borders).
      await agree('avgpool forward', () => [tf.avgPool(rand(shape, 'x') as tf.Tensor4D, k, s, p)]);
      const asConv = (v: tf.Tensor4D) => {
        const ones = tf.ones([k, k, shape[3], 1]) as tf.Tensor4D;
        const count = tf.depthwiseConv2d(tf.onesLike(v), ones, s, p);
        return tf.depthwiseConv2d(v, ones, s, p).div(count);
      };
      const want = await onBackend('cpu-stock', () => {
        const x = rand(shape, 'x') as tf.Tensor4D, r = rand(asConv(x).shape, 'r');
        return [tf.grad((v) => asConv(v as tf.Tensor4D).mul(r).sum())(x)];
      });
      for (const b of fast) {
        const [got] = await onBackend(b, () => {
          const x = rand(shape, 'x') as tf.Tensor4D, r = rand(tf.avgPool(x, k, s, p).shape, 'r');
          return [tf.grad((v) => tf.avgPool(v as tf.Tensor4D, k, s, p).mul(r).sum())(x)];
        });
        assert.ok(relErr(got, want[0]) <= TOL, `${b} avg pool gradient: ${relErr(got, want[0])}`);
      }
    });
  }
});

describe('max pooling with ties', () => {
  it('after a relu (many equal maxima) the first window position gets the gradient, as in the stock kernel', async () => {
    await agree('maxpool ties', () => {
      const x = tf.relu(rand([2, 8, 8, 5], 'x').sub(0.4)) as tf.Tensor4D;
      const r = rand([2, 4, 4, 5], 'r');
      return [tf.grad((v) => tf.maxPool(v as tf.Tensor4D, 3, 2, 'same').mul(r).sum())(x), tf.grad((v) => tf.maxPool(v as tf.Tensor4D, 7, 1, 'same').sum())(x)];
    });
  });
});

describe('slice, split, concat, tile, pad', () => {
  it('concat on every axis and rank 1-5, with gradients', async () => {
    await agree('concat axes', () => {
      const outs: tf.Tensor[] = [];
      for (const ax of [0, 1, 2, 3]) {
        const a = rand([2, 3, 4, 5], 'a'), b = rand([2, 3, 4, 5].map((d, i) => (i === ax ? 2 : d)), 'b');
        outs.push(tf.concat([a, b], ax), ...tf.grads((p, q) => tf.concat([p, q], ax).square().sum())([a, b]));
      }
      outs.push(tf.concat([rand([3], 'p'), rand([4], 'q')]), tf.concat([rand([2, 1, 2, 3, 2], 'p'), rand([2, 1, 2, 3, 1], 'q')], 4));
      return outs;
    });
  });
  it('channel concat and its gradient (SplitV on the last axis)', async () => {
    await agree('concat', () => {
      const a = rand([2, 5, 6, 3], 'a'), b = rand([2, 5, 6, 4], 'b'), c = rand([2, 5, 6, 1], 'c');
      const r = rand([2, 5, 6, 8], 'r');
      return tf.grads((p, q, s) => tf.concat([p, q, s], -1).mul(r).sum())([a, b, c]);
    });
  });
  it('slices on inner axes, split on axis 1', async () => {
    await agree('slice', () => {
      const x = rand([3, 7, 6, 5], 'x');
      return [tf.slice(x, [1, 2, 1, 1], [2, 3, 4, 3]), tf.slice(x, [0, 0, 0, 2], [-1, -1, -1, 2]), ...tf.split(x, [2, 5], 1), tf.slice(rand([40], 'v'), 3, 30)];
    });
  });
  it('tile and its gradient', async () => {
    await agree('tile', () => {
      const x = rand([1, 1, 1, 5], 'x'), y = rand([2, 3, 2], 'y');
      return [tf.tile(x, [2, 3, 4, 1]), tf.tile(y, [2, 1, 3]), tf.grad((v) => tf.tile(v, [3, 2, 2]).square().sum())(y)];
    });
  });
  it('pad (zero and constant) and cropping gradients', async () => {
    await agree('pad', () => {
      const x = rand([2, 5, 6, 3], 'x');
      return [
        tf.pad(x, [[0, 0], [0, 1], [2, 1], [0, 0]]),
        tf.pad(x, [[1, 0], [0, 0], [0, 0], [1, 2]], 0.5),
        tf.grad((v) => tf.slice(v, [0, 1, 1, 0], [-1, 4, 5, -1]).square().sum())(x),
      ];
    });
  });
  it('batch norm (rank-1 and scalar statistics) and its gradients', async () => {
    await agree('batchnorm', () => {
      const x = rand([3, 4, 5, 6], 'x'), m = rand([6], 'm'), v = rand([6], 'v').abs(), s = rand([6], 's'), o = rand([6], 'o');
      const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.batchNorm(a, b, v, o, c, 0.01).square().sum();
      return [tf.batchNorm(x, m, v, o, s, 0.001), tf.batchNorm(x, tf.scalar(0.3), tf.scalar(2)), ...tf.grads(f)([x, m, s])];
    });
  });
  it('relu and its gradient', async () => {
    await agree('relu', () => {
      const x = rand([3, 4, 5, 6], 'x');
      return [tf.relu(x), tf.grad((v) => tf.relu(v).mul(v).sum())(x), tf.leakyRelu(x, 0.1)];
    });
  });
});
