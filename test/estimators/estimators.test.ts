/** Every estimator on the hand-worked tiny network (tiny.ts), on every backend, leaking nothing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '#tfjs';
import { availableBackends, selectBackend } from '../../src/engine/backend.js';
import { estimatorNames, getEstimator, type EstimatorInput } from '../../src/estimators/index.js';
import { UserError } from '../../src/core/errors.js';
import { buildModel } from '../../src/model/build.js';
import { loadSpace } from '../../src/space/load.js';
import { reference, tinyInput, tinyModel, W_CONV, W_DENSE } from './tiny.js';

const close = (a: number, b: number, rel = 1e-5) => assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
const backends = availableBackends();

/** Scores `name` on `input` with `backend` active, checking that no tensor is left behind. */
async function scoreOn(backend: string, name: string, input: EstimatorInput): Promise<number> {
  await selectBackend(backend, { threads: 1 });
  const before = tf.memory().numTensors;
  const s = getEstimator(name).score(input);
  assert.equal(tf.memory().numTensors, before, `${name} on ${backend} leaks tensors`);
  return s;
}

/** The hand-worked value of each estimator on the tiny network with images 0, 1, 2. */
function expected(): Record<string, number> {
  const r = reference();
  const sumAbs = (a: number[]) => a.reduce((s, v) => s + Math.abs(v), 0);
  const gd = r.gDense.flat();
  const wd = W_DENSE.flat();
  // synflow, |w| and one image of ones: h_f = |w_f|, z_k = Σ_f |w_f||W_fk|, R = Σ_k z_k.
  // ∂R/∂W_fk = |w_f|, ∂R/∂w_f = Σ_k |W_fk|: each layer contributes Σ |w_f||W_fk| = R, score 2R.
  const R = W_CONV.reduce((s, w, f) => s + Math.abs(w) * (Math.abs(W_DENSE[f][0]) + Math.abs(W_DENSE[f][1])), 0);
  return {
    synflow: Math.log(2 * R),
    // grad_norm sums per-layer norms: ‖∂L/∂w‖ + ‖∂L/∂W‖.
    grad_norm: Math.hypot(...r.gConv) + Math.hypot(...gd),
    snip: sumAbs(r.gConv.map((g, f) => g * W_CONV[f])) + sumAbs(gd.map((g, i) => g * wd[i])),
    fisher: r.fisher,
    naswot: Math.log(Math.abs(det3(r.K))),
    params: 2 + 4 + 2,
    'mult-adds': 2 * 4 + 2 * 2,
  };
}

function det3(m: number[][]): number {
  return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
}

test('the registry lists every estimator and refuses an unknown name, naming the known ones', () => {
  assert.deepEqual(estimatorNames(), ['synflow', 'naswot', 'grad_norm', 'snip', 'jacob_cov', 'fisher', 'params', 'mult-adds']);
  assert.throws(() => getEstimator('zen_nas'), (e: unknown) => e instanceof UserError && /unknown estimator "zen_nas" \(known: synflow, naswot, grad_norm, snip, jacob_cov, fisher, params, mult-adds\)/.test((e as Error).message));
  for (const name of estimatorNames()) {
    const e = getEstimator(name);
    assert.equal(e.name, name);
    assert.ok(e.citation.length > 10);
    assert.equal(e.needsData, !['synflow', 'params', 'mult-adds'].includes(name));
  }
});

for (const backend of backends) {
  test(`each estimator matches its hand-worked value on the tiny network (${backend})`, async () => {
    const want = expected();
    for (const [name, value] of Object.entries(want)) {
      const input = tinyInput();
      try {
        close(await scoreOn(backend, name, input), value);
      } finally {
        tf.dispose([input.batch!.xs, input.batch!.ys]);
      }
    }
  });

  test(`jacob_cov matches the hand-worked value on two images (${backend})`, async () => {
    const r = reference([1, 2]);
    // Two rows: corrcoef is [[1, c], [c, 1]], eigenvalues 1 ± c.
    const [a, b] = r.jac;
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const ca = a.map((x) => x - mean(a)), cb = b.map((x) => x - mean(b));
    const c = ca.reduce((s, x, i) => s + x * cb[i], 0) / Math.sqrt(ca.reduce((s, x) => s + x * x, 0) * cb.reduce((s, x) => s + x * x, 0));
    const k = 1e-5;
    const want = -[1 + c, 1 - c].reduce((s, l) => s + Math.log(l + k) + 1 / (l + k), 0);
    const input = tinyInput([1, 2]);
    try {
      close(await scoreOn(backend, 'jacob_cov', input), want);
    } finally {
      tf.dispose([input.batch!.xs, input.batch!.ys]);
    }
  });
}

test('synflow takes |w|: flipping every sign leaves the score unchanged', async () => {
  await selectBackend('cpu');
  const input = { build: () => tinyModel(true), inputShape: [2, 2, 1] as [number, number, number], numClasses: 2 };
  close(getEstimator('synflow').score(input), expected().synflow, 1e-6);
});

