import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '#tfjs';
import seedrandom from 'seedrandom';
import { loadSpace } from '../../src/space/load.js';
import { buildModel } from '../../src/model/build.js';
import { loadModel } from '../../src/model/load.js';
import { UserError } from '../../src/core/errors.js';
import type { MacroSettings, NasnetGenotype } from '../../src/space/types.js';

const nasnet = loadSpace('nasnet');
const nb201 = loadSpace('nas-bench-201');
const tiny: MacroSettings = { stemChannels: 4, filters: 4, cellsPerStage: 1, reductions: 1, filterMultiplier: 2 };
const opts = { inputShape: [8, 8, 1] as [number, number, number], numClasses: 10, seed: 3 };

/** A cell using every NASNet op at least once (13 ops over 2 x 5 x 2 pairs). */
const everyOp: NasnetGenotype = (() => {
  const ops = [...nasnet.ops];
  const cell = (off: number) =>
    Array.from({ length: 5 }, (_, b) => ({ inputs: [b % 2, b === 0 ? 1 : b + 1] as [number, number], ops: [ops[(off + 2 * b) % 13], ops[(off + 2 * b + 1) % 13]] as [string, string] }));
  return { space: 'nasnet', normal: cell(0), reduce: cell(10) };
})();

/** Trainable weights counted independently of src/model/cost.ts. */
function countTrainable(m: tf.LayersModel): number {
  return m.trainableWeights.reduce((s, w) => s + w.shape.reduce((a: number, c) => a * (c as number), 1), 0);
}

