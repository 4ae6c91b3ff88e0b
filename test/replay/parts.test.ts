import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '#tfjs';
import { learningRate } from '../../src/training/schedule.js';
import { MomentumSgd } from '../../src/training/sgd.js';
import { availableBackends, selectBackend } from '../../src/engine/backend.js';
import { augmentBatch, defaultAugment } from '../../src/training/augment.js';
import { smoothedCrossEntropy } from '../../src/training/loss.js';
import { DropPath, setDropPathRate } from '../../src/model/drop-path.js';
import { modelFiles, saveModelFiles } from '../../src/export/tfjs-files.js';
import { createRng } from '../../src/core/rng.js';

test('step schedule: x0.1 at 50%, x0.01 at 75%; cosine from lr to 0', () => {
  assert.equal(learningRate('step', 0.1, 0), 0.1);
  assert.equal(learningRate('step', 0.1, 0.49), 0.1);
  assert.ok(Math.abs(learningRate('step', 0.1, 0.5) - 0.01) < 1e-12);
  assert.ok(Math.abs(learningRate('step', 0.1, 0.75) - 0.001) < 1e-12);
  assert.equal(learningRate('cosine', 0.1, 0), 0.1);
  assert.ok(Math.abs(learningRate('cosine', 0.1, 0.5) - 0.05) < 1e-12);
  assert.ok(learningRate('cosine', 0.1, 1) < 1e-12);
});

test('momentum SGD: heavy ball and Nesterov follow their update rules on every backend (fused kernel or tfjs ops); state round-trips', async () => {
  for (const backend of availableBackends()) for (const nesterov of [false, true]) {
    await selectBackend(backend, { threads: 1 });
    const tensors = tf.memory().numTensors;
    const w = tf.tidy(() => tf.variable(tf.tensor2d([[1, -2]]))); // tidy frees the initial value the variable copied
    const sgd = new MomentumSgd([w], { momentum: 0.9, nesterov, weightDecay: 0.1 });
    // Two steps by hand: g = grad + wd * w, v = 0.9 v + g, w -= lr * (nesterov ? g + 0.9 v : v).
    let wv = [1, -2], v = [0, 0];
    for (let s = 0; s < 2; s++) {
      const grad = [0.5, 0.5];
      const gradTensor = tf.tensor2d([grad]);
      sgd.step([gradTensor], 0.1);
      gradTensor.dispose();
      const g = grad.map((x, i) => x + 0.1 * wv[i]);
      v = v.map((x, i) => 0.9 * x + g[i]);
      wv = wv.map((x, i) => x - 0.1 * (nesterov ? g[i] + 0.9 * v[i] : v[i]));
    }
    const got = Array.from(await w.data());
    got.forEach((x, i) => assert.ok(Math.abs(x - wv[i]) < 1e-6, `${backend} ${nesterov}: ${got} vs ${wv}`));
    const state = await sgd.state();
    assert.deepEqual(Array.from(state[0]).map((x) => +x.toFixed(5)), v.map((x) => +x.toFixed(5)));
    const other = new MomentumSgd([w], { momentum: 0.9, nesterov, weightDecay: 0.1 });
    other.restore(state);
    assert.deepEqual(Array.from((await other.state())[0]), Array.from(state[0]));
    assert.throws(() => other.restore([new Float32Array(3)]));
    sgd.dispose();
    other.dispose();
    w.dispose();
    assert.equal(tf.memory().numTensors, tensors, `${backend}: no tensor leaked`);
  }
  await selectBackend('cpu-stock'); // the rest of the file runs on stock tfjs, as before
});

test('augment: crop shifts with zero fill, flip mirrors, cutout zeroes a square, erasing stays inside', () => {
  const h = 6, w = 6;
  const img = () => Float32Array.from({ length: h * w }, (_, i) => i + 1);
  // rng 0.9 -> offsets dy = dx = floor(0.9 * 5) - 2 = +2: pixel (y, x) takes (y + 2, x + 2), zero beyond the edge.
  const x = img();
  augmentBatch(x, 1, h, w, 1, { pad: 2, flip: false, cutout: 0, randomErasing: 0 }, () => 0.9);
  for (let y = 0; y < h; y++) {
    for (let c = 0; c < w; c++) assert.equal(x[y * w + c], y + 2 < h && c + 2 < w ? (y + 2) * w + c + 2 + 1 : 0, `(${y}, ${c})`);
  }
  const flipped = img();
  augmentBatch(flipped, 1, h, w, 1, { pad: 0, flip: true, cutout: 0, randomErasing: 0 }, (() => { let k = 0; return () => (k++ === 0 ? 0.1 : 0.5); })());
  assert.deepEqual(Array.from(flipped.slice(0, 6)), [6, 5, 4, 3, 2, 1]);
  const cut = img();
  augmentBatch(cut, 1, h, w, 1, { pad: 0, flip: false, cutout: 2, randomErasing: 0 }, () => 0.5);
  // Centre (3, 3), side 2 -> rows 2-3, cols 2-3 are zero, nothing else.
  assert.deepEqual([...cut.keys()].filter((i) => cut[i] === 0), [14, 15, 20, 21]);
  const erased = new Float32Array(32 * 32).fill(9);
  augmentBatch(erased, 1, 32, 32, 1, { pad: 0, flip: false, cutout: 0, randomErasing: 1 }, createRng(1));
  const changed = erased.filter((v) => v !== 9).length;
  assert.ok(changed >= 0.02 * 1024 * 0.5 && changed <= 0.4 * 1024 * 1.2, `erased ${changed}`);
  assert.equal(defaultAugment('mnist').flip, false);
  assert.equal(defaultAugment('fashion-mnist').flip, true);
  assert.equal(defaultAugment('default').pad, 4);
});