test('jacob_cov is NaN for a constant Jacobian, naswot -Infinity for identical codes', async () => {
  await selectBackend('cpu');
  const input: EstimatorInput = {
    build: () => tinyModel(),
    inputShape: [2, 2, 1],
    numClasses: 2,
    batch: { xs: tf.zeros([2, 2, 2, 1]) as tf.Tensor4D, ys: tf.tensor1d([0, 1], 'int32') },
  };
  try {
    // Zero images: no ReLU is on, the Jacobian is zero everywhere, corrcoef divides by zero.
    assert.ok(Number.isNaN(getEstimator('jacob_cov').score(input)));
    // ...and every code is the same: K is singular, naswot is log 0.
    assert.equal(getEstimator('naswot').score(input), -Infinity);
  } finally {
    tf.dispose([input.batch!.xs, input.batch!.ys]);
  }
});

test('the data-dependent estimators run with batch norm in training mode on an NB201 network, on every backend, finite, no leaks, agreeing', async () => {
  const space = loadSpace('nas-bench-201');
  const genotype = { space: 'nas-bench-201' as const, arch: '|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|nor_conv_3x3~1|skip_connect~2|' };
  const macro = { stemChannels: 4, filters: 4, cellsPerStage: 1, reductions: 1, filterMultiplier: 2 };
  const scores: Record<string, number[]> = {};
  for (const backend of backends) {
    await selectBackend(backend, { threads: 1 });
    const seeded = (n: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 2);
    const input: EstimatorInput = {
      build: (o = {}) => buildModel(space, genotype, macro, { inputShape: [8, 8, 3], numClasses: 10, seed: 1, batchNorm: o.batchNorm }),
      inputShape: [8, 8, 3],
      numClasses: 10,
      batch: { xs: tf.tensor4d(seeded(6 * 8 * 8 * 3), [6, 8, 8, 3]), ys: tf.tensor1d([0, 1, 2, 3, 4, 5], 'int32') },
    };
    try {
      for (const name of estimatorNames()) {
        const s = await scoreOn(backend, name, input);
        assert.ok(Number.isFinite(s), `${name} on ${backend}: ${s}`);
        (scores[name] ??= []).push(s);
      }
    } finally {
      tf.dispose([input.batch!.xs, input.batch!.ys]);
    }
  }
  for (const [name, s] of Object.entries(scores)) for (const v of s) close(v, s[0], 1e-3);
});

test('naswot counts a shared ReLU once per layer that reads it (one hook per ReLU module in PyTorch)', async () => {
  await selectBackend('cpu');
  // x → ReLU → (1×1 conv, 1×1 conv) → add → GAP → dense: the ReLU's codes enter K twice.
  const build = () => {
    const input = tf.input({ shape: [2, 2, 1] });
    const r = tf.layers.reLU().apply(input) as tf.SymbolicTensor;
    const a = tf.layers.conv2d({ filters: 1, kernelSize: 1, useBias: false }).apply(r) as tf.SymbolicTensor;
    const b = tf.layers.conv2d({ filters: 1, kernelSize: 1, useBias: false }).apply(r) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 2 }).apply(tf.layers.globalAveragePooling2d({}).apply(tf.layers.add().apply([a, b]))) as tf.SymbolicTensor;
    return { model: tf.model({ inputs: input, outputs: out }), params: 0, multAdds: 0, layers: 0 };
  };
  const input = { ...tinyInput(), build };
  try {
    // Codes of the images (x > 0): [1,1,1,1], [0,1,0,0], [1,0,1,1]; agreements K = [[4,1,3],[1,4,0],[3,0,4]],
    // det K = 4·16 − 1·4 + 3·(0 − 12) = 24; counted twice: det 2K = 8 · 24 = 192.
    close(getEstimator('naswot').score(input), Math.log(192));
  } finally {
    tf.dispose([input.batch!.xs, input.batch!.ys]);
  }
});

test('every estimator scores a cell of each nasnet-plus op (grouped, SE, bottleneck convs included): finite, no leaks', async () => {
  await selectBackend('cpu');
  const space = loadSpace('search-spaces/nasnet-plus.json');
  const macro = { stemChannels: 8, filters: 4, cellsPerStage: 1, reductions: 2, filterMultiplier: 2 };
  const xs = tf.randomNormal([8, 14, 14, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
  const ys = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32');
  try {
    for (const op of space.ops) {
      const blocks = Array.from({ length: 5 }, () => ({ inputs: [0, 1] as [number, number], ops: [op, op] as [string, string] }));
      const genotype = space.validate({ space: 'nasnet', normal: blocks, reduce: blocks });
      const input: EstimatorInput = {
        build: (o) => buildModel(space, genotype, macro, { inputShape: [14, 14, 1], numClasses: 10, seed: 1, ...(o?.batchNorm === false ? { batchNorm: false } : {}) }),
        inputShape: [14, 14, 1], numClasses: 10, batch: { xs, ys },
      };
      for (const name of estimatorNames()) {
        const before = tf.memory().numTensors;
        const s = getEstimator(name).score(input);
        assert.ok(Number.isFinite(s), `${name} on a cell of ${op}: ${s}`);
        assert.equal(tf.memory().numTensors, before, `${name} on ${op} leaks tensors`);
      }
    }
  } finally {
    tf.dispose([xs, ys]);
  }
});
