/**
 * End to end: the same seeded child trained for a few SGD steps on every fast backend follows
 * the stock cpu backend's loss curve and ends with the same weights (float noise only).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '#tfjs';
import { availableBackends, selectBackend } from '../../src/engine/backend.js';
import { rand, relErr } from './helpers.js';

/** A small NASNet-flavoured child: conv, separable convs, BN, both pools, concat, GAP, dense. */
function child(avgPool: boolean): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const input = tf.input({ shape: [12, 12, 1] });
  const stem = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(1) }).apply(input) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization().apply(stem) as tf.SymbolicTensor;
  const r = tf.layers.reLU().apply(bn) as tf.SymbolicTensor;
  const sep = tf.layers.separableConv2d({ filters: 8, kernelSize: 5, padding: 'same', depthwiseInitializer: init(2), pointwiseInitializer: init(3) }).apply(r) as tf.SymbolicTensor;
  const pool = avgPool ? tf.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }) : tf.layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same' });
  const avg = pool.apply(r) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate().apply([sep, avg]) as tf.SymbolicTensor;
  const red = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(cat) as tf.SymbolicTensor;
  const c2 = tf.layers.conv2d({ filters: 12, kernelSize: [1, 7], padding: 'same', activation: 'relu', kernelInitializer: init(4) }).apply(red) as tf.SymbolicTensor;
  const gap = tf.layers.globalAveragePooling2d({}).apply(c2) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 4, kernelInitializer: init(5) }).apply(gap) as tf.SymbolicTensor });
}

async function train(backend: string, avgPool = false, threads = 1): Promise<{ losses: number[]; weights: Float32Array }> {
  await selectBackend(backend, { threads });
  const model = child(avgPool);
  const x = rand([8, 12, 12, 1], 'images');
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 3, 2, 1, 0], 'int32'), 4);
  const opt = tf.train.sgd(0.1);
  const losses: number[] = [];
  for (let i = 0; i < 6; i++) {
    const l = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor), true)!;
    losses.push(l.dataSync()[0]);
    l.dispose();
  }
  const weights = Float32Array.from(model.getWeights().flatMap((w) => Array.from(w.dataSync())));
  tf.dispose([x, y]);
  model.dispose();
  opt.dispose();
  return { losses, weights };
}

describe('training equivalence', () => {
  it('every fast backend reproduces the stock cpu loss curve and weights, at 1 and 2 engine threads', async () => {
    const want = await train('cpu-stock');
    assert.ok(want.losses[5] < want.losses[0], `the stock run should learn: ${want.losses}`);
    // At 1 and 2 engine threads (onednn's OpenMP loops split the work; the JS backends ignore it).
    for (const b of availableBackends().filter((n) => n !== 'cpu-stock')) {
      for (const threads of [1, 2]) {
        const got = await train(b, false, threads);
        assert.ok(relErr(got.losses, want.losses) < 1e-4, `${b} at ${threads} threads: losses ${got.losses} vs ${want.losses}`);
        assert.ok(relErr(got.weights, want.weights) < 1e-3, `${b} at ${threads} threads: weights differ: ${relErr(got.weights, want.weights)}`);
      }
    }
  });
  // Stock AvgPoolGrad is wrong at 'same' borders (see src/engine/js/pool.ts), so with an
  // average pool the fast backends are compared with each other (both exact), not with stock.
  it("with a 'same' average pool, cpu and onednn agree", async () => {
    const fast = availableBackends().filter((n) => n !== 'cpu-stock');
    const runs = [];
    for (const b of fast) runs.push(await train(b, true));
    for (let i = 1; i < runs.length; i++) {
      assert.ok(relErr(runs[i].losses, runs[0].losses) < 1e-4, `${fast[i]} losses ${runs[i].losses} vs ${runs[0].losses}`);
      assert.ok(relErr(runs[i].weights, runs[0].weights) < 1e-3, `${fast[i]} weights differ`);
    }
  });
});
