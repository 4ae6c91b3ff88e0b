/**
 * The ops beyond NASNet's 13 (search-spaces/nasnet-plus.json): shapes at stride 1 and 2, the
 * parameters and multiply-adds against hand counts (written out here, independently of
 * src/model/cost.ts), what each computes, gradients, save and load.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '#tfjs';
import { FAMILY_BUILDERS, getOp } from '../../src/model/ops/registry.js';
import { OP_FAMILIES, parseFamilyOp } from '../../src/model/ops/families.js';
import { KNOWN_OPS_TEXT, isKnownOp, opMeaning, opShort } from '../../src/model/ops/names.js';
import { BuildContext } from '../../src/model/context.js';
import { modelCost } from '../../src/model/cost.js';
import { GroupConv2D } from '../../src/model/layers/group-conv.js';
import { loadModel } from '../../src/model/load.js';
import { UserError } from '../../src/core/errors.js';

/** Builds op `name` on a [size, size, inC] input: the model, its cost and the output side. */
function opModel(name: string, size: number, inC: number, outC: number, stride: 1 | 2, seed = 1) {
  const ctx = new BuildContext(seed);
  const input = tf.input({ shape: [size, size, inC] });
  const model = tf.model({ inputs: input, outputs: getOp(name)(ctx, input, outC, stride) });
  return { model, cost: modelCost(model) };
}

const bn = (c: number) => 2 * c; // gamma and beta
const out = (size: number, stride: number) => Math.ceil(size / stride);

/** Hand counts: [params, mult-adds] of each new op for an s x s x cin input, cout outputs, stride st. */
const HAND: Record<string, (s: number, cin: number, cout: number, st: number) => [number, number]> = {
  conv_5x5: (s, cin, cout, st) => [25 * cin * cout + bn(cout), out(s, st) ** 2 * cout * 25 * cin],
  group_conv_3x3_c2: (s, cin, cout, st) => [9 * (cin / 2) * cout + bn(cout), out(s, st) ** 2 * cout * 9 * (cin / 2)],
  group_conv_3x3_c4: (s, cin, cout, st) => [9 * (cin / 4) * cout + bn(cout), out(s, st) ** 2 * cout * 9 * (cin / 4)],
  se_conv_3x3_r4: (s, cin, cout, st) => {
    const h = Math.max(1, Math.floor(cout / 4));
    return [9 * cin * cout + bn(cout) + (cout * h + h) + (h * cout + cout), out(s, st) ** 2 * cout * 9 * cin + 2 * cout * h];
  },
  conv_1x7_7x1_b4: (s, cin, cout, st) => {
    const m = Math.floor(cout / 4);
    const o = out(s, st);
    // 1x1 to m (s x s), 1x7 (s x o: stride only along the width), 7x1 (o x o), 1x1 to cout (o x o)
    return [cin * m + bn(m) + 7 * m * m + bn(m) + 7 * m * m + bn(m) + m * cout + bn(cout), s * s * m * cin + s * o * 7 * m * m + o * o * (7 * m * m + m * cout)];
  },
};

for (const [name, hand] of Object.entries(HAND)) {
  test(`${name}: shape, params and mult-adds at stride 1 and 2 match the hand count`, () => {
    const before = tf.memory().numTensors;
    for (const [size, cin, cout, stride] of [
      [8, 8, 8, 1],
      [8, 8, 8, 2],
      [7, 8, 16, 2],
      [9, 16, 8, 1],
    ] as const) {
      const { model, cost } = opModel(name, size, cin, cout, stride);
      const [params, multAdds] = hand(size, cin, cout, stride);
      const side = out(size, stride);
      assert.deepEqual(model.outputs[0].shape, [null, side, side, cout]);
      const y = tf.tidy(() => (model.apply(tf.randomNormal([2, size, size, cin], 0, 1, 'float32', 2), { training: true }) as tf.Tensor).shape);
      assert.deepEqual(y, [2, side, side, cout]);
      assert.equal(cost.params, params, `${name} ${size}x${size}x${cin}->${cout} /${stride} params`);
      assert.equal(cost.multAdds, multAdds, `${name} ${size}x${size}x${cin}->${cout} /${stride} mult-adds`);
      model.dispose();
    }
    assert.equal(tf.memory().numTensors, before, 'no leaked tensors');
  });
}

