/** synflow's exact rescaling: the same score as the plain float32 computation where that fits, finite where it does not. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '#tfjs';
import seedrandom from 'seedrandom';
import { availableBackends, selectBackend } from '../../src/engine/backend.js';
import { getEstimator } from '../../src/estimators/index.js';
import { logSynflow } from '../../src/estimators/synflow.js';
import { buildModel } from '../../src/model/build.js';
import { loadSpace } from '../../src/space/load.js';
import type { Genotype, MacroSettings } from '../../src/space/types.js';

const nb201 = loadSpace('nas-bench-201');
const nasnet = loadSpace('nasnet');
const small: MacroSettings = { stemChannels: 8, filters: 8, cellsPerStage: 1, reductions: 2, filterMultiplier: 2 };
const shape: [number, number, number] = [8, 8, 3];

function both(space: typeof nb201, g: Genotype, macro: MacroSettings, inputShape = shape): { scaled: number; plain: number } {
  const run = (rescale: boolean) => {
    const b = buildModel(space, g, macro, { inputShape, numClasses: 10, seed: 5, batchNorm: false });
    try {
      return logSynflow(b.model, inputShape, { rescale });
    } finally {
      b.model.dispose();
    }
  };
  return { scaled: run(true), plain: run(false) };
}

for (const backend of availableBackends()) {
  test(`synflow: rescaled = plain float32 where it fits, NB201 and NASNet cells (${backend})`, async () => {
    await selectBackend(backend, { threads: 1 });
    const before = tf.memory().numTensors;
    const rng = seedrandom('synflow');
    const cells: [typeof nb201, Genotype][] = [
      [nb201, { space: 'nas-bench-201', arch: '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|' }],
      [nb201, nb201.sample(rng)],
      [nasnet, nasnet.sample(rng)],
    ];
    for (const [space, g] of cells) {
      const { scaled, plain } = both(space, g, small);
      assert.ok(Number.isFinite(plain), `the plain computation fits for this test (${plain})`);
      // Scaling by 2^k commutes with rounding, so the two agree to float32 rounding of single terms
      // (seen: 1e-15 on NB201, 1e-8 on a NASNet cell with separable convs); a wrong exponent would be off by ≥ ln 2.
      assert.ok(Math.abs(scaled - plain) < 1e-7, `${space.describe(g)}: ${scaled} vs ${plain}`);
    }
    assert.equal(tf.memory().numTensors, before);
  });
}

test('synflow: the 15-cell NB201 network overflows float32 unscaled; rescaled it is finite and backends agree', async () => {
  const macro: MacroSettings = { stemChannels: 16, filters: 16, cellsPerStage: 5, reductions: 2, filterMultiplier: 2 };
  const g: Genotype = { space: 'nas-bench-201', arch: '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|' };
  const got: number[] = [];
  // cpu-stock takes ~35 s for this network: the fast backends only.
  for (const backend of availableBackends().filter((b) => b !== 'cpu-stock')) {
    await selectBackend(backend, { threads: 1 });
    const { scaled, plain } = both(nb201, g, macro, [32, 32, 3]);
    assert.ok(Number.isNaN(plain), `float32 overflows without rescaling (${plain})`);
    // The score is ~e^150 ≈ 10^65: beyond float32 (3·10^38), as the activations would be.
    assert.ok(Number.isFinite(scaled) && scaled > Math.log(3.4e38), `${scaled}`);
    got.push(scaled);
  }
  for (const v of got) assert.ok(Math.abs(v - got[0]) < 1e-5, `${got}`);
});

test('synflow: a cell with no path from input to output scores -Infinity; BN or softmax models are refused', async () => {
  await selectBackend('cpu');
  const dead: Genotype = { space: 'nas-bench-201', arch: '|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|' };
  const input = (g: Genotype, batchNorm?: boolean, softmax?: boolean) => ({
    inputShape: shape,
    numClasses: 10,
    build: (o: { batchNorm?: boolean } = {}) => buildModel(nb201, g, small, { inputShape: shape, numClasses: 10, batchNorm: batchNorm ?? o.batchNorm, softmax }),
  });
  const before = tf.memory().numTensors;
  assert.equal(getEstimator('synflow').score(input(dead)), -Infinity);
  const live: Genotype = { space: 'nas-bench-201', arch: '|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|nor_conv_1x1~2|' };
  assert.throws(() => getEstimator('synflow').score(input(live, true)), /BatchNormalization.*not positively homogeneous/);
  assert.throws(() => getEstimator('synflow').score(input(live, false, true)), /softmax.*not positively homogeneous/);
  assert.equal(tf.memory().numTensors, before);
});
