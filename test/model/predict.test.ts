/**
 * Every cell the spaces can sample builds and runs inference on every backend, frees all it
 * built, and a seed fixes the weights (seed 0 included).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '#tfjs';
import seedrandom from 'seedrandom';
import { loadSpace } from '../../src/space/load.js';
import { buildModel } from '../../src/model/build.js';
import { withAuxHead, lastReductionCell } from '../../src/model/aux-head.js';
import { availableBackends, selectBackend } from '../../src/engine/backend.js';
import type { NasnetBlock, NasnetGenotype, Nb201Genotype } from '../../src/space/types.js';

const nasnet = loadSpace('nasnet');
const nb201 = loadSpace('nas-bench-201');
const shape: [number, number, number] = [14, 14, 1];
const blk = (inputs: [number, number], ops: [string, string]): NasnetBlock => ({ inputs, ops });

/** The cell that failed 2 of 200 children in a search: normal block 0 is identity(h[i-1]) + identity(h[i-1]). */
const doubleIdentity: NasnetGenotype = {
  space: 'nasnet',
  normal: [blk([1, 1], ['identity', 'identity']), blk([0, 2], ['conv_3x3', 'max_pool_3x3']), blk([1, 3], ['sep_conv_3x3', 'identity']), blk([0, 1], ['avg_pool_3x3', 'conv_1x1']), blk([2, 4], ['identity', 'sep_conv_5x5'])],
  reduce: [blk([0, 1], ['conv_3x3', 'sep_conv_7x7']), blk([1, 1], ['conv_1x3_3x1', 'dil_conv_3x3']), blk([0, 3], ['max_pool_7x7', 'identity']), blk([1, 2], ['identity', 'conv_1x1']), blk([2, 2], ['identity', 'identity'])],
};
/** NB201: node 1 = skip(node 0), so node 2 = skip(node 0) + skip(node 1) sums one tensor twice. */
const doubleSkip: Nb201Genotype = { space: 'nas-bench-201', arch: '|skip_connect~0|+|skip_connect~0|skip_connect~1|+|nor_conv_3x3~0|skip_connect~1|nor_conv_1x1~2|' };

function predictData(model: tf.LayersModel, x: tf.Tensor): Float32Array {
  return tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
}

const backends = availableBackends().filter((b) => b === 'cpu' || b === 'onednn' || b === 'cpu-stock');

for (const backend of backends) {
  test(`${backend}: a block that sums one tensor twice runs inference (NASNet identity + identity, NB201 skip + skip)`, async () => {
    await selectBackend(backend);
    const x = tf.randomUniform([3, ...shape], -1, 1, 'float32', 5);
    for (const [space, g, macro] of [[nasnet, doubleIdentity, nasnet.macro], [nb201, doubleSkip, { ...nb201.macro, stemChannels: 4, filters: 4, cellsPerStage: 1 }]] as const) {
      const before = tf.memory().numTensors;
      const b = buildModel(space, g, macro, { inputShape: shape, numClasses: 10, seed: 3 });
      const inferred = predictData(b.model, x);
      // The same network in training-graph form (apply) gives the same numbers in inference mode.
      const applied = tf.tidy(() => (b.model.apply(x, { training: false }) as tf.Tensor).dataSync() as Float32Array);
      assert.equal(inferred.length, 30);
      assert.ok(inferred.every(Number.isFinite));
      for (let i = 0; i < inferred.length; i++) assert.ok(Math.abs(inferred[i] - applied[i]) < 1e-5, `${space.name} output ${i}`);
      b.model.dispose();
      assert.equal(tf.memory().numTensors, before, `${space.name}: nothing left behind`);
    }
    x.dispose();
  });
}

