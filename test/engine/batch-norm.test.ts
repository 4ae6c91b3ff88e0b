/**
 * The fused training-mode batch norm (NasBatchNormTrain/Grad on cpu and onednn) against
 * tfjs-layers' own composition on the stock cpu backend: outputs, batch statistics, the moving
 * averages after a step, and gradients through tf.grads; plus a saved model that loads as a
 * plain BatchNormalization.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '#tfjs';
import { availableBackends, installEngine } from '../../src/engine/backend.js';
import { BatchNorm } from '../../src/model/batch-norm.js';
import { BN_TRAIN } from '../../src/engine/batchnorm-kernels.js';
import { onBackend, rand, relErr } from './helpers.js';

const TOL = 1e-4;
/** Relative error with magnitudes under 1 counted as 1: a one-row batch's dx is 0 in exact arithmetic, and each side's rounding noise (~1e-6 of gamma/√eps) must not count as a relative error. */
function err(a: Float32Array, b: Float32Array): number {
  let num = 0, den = 1;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return a.length === b.length ? num / den : Infinity;
}
let fast: string[] = [];
before(() => {
  installEngine();
  fast = availableBackends().filter((b) => b !== 'cpu-stock');
});

/** A BN layer (our class) on `shape`, with non-trivial gamma, beta and moving statistics. */
function layerFor(shape: number[], momentum = 0.9): BatchNorm {
  const c = shape[shape.length - 1];
  const layer = new BatchNorm({ axis: -1, momentum, name: `bn_${shape.join('x')}` });
  layer.build(shape);
  layer.setWeights([rand([c], 'gamma').add(1.5), rand([c], 'beta'), rand([c], 'mm'), rand([c], 'mv').add(2)]);
  return layer;
}

/** y, moving mean/variance after the call, and d(Σ y·w)/d(x, gamma, beta). */
function step(shape: number[], input: (x: tf.Tensor) => tf.Tensor = (x) => x): tf.Tensor[] {
  const layer = layerFor(shape);
  const x = tf.variable(input(rand(shape, 'x')));
  const w = rand(shape, 'w');
  const [gamma, beta] = layer.trainableWeights.map((v) => v.read() as tf.Variable);
  const y = layer.apply(x, { training: true }) as tf.Tensor;
  const moving = layer.getWeights().slice(2).map((m) => m.clone());
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, w)) as tf.Scalar, [x, gamma, beta]);
  const out = [y, ...moving, grads[x.name], grads[gamma.name], grads[beta.name]];
  x.dispose();
  for (const v of layer.weights) v.dispose(); // applied eagerly only: Layer.dispose() refuses
  return out;
}

describe('fused batch norm', () => {
  const shapes = [[2, 5, 7, 3], [1, 1, 1, 4], [1, 3, 3, 1], [8, 14, 14, 16], [64, 7, 7, 32], [3, 5]];
  for (const shape of shapes) {
    it(`${JSON.stringify(shape)}: output, moving statistics and gradients agree with tfjs-layers`, async () => {
      const want = await onBackend('cpu-stock', () => step(shape));
      for (const b of fast) {
        const got = await onBackend(b, () => step(shape));
        const names = ['y', 'moving mean', 'moving variance', 'dx', 'dgamma', 'dbeta'];
        got.forEach((g, i) => {
          const e = err(g, want[i]);
          assert.ok(e <= TOL, `${b} ${JSON.stringify(shape)} ${names[i]}: relative error ${e}`);
        });
      }
    });
  }

  it('large means and a constant channel: two-pass variance stays exact, no NaN', async () => {
    const shape = [4, 6, 6, 3];
    const input = (x: tf.Tensor) => tf.add(tf.mul(x, tf.tensor1d([1, 0, 1e-3])), tf.tensor1d([1000, 5, -300]));
    const want = await onBackend('cpu-stock', () => step(shape, input));
    for (const b of fast) {
      const got = await onBackend(b, () => step(shape, input));
      got.forEach((g, i) => {
        assert.ok(g.every(Number.isFinite), `${b} output ${i} finite`);
        assert.ok(relErr(g, want[i]) <= 1e-3, `${b} output ${i}: relative error ${relErr(g, want[i])}`);
      });
    }
  });

  it('runs as one kernel each way on the fast backends, tfjs-layers\' path on cpu-stock, and leaks nothing', async () => {
    const counts: Record<string, number> = {};
    for (const b of ['cpu-stock', ...fast]) {
      await tf.setBackend(b);
      const layer = layerFor([4, 5, 5, 8]);
      const x = rand([4, 5, 5, 8], 'x');
      const before = tf.memory().numTensors;
      const prof = await tf.profile(() => {
        const g = tf.grad((xs: tf.Tensor) => tf.sum(layer.apply(xs, { training: true }) as tf.Tensor))(x);
        g.dispose();
      });
      assert.equal(tf.memory().numTensors, before, `${b}: no tensor leaked`);
      const names = prof.kernels.map((k) => k.name);
      counts[b] = names.length;
      if (b === 'cpu-stock') assert.ok(!names.includes(BN_TRAIN), 'stock backend keeps tfjs-layers\' composition');
      else {
        assert.deepEqual(names.filter((n) => n.startsWith('NasBatchNorm')), ['NasBatchNormTrain', 'NasBatchNormGrad']);
        assert.ok(counts[b] < counts['cpu-stock'] / 2, `${b}: ${counts[b]} kernels vs ${counts['cpu-stock']} on cpu-stock (${names.join(',')})`);
      }
      x.dispose();
      for (const v of layer.weights) v.dispose(); // applied eagerly only: Layer.dispose() refuses
    }
  });

  it('inference uses the moving statistics; a saved model loads as a plain BatchNormalization', async () => {
    await tf.setBackend(fast[0] ?? 'cpu');
    const input = tf.input({ shape: [4, 4, 2] });
    const bn = new BatchNorm({ axis: -1, momentum: 0.9 });
    const model = tf.model({ inputs: input, outputs: bn.apply(input) as tf.SymbolicTensor });
    bn.setWeights([tf.tensor1d([2, 3]), tf.tensor1d([0.5, -1]), tf.tensor1d([1, -1]), tf.tensor1d([4, 9])]);
    const x = rand([2, 4, 4, 2], 'x');
    const want = model.predict(x) as tf.Tensor;
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    assert.match(JSON.stringify(saved!.modelTopology), /"class_name":"BatchNormalization"/);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    assert.equal(loaded.layers[1].getClassName(), 'BatchNormalization');
    assert.ok(!(loaded.layers[1] instanceof BatchNorm), 'loaded by stock tfjs as its own class');
    const got = loaded.predict(x) as tf.Tensor;
    assert.ok(relErr(await got.data() as Float32Array, await want.data() as Float32Array) < 1e-6);
    // Inference: (x − 1)/√(4 + 1e-3)·2 + 0.5 for channel 0.
    const x0 = (await x.data())[0];
    assert.ok(Math.abs((await want.data())[0] - ((x0 - 1) / Math.sqrt(4 + 1e-3)) * 2 - 0.5) < 1e-5);
    tf.dispose([x, want, got]);
    model.dispose();
    loaded.dispose();
  });
});