test('label smoothing: s = 0 is cross-entropy; s > 0 matches the smoothed target', async () => {
  const logits = tf.tensor2d([[2, 0, -1], [0, 1, 0]]);
  const labels = tf.tensor1d([0, 2], 'int32');
  const ce = (await smoothedCrossEntropy(logits, labels, 3, 0, false).data())[0];
  const ref = (await tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 3), logits).data())[0];
  assert.ok(Math.abs(ce - ref) < 1e-5);
  const s = 0.3;
  const logp = (await tf.logSoftmax(logits).array()) as number[][];
  const manual = -[0, 1].reduce((acc, n) => acc + logp[n].reduce((a, lp, k) => a + ((k === [0, 2][n] ? 1 - s : 0) + s / 3) * lp, 0), 0) / 2;
  const got = (await smoothedCrossEntropy(logits, labels, 3, s, false).data())[0];
  assert.ok(Math.abs(got - manual) < 1e-5, `${got} vs ${manual}`);
  tf.dispose([logits, labels]);
});

test('drop-path: identity at inference; drops whole examples in training; saves and loads', async () => {
  const input = tf.input({ shape: [4, 4, 2] });
  const layer = new DropPath({ cellRatio: 1, seed: 5 });
  const out = tf.layers.flatten().apply(layer.apply(input)) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  assert.equal(setDropPathRate(model, 0.5), 1);
  const x = tf.ones([400, 4, 4, 2]);
  const inference = model.predict(x) as tf.Tensor;
  assert.equal((await tf.max(tf.abs(tf.sub(inference, 1))).data())[0], 0);
  const train = model.apply(x, { training: true }) as tf.Tensor;
  const rows = (await train.array()) as number[][];
  for (const r of rows) assert.ok(r.every((v) => v === r[0]) && (r[0] === 0 || Math.abs(r[0] - 2) < 1e-6), 'whole example dropped or scaled by 1/keep');
  const dropped = rows.filter((r) => r[0] === 0).length;
  assert.ok(dropped > 140 && dropped < 260, `dropped ${dropped}/400`);
  const dir = mkdtempSync(join(tmpdir(), 'nas-droppath-'));
  await saveModelFiles(model, dir);
  const loaded = await tf.loadLayersModel(modelFiles(dir));
  assert.equal(loaded.layers.filter((l) => l instanceof DropPath).length, 1);
  const again = loaded.predict(x) as tf.Tensor;
  assert.equal((await tf.max(tf.abs(tf.sub(again, inference))).data())[0], 0);
  tf.dispose([x, inference, train, again]);
  model.dispose();
  loaded.dispose();
});

test('aux head anchors at the last reduction cell output (single block or concatenation)', async () => {
  const { loadSpace } = await import('../../src/space/load.js');
  const { buildModel } = await import('../../src/model/build.js');
  const { loadBaseline } = await import('../../src/baselines/index.js');
  const { lastReductionCell, withAuxHead } = await import('../../src/model/aux-head.js');
  const space = loadSpace('nasnet');
  const macro = { ...space.macro, cellsPerStage: 1, reductions: 2, filters: 2, stemChannels: 2, filterMultiplier: 2 };
  for (const [name, width] of [['nasnet-a', 3 * 8], ['resnet', 8]] as const) {
    const g = loadBaseline(name, space).genotype as import('../../src/space/types.js').NasnetGenotype;
    let anchor: tf.SymbolicTensor | undefined;
    const cell = lastReductionCell(macro.cellsPerStage, macro.reductions);
    const built = buildModel(space, g, macro, {
      inputShape: [16, 16, 1], numClasses: 10, seed: 1,
      onCell: (out, info) => {
        if (info.index === cell) anchor = out;
      },
    });
    assert.ok(anchor);
    // After two reductions: 16 -> 8 -> 4 pixels, F * 2^2 = 8 channels per concatenated block.
    assert.deepEqual(anchor.shape, [null, 4, 4, width], name);
    const m = withAuxHead(built.model, anchor!, 10, 1);
    assert.equal(m.outputs.length, 2);
    const outs = tf.tidy(() => (m.predict(tf.zeros([2, 16, 16, 1])) as tf.Tensor[]).map((t) => t.shape));
    assert.deepEqual(outs, [[2, 10], [2, 10]]);
    for (const l of m.layers) if (l.name.startsWith('aux_')) l.dispose();
    built.model.dispose();
  }
});