test('identity(s) + identity(s) is 2s: the sum enters once, scaled by two', async () => {
  await selectBackend('cpu');
  const one: NasnetGenotype = { ...doubleIdentity, normal: doubleIdentity.normal.map((b, j) => (j === 0 ? b : blk([0, 0], ['identity', 'identity']))) };
  const b = buildModel(nasnet, one, nasnet.macro, { inputShape: shape, numClasses: 10, seed: 1 });
  const scales = b.model.layers.filter((l) => l.getClassName() === 'Rescaling').map((l) => (l.getConfig() as { scale: number }).scale);
  assert.ok(scales.length >= 1 && scales.every((s) => s === 2), `scales ${scales}`);
  b.model.dispose();
});

test('random cells of both spaces build, run inference and free everything they built (dead cells included)', async () => {
  await selectBackend(backends.includes('onednn') ? 'onednn' : 'cpu');
  const before = tf.memory().numTensors;
  const x = tf.randomUniform([2, ...shape], -1, 1, 'float32', 9);
  const rng = seedrandom('predict-scan');
  let failures = 0;
  let doubled = 0;
  const cells = 600;
  for (let i = 0; i < cells; i++) {
    const space = i % 6 === 5 ? nb201 : nasnet;
    const g = space.sample(rng);
    if (g.space === 'nasnet' && [...g.normal, ...g.reduce].some((b) => b.inputs[0] === b.inputs[1] && b.ops[0] === 'identity' && b.ops[1] === 'identity')) doubled++;
    // Small widths: the test is about which cells build and run, not their size (600 builds).
    const macro = space === nb201 ? { ...space.macro, stemChannels: 4, filters: 4, cellsPerStage: 1 } : { ...space.macro, stemChannels: 8, filters: 4 };
    const b = buildModel(space, g, macro, { inputShape: shape, numClasses: 10, seed: i });
    try {
      const out = predictData(b.model, x);
      if (!out.every(Number.isFinite)) failures++;
    } catch {
      failures++;
    } finally {
      b.model.dispose();
    }
  }
  x.dispose();
  assert.equal(failures, 0);
  assert.equal(tf.memory().numTensors, before, 'every weight built was freed');
  assert.ok(doubled >= 1, 'the sample holds at least one identity + identity block');
});

/** Every weight of a fresh build, as bytes. */
function weightsOf(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

test('the same seed gives bit-identical weights, seed 0 included; different seeds differ (aux head too)', async () => {
  await selectBackend('cpu');
  const g = nasnet.sample(seedrandom('seeds'));
  const macro = { ...nasnet.macro, reductions: 2, cellsPerStage: 1 };
  const aux = lastReductionCell(macro.cellsPerStage, macro.reductions);
  const build = (seed: number) => {
    let anchor: tf.SymbolicTensor | undefined;
    const b = buildModel(nasnet, doubleIdentity, macro, { inputShape: shape, numClasses: 10, seed, onCell: (out, info) => { if (info.index === aux) anchor = out; } });
    const withAux = withAuxHead(b.model, anchor!, 10, seed);
    const w = weightsOf(withAux);
    for (const l of withAux.layers) if (l.name.startsWith('aux_')) l.dispose();
    b.model.dispose();
    return w;
  };
  // 0 is what replays default to, 1 what searches do; 2.. are children's seeds (run seed + trial number).
  const bySeed = new Map<number, Float32Array[]>();
  for (const seed of [0, 1, 2, 3, 1000]) {
    const a = build(seed);
    const b = build(seed);
    assert.equal(a.length, b.length);
    a.forEach((w, i) => assert.deepEqual(Buffer.from(w.buffer, w.byteOffset, w.byteLength), Buffer.from(b[i].buffer, b[i].byteOffset, b[i].byteLength), `seed ${seed}, weight ${i}`));
    bySeed.set(seed, a);
  }
  const differs = (s: number, t: number) => bySeed.get(s)!.some((w, i) => w.some((v, k) => v !== bySeed.get(t)![i][k]));
  assert.ok(differs(0, 1) && differs(1, 2) && differs(0, 1000));
  assert.ok(g);
});