test('op families: names parse within their ranges, every family has a builder, meanings and labels', () => {
  assert.deepEqual(Object.keys(FAMILY_BUILDERS).sort(), OP_FAMILIES.map((f) => f.base).sort());
  assert.equal(parseFamilyOp('group_conv_3x3_c4')?.k, 4);
  assert.equal(parseFamilyOp('se_conv_3x3_r16')?.family.param, 'reduction ratio');
  for (const bad of ['group_conv_3x3_c1', 'group_conv_3x3_c04', 'group_conv_3x3_c', 'group_conv_3x3_r4', 'conv_3x3_c4', 'se_conv_3x3_r0', 'group_conv_3x3_c2000', 'conv_1x7_7x1_b1'])
    assert.equal(isKnownOp(bad), false, bad);
  for (const good of ['group_conv_3x3_c2', 'group_conv_3x3_c32', 'se_conv_3x3_r1', 'conv_1x7_7x1_b4', 'conv_5x5', 'sep_conv_3x3']) assert.ok(isKnownOp(good), good);
  assert.match(opMeaning('group_conv_3x3_c8')!, /8 groups/);
  assert.equal(opShort('se_conv_3x3_r4'), 'se3r4');
  assert.equal(opShort('conv_5x5'), 'c5');
  assert.match(KNOWN_OPS_TEXT, /group_conv_3x3_c<2\.\.1024>/);
  assert.throws(() => getOp('group_conv_3x3_c1'), (e: Error) => e instanceof UserError && /unknown op "group_conv_3x3_c1" \(known: .*group_conv_3x3_c</.test(e.message));
});

test('group_conv_3x3_c<k>: a cardinality that does not divide the channels is one line, a UserError', () => {
  const input = tf.input({ shape: [6, 6, 6] });
  assert.throws(() => getOp('group_conv_3x3_c4')(new BuildContext(0), input, 8, 1), (e: Error) => e instanceof UserError && e.message === 'group_conv_3x3_c4: cardinality 4 does not divide the 6 input channels');
  assert.throws(() => getOp('group_conv_3x3_c4')(new BuildContext(0), tf.input({ shape: [6, 6, 8] }), 6, 1), /does not divide the 6 output channels/);
});

test('GroupConv2D equals a dense conv whose kernel is zero outside the diagonal groups, and has gradients', () => {
  for (const [groups, cin, cout, stride] of [[2, 4, 6, 1], [4, 8, 4, 2], [3, 3, 3, 1]] as const) {
    const layer = new GroupConv2D({ filters: cout, kernelSize: 3, strides: stride, groups, seed: 3 });
    tf.tidy(() => {
      const x = tf.randomNormal([2, 7, 7, cin], 0, 1, 'float32', 4) as tf.Tensor4D;
      const y = layer.apply(x) as tf.Tensor;
      const w = layer.getWeights()[0];
      assert.deepEqual(w.shape, [3, 3, cin / groups, cout]);
      // The dense kernel: output o (group o / (cout/groups)) reads inputs of that group only.
      const wv = w.arraySync() as number[][][][];
      const dense = tf.buffer([3, 3, cin, cout]);
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++)
          for (let o = 0; o < cout; o++) {
            const g = Math.floor(o / (cout / groups));
            for (let c = 0; c < cin / groups; c++) dense.set(wv[i][j][c][o], i, j, g * (cin / groups) + c, o);
          }
      const ref = tf.conv2d(x, dense.toTensor() as tf.Tensor4D, stride, 'same');
      assert.deepEqual(y.shape, ref.shape);
      assert.ok(tf.sub(y, ref).abs().max().dataSync()[0] < 1e-4, `groups ${groups}`);
      const g = tf.grad((t: tf.Tensor) => (layer.apply(t) as tf.Tensor).square().sum())(x);
      assert.ok(g.abs().sum().dataSync()[0] > 0);
    });
    layer.dispose();
  }
});