function predict(model: tf.LayersModel, seed = 1): Float32Array {
  return tf.tidy(() => (model.predict(tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', seed)) as tf.Tensor).dataSync() as Float32Array);
}

test('a NASNet child: forward shape, params match countParams, mult-adds counted', () => {
  const before = tf.memory().numTensors;
  const b = buildModel(nasnet, everyOp, tiny, opts);
  assert.deepEqual(b.model.outputs[0].shape, [null, 10]);
  assert.equal(b.params, countTrainable(b.model));
  assert.ok(b.params < b.model.countParams(), 'BN moving statistics are not trainable');
  assert.ok(b.multAdds > b.params, `mult-adds ${b.multAdds}`);
  const out = predict(b.model);
  assert.equal(out.length, 20);
  assert.ok(out.every(Number.isFinite));
  b.model.dispose();
  assert.equal(tf.memory().numTensors, before, 'dispose frees every weight');
});

test('initial weights are fixed by the seed', () => {
  const a = buildModel(nasnet, everyOp, tiny, opts);
  const b = buildModel(nasnet, everyOp, tiny, opts);
  const c = buildModel(nasnet, everyOp, tiny, { ...opts, seed: 4 });
  assert.deepEqual(predict(a.model), predict(b.model));
  assert.notDeepEqual(predict(a.model), predict(c.model));
  [a, b, c].forEach((m) => m.model.dispose());
});

test('width and depth follow the macro settings', () => {
  const g = nasnet.sample(seedrandom('w'));
  const small = buildModel(nasnet, g, tiny, opts);
  const wide = buildModel(nasnet, g, { ...tiny, filters: 8 }, opts);
  const deep = buildModel(nasnet, g, { ...tiny, cellsPerStage: 2 }, opts);
  assert.ok(wide.params > 2 * small.params, 'doubling filters roughly quadruples cell weights');
  assert.ok(deep.layers > small.layers);
  // Output resolution of the last cell: 8 -> 4 after one reduction (GAP input).
  const gapInput = (small.model.getLayer('gap').input as tf.SymbolicTensor).shape;
  assert.deepEqual(gapInput.slice(1, 3), [4, 4]);
  [small, wide, deep].forEach((m) => m.model.dispose());
});

test('hooks see every op output and every cell output', () => {
  const seen: string[] = [];
  const cells: string[] = [];
  const b = buildModel(nasnet, everyOp, tiny, {
    ...opts,
    wrapPath: (y, info) => (seen.push(`${info.cell}/${info.cells}:${info.op}`), y),
    onCell: (_, info) => cells.push(`${info.index}/${info.cells}${info.reduction ? 'R' : 'N'}`),
  });
  assert.deepEqual(cells, ['0/3N', '1/3R', '2/3N']);
  assert.equal(seen.length, 3 * 10);
  assert.ok(seen.includes('1/3:dil_conv_3x3'));
  b.model.dispose();
});

test('a cell concatenates its unused blocks', () => {
  // Blocks 0..3 read only the inputs: 5 unused blocks -> 5 x filters channels.
  const flat: NasnetGenotype = { space: 'nasnet', normal: Array.from({ length: 5 }, () => ({ inputs: [0, 1], ops: ['conv_1x1', 'identity'] })), reduce: Array.from({ length: 5 }, () => ({ inputs: [0, 1], ops: ['conv_1x1', 'identity'] })) } as NasnetGenotype;
  const b = buildModel(nasnet, flat, { ...tiny, reductions: 0 }, opts);
  assert.equal((b.model.getLayer('gap').input as tf.SymbolicTensor).shape[3], 5 * 4);
  b.model.dispose();
  // A chain (block j reads block j-1) leaves only the last block unused.
  const chain: NasnetGenotype = { space: 'nasnet', normal: Array.from({ length: 5 }, (_, j) => ({ inputs: [1, j + 1], ops: ['conv_1x1', 'identity'] })), reduce: flat.reduce } as NasnetGenotype;
  const c = buildModel(nasnet, chain, { ...tiny, reductions: 0 }, opts);
  assert.equal((c.model.getLayer('gap').input as tf.SymbolicTensor).shape[3], 4);
  c.model.dispose();
});

test('NB201 children: forward shape, all-none cell, pass-through partial cells', () => {
  const macro = { ...tiny, reductions: 2 };
  for (const arch of [
    '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|skip_connect~2|',
    '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|',
    '|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|',
  ]) {
    const b = buildModel(nb201, { space: 'nas-bench-201', arch }, macro, opts);
    assert.deepEqual(b.model.outputs[0].shape, [null, 10]);
    assert.ok(predict(b.model).every(Number.isFinite), arch);
    assert.equal(b.params, countTrainable(b.model));
    b.model.dispose();
  }
  // A 1-stage cell completed with pass-through nodes costs the same as its node-1 op alone.
  const partial = buildModel(nb201, nb201.decode([3]), macro, opts);
  const conv = buildModel(nb201, { space: 'nas-bench-201', arch: '|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|' }, macro, opts);
  assert.equal(partial.params, conv.params);
  assert.equal(partial.multAdds, conv.multAdds);
  partial.model.dispose();
  conv.model.dispose();
});

test('a trained-shape model saves and loads with tf.loadLayersModel (custom atrous layer included)', async () => {
  const b = buildModel(nasnet, everyOp, tiny, opts);
  assert.ok(b.model.layers.some((l) => l.getClassName() === 'AtrousConv2D'), 'dil_conv_3x3 present');
  let artifacts: tf.io.ModelArtifacts | undefined;
  await b.model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  const loaded = await loadModel(tf.io.fromMemory(artifacts!));
  assert.deepEqual(predict(loaded), predict(b.model));
  assert.equal(loaded.countParams(), b.model.countParams());
  loaded.dispose();
  b.model.dispose();
});

test('bad input to buildModel is a UserError', () => {
  assert.throws(() => buildModel(nasnet, { space: 'nasnet', normal: [], reduce: [] } as never, tiny, opts), UserError);
  assert.throws(() => buildModel(nasnet, everyOp, { ...tiny, filters: 0 }, opts), (e: Error) => e instanceof UserError && /macro\.filters/.test(e.message));
  assert.throws(() => buildModel(nasnet, everyOp, tiny, { ...opts, inputShape: [8, 8] as never }), /inputShape/);
  assert.throws(() => buildModel(nasnet, everyOp, tiny, { ...opts, numClasses: 1 }), /numClasses/);
  assert.throws(() => buildModel(nb201, everyOp, tiny, opts), /\$\.space: expected "nas-bench-201"/);
});

test('batchNorm: false leaves every BN out and keeps the other weights; the default keeps BN', () => {
  for (const [space, g] of [[nasnet, everyOp], [nb201, { space: 'nas-bench-201', arch: '|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|nor_conv_3x3~1|skip_connect~2|' }]] as const) {
    const withBn = buildModel(space, g, tiny, opts);
    const explicit = buildModel(space, g, tiny, { ...opts, batchNorm: true });
    const noBn = buildModel(space, g, tiny, { ...opts, batchNorm: false });
    const bnLayers = (m: tf.LayersModel) => m.layers.filter((l) => l.getClassName() === 'BatchNormalization');
    assert.ok(bnLayers(withBn.model).length > 0);
    assert.equal(bnLayers(explicit.model).length, bnLayers(withBn.model).length);
    assert.equal(bnLayers(noBn.model).length, 0);
    const bnParams = bnLayers(withBn.model).reduce((s, l) => s + l.trainableWeights.reduce((a, w) => a + w.shape.reduce((p: number, c) => p * (c as number), 1), 0), 0);
    assert.equal(noBn.params, withBn.params - bnParams);
    // BN draws no seed: the convolutions and the classifier start from the same weights.
    const kernels = (m: tf.LayersModel) =>
      Object.fromEntries(m.layers.filter((l) => l.getClassName() !== 'BatchNormalization').map((l) => [l.name, l.getWeights().map((w) => Array.from(w.dataSync()))]));
    assert.deepEqual(kernels(noBn.model), kernels(withBn.model));
    [withBn, explicit, noBn].forEach((m) => m.model.dispose());
  }
});
