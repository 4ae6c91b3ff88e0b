/**
 * The training loop's MomentumSgd (no weight decay) against tf.train.momentum (Nesterov and heavy
 * ball): the same weights after several steps on every backend (one fused kernel per variable on
 * cpu / onednn, tfjs ops on cpu-stock), and nothing leaked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '#tfjs';
import { availableBackends, selectBackend } from '../../src/engine/backend.js';
import { MomentumSgd } from '../../src/training/sgd.js';
import { rand, relErr } from '../engine/helpers.js';

function weightsAfter(make: (vars: tf.Variable[]) => { minimize(f: () => tf.Scalar, returnCost: true): tf.Scalar | null; dispose(): void }): Float32Array[] {
  const [w0, b0] = [rand([3, 3, 2, 4], 'w'), rand([4], 'b')];
  const w = tf.variable(w0, true, `w${Math.random()}`);
  const b = tf.variable(b0, true, `b${Math.random()}`);
  tf.dispose([w0, b0]); // tf.variable copies its initial value
  const x = rand([5, 6, 6, 2], 'x');
  const opt = make([w, b]);
  const loss = () => tf.sum(tf.square(tf.add(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), b))) as tf.Scalar;
  for (let i = 0; i < 6; i++) opt.minimize(loss, true)!.dispose();
  const out = [w.dataSync() as Float32Array, b.dataSync() as Float32Array].map((a) => a.slice());
  opt.dispose();
  tf.dispose([w, b, x]);
  return out;
}

for (const nesterov of [true, false]) {
  test(`MomentumSgd (${nesterov ? 'Nesterov' : 'heavy ball'}) gives tf.train.momentum's weights on every backend`, async () => {
    for (const backend of availableBackends()) {
      await selectBackend(backend, { threads: 1 });
      const want = weightsAfter(() => {
        const o = tf.train.momentum(1e-3, 0.9, nesterov);
        return { minimize: (f, r) => o.minimize(f, r), dispose: () => { o.dispose(); (o as unknown as { c?: tf.Tensor }).c?.dispose(); } };
      });
      const before = tf.memory().numTensors; // after the backend's first gradient (tfjs caches a constant then)
      const got = weightsAfter((vars) => {
        const sgd = new MomentumSgd(vars, { momentum: 0.9, nesterov, weightDecay: 0 });
        return {
          minimize: (f) => {
            const { value, grads } = tf.variableGrads(f, vars);
            sgd.step(vars.map((v) => grads[v.name]), 1e-3);
            tf.dispose(Object.values(grads));
            return value;
          },
          dispose: () => sgd.dispose(),
        };
      });
      assert.equal(tf.memory().numTensors, before, `${backend}: no tensor leaked`);
      got.forEach((g, i) => assert.ok(relErr(g, want[i]) <= 1e-6, `${backend} weight ${i}: relative error ${relErr(g, want[i])}`));
    }
  });
}