test('GroupConv2D refuses groups that do not divide its channels', () => {
  assert.throws(() => new GroupConv2D({ filters: 6, groups: 4 }), /4 groups do not divide 6 filters/);
  const layer = new GroupConv2D({ filters: 4, groups: 4 });
  assert.throws(() => layer.apply(tf.input({ shape: [5, 5, 6] })), /4 groups do not divide 6 input channels/);
});

test('se_conv_3x3_r<r> scales the channels of ReLU-conv-BN by sigmoid(W2 relu(W1 mean) + b2)', () => {
  const { model } = opModel('se_conv_3x3_r4', 6, 3, 8, 1, 5);
  // Non-zero biases, so that a wrong wiring of the excitation shows.
  for (const l of model.layers.filter((l) => l.getClassName() === 'Dense')) {
    const [k, b] = l.getWeights();
    l.setWeights([k, tf.randomNormal(b.shape, 0, 0.5, 'float32', 11)]);
  }
  const conv = model.layers.find((l) => l.getClassName() === 'Conv2D')!;
  const [d1, d2] = model.layers.filter((l) => l.getClassName() === 'Dense').map((l) => l.getWeights());
  tf.tidy(() => {
    const x = tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', 6) as tf.Tensor4D;
    const y = model.predict(x) as tf.Tensor; // inference BN: moving mean 0, variance 1, eps 1e-3
    const u = tf.conv2d(tf.relu(x), conv.getWeights()[0] as tf.Tensor4D, 1, 'same').div(Math.sqrt(1 + 1e-3));
    const z = u.mean([1, 2]);
    const s = tf.sigmoid(tf.relu(z.matMul(d1[0]).add(d1[1])).matMul(d2[0]).add(d2[1]));
    assert.deepEqual(d1[0].shape, [8, 2]);
    const ref = u.mul(s.reshape([2, 1, 1, 8]));
    assert.ok(tf.sub(y, ref).abs().max().dataSync()[0] < 1e-4);
  });
  model.dispose();
});

test('conv_1x7_7x1_b<k> without room for a bottleneck (floor(C/k) < 1) is ReLU, 1x7, BN, ReLU, 7x1, BN at C channels', () => {
  const { model, cost } = opModel('conv_1x7_7x1_b4', 5, 3, 3, 1);
  assert.equal(cost.params, 7 * 3 * 3 + 6 + 7 * 3 * 3 + 6);
  assert.equal(model.layers.filter((l) => l.getClassName() === 'Conv2D').length, 2);
  model.dispose();
});

test('a model with every new op saves and loads with tf.loadLayersModel, predicting the same', async () => {
  const ctx = new BuildContext(7);
  const input = tf.input({ shape: [8, 8, 4] });
  const outs = Object.keys(HAND).map((n) => getOp(n)(ctx, input, 4, 2));
  const model = tf.model({ inputs: input, outputs: tf.layers.add().apply(outs) as tf.SymbolicTensor });
  assert.ok(model.layers.some((l) => l.getClassName() === 'GroupConv2D'));
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  const loaded = await loadModel(tf.io.fromMemory(artifacts!));
  const x = tf.randomNormal([2, 8, 8, 4], 0, 1, 'float32', 8);
  const a = tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync()));
  const b = tf.tidy(() => Array.from((loaded.predict(x) as tf.Tensor).dataSync()));
  assert.deepEqual(b, a);
  assert.equal(modelCost(loaded).params, modelCost(model).params);
  assert.equal(modelCost(loaded).multAdds, modelCost(model).multAdds);
  tf.dispose(x);
  loaded.dispose();
  model.dispose();
});
