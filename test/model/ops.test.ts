import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '#tfjs';
import { OPS, getOp } from '../../src/model/ops/registry.js';
import { OP_NAMES, NASNET_OPS, NB201_OPS, OP_MEANING } from '../../src/model/ops/names.js';
import { BuildContext, factorizedReduce } from '../../src/model/context.js';
import { AtrousConv2D } from '../../src/model/layers/atrous-conv.js';
import { UserError } from '../../src/core/errors.js';

test('the registry and the name list agree; every op has a meaning', () => {
  assert.deepEqual(Object.keys(OPS).sort(), [...OP_NAMES].sort());
  assert.equal(NASNET_OPS.length, 13);
  assert.equal(NB201_OPS.length, 5);
  for (const n of OP_NAMES) assert.ok(OP_MEANING[n], n);
  assert.throws(() => getOp('conv_9x9'), (e: Error) => e instanceof UserError && /unknown op "conv_9x9" \(known: identity/.test(e.message));
  assert.throws(() => getOp('toString'), UserError);
});

/** Builds op `name` on a [2, size, size, inC] input and returns the model's real output. */
function runOp(name: string, size: number, inC: number, outC: number, stride: 1 | 2): { symbolic: (number | null)[]; real: number[]; params: number } {
  const ctx = new BuildContext(1);
  const input = tf.input({ shape: [size, size, inC] });
  const out = getOp(name)(ctx, input, outC, stride);
  const model = tf.model({ inputs: input, outputs: out });
  const x = tf.randomNormal([2, size, size, inC], 0, 1, 'float32', 3);
  const y = model.apply(x, { training: true }) as tf.Tensor;
  const res = { symbolic: out.shape, real: y.shape, params: model.countParams() };
  tf.dispose([x, y]);
  model.dispose();
  return res;
}

for (const name of OP_NAMES) {
  test(`op ${name}: output shape at stride 1 and 2, with and without a width change`, () => {
    const before = tf.memory().numTensors;
    for (const [size, inC, outC, stride, side] of [
      [8, 4, 4, 1, 8],
      [8, 4, 4, 2, 4],
      [7, 4, 4, 2, 4],
      [8, 3, 6, 1, 8],
      [7, 3, 6, 2, 4],
    ] as const) {
      const r = runOp(name, size, inC, outC, stride);
      assert.deepEqual(r.real, [2, side, side, outC], `${name} ${size}x${size}x${inC} -> ${outC} stride ${stride}`);
      assert.deepEqual(r.symbolic, [null, side, side, outC]);
    }
    assert.equal(tf.memory().numTensors, before, 'no leaked tensors');
  });
}

test('identity / skip_connect at stride 1 with the same width adds no layer', () => {
  for (const name of ['identity', 'skip_connect']) assert.equal(runOp(name, 8, 4, 4, 1).params, 0);
  assert.ok(runOp('identity', 8, 4, 4, 2).params > 0, 'factorized reduction has weights');
});

test('none outputs zeros', () => {
  const ctx = new BuildContext(0);
  const input = tf.input({ shape: [5, 5, 3] });
  const model = tf.model({ inputs: input, outputs: getOp('none')(ctx, input, 3, 1) });
  const y = tf.tidy(() => (model.predict(tf.randomNormal([1, 5, 5, 3])) as tf.Tensor).abs().max().dataSync()[0]);
  assert.equal(y, 0);
  assert.equal(model.trainableWeights.length, 0);
  model.dispose();
});

test('AtrousConv2D equals a dilation-2 conv (forward) and has gradients', () => {
  const layer = new AtrousConv2D({ filters: 5, kernelSize: 3, rate: 2, seed: 4 });
  for (const [h, w] of [[9, 9], [8, 7], [3, 4]]) {
    tf.tidy(() => {
      const x = tf.randomNormal([2, h, w, 3], 0, 1, 'float32', h * w) as tf.Tensor4D;
      const y = layer.apply(x) as tf.Tensor;
      const ref = tf.conv2d(x, layer.getWeights()[0] as tf.Tensor4D, 1, 'same', 'NHWC', 2);
      assert.deepEqual(y.shape, [2, h, w, 5]);
      assert.ok(tf.sub(y, ref).abs().max().dataSync()[0] < 1e-4, `${h}x${w}`);
      const g = tf.grad((t: tf.Tensor) => (layer.apply(t) as tf.Tensor).square().sum())(x);
      assert.deepEqual(g.shape, x.shape);
      assert.ok(g.abs().sum().dataSync()[0] > 0);
    });
  }
  layer.dispose();
});

test('dil_conv_3x3 at stride 2 equals a strided dilation-2 conv', () => {
  tf.tidy(() => {
    const x = tf.randomNormal([1, 9, 9, 2], 0, 1, 'float32', 5) as tf.Tensor4D;
    const k = tf.randomNormal([3, 3, 2, 4], 0, 1, 'float32', 6) as tf.Tensor4D;
    const dilatedThenSubsampled = tf.conv2d(x, k, 1, 'same', 'NHWC', 2).stridedSlice([0, 0, 0, 0], [1, 9, 9, 4], [1, 2, 2, 1]);
    const sub = tf.avgPool(x, 1, 2, 'same');
    const subThenConv = tf.conv2d(sub, k, 1, 'same');
    assert.deepEqual(subThenConv.shape, [1, 5, 5, 4]);
    assert.ok(tf.sub(dilatedThenSubsampled, subThenConv).abs().max().dataSync()[0] < 1e-4);
  });
});

test('factorized reduction keeps odd widths and halves the resolution rounding up', () => {
  const ctx = new BuildContext(0);
  const input = tf.input({ shape: [7, 7, 3] });
  assert.deepEqual(factorizedReduce(ctx, input, 5).shape, [null, 4, 4, 5]);
  assert.deepEqual(factorizedReduce(ctx, input, 1).shape, [null, 4, 4, 1]);
});

test('ops reading the same tensor share one ReLU layer', () => {
  const ctx = new BuildContext(0);
  const input = tf.input({ shape: [6, 6, 4] });
  const a = getOp('conv_3x3')(ctx, input, 4, 1);
  const b = getOp('sep_conv_3x3')(ctx, input, 4, 1);
  const model = tf.model({ inputs: input, outputs: tf.layers.add().apply([a, b]) as tf.SymbolicTensor });
  const relusOnInput = model.layers.filter((l) => l.getClassName() === 'ReLU' && (l.input as tf.SymbolicTensor) === input);
  assert.equal(relusOnInput.length, 1);
  model.dispose();
});

test('the dil_conv_3x3 op computes ReLU, dilation-2 conv, BN at stride 1 and 2', () => {
  for (const stride of [1, 2] as const) {
    const ctx = new BuildContext(9);
    const input = tf.input({ shape: [9, 9, 3] });
    const model = tf.model({ inputs: input, outputs: getOp('dil_conv_3x3')(ctx, input, 4, stride) });
    const convLayer = model.layers.find((l) => ['Conv2D', 'AtrousConv2D'].includes(l.getClassName()))!;
    tf.tidy(() => {
      const x = tf.randomNormal([2, 9, 9, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
      const y = model.predict(x) as tf.Tensor; // inference BN: moving mean 0, variance 1, eps 1e-3
      const full = tf.conv2d(tf.relu(x), convLayer.getWeights()[0] as tf.Tensor4D, 1, 'same', 'NHWC', 2);
      const ref = (stride === 2 ? full.stridedSlice([0, 0, 0, 0], [2, 9, 9, 4], [1, 2, 2, 1]) : full).div(Math.sqrt(1 + 1e-3));
      assert.deepEqual(y.shape, ref.shape);
      assert.ok(tf.sub(y, ref).abs().max().dataSync()[0] < 1e-4, `stride ${stride}`);
    });
    model.dispose();
  }
});
