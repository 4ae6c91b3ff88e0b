/**
 * The one training core's proxy preset on the real embedded Fashion-MNIST subset, on the backend
 * children use (the engine's fast-kernel 'cpu'; the stock tfjs cpu backend when the engine is absent,
 * ~10x slower in Conv2DBackpropFilter but the same results).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectCpuBackend } from '../helpers/cpu-backend.js';
import * as tf from '#tfjs';
import { UserError } from '../../src/core/errors.js';
import { loadDataset } from '../../src/data/datasets.js';
import { splitForSearch } from '../../src/data/split.js';
import { evaluate } from '../../src/training/evaluate.js';
import { trainProxy as trainChild } from '../../src/training/train-cell.js';
import { learningRate } from '../../src/training/schedule.js';
import { etaSeconds, type BatchProgress } from '../../src/training/loop.js';


const ds = loadDataset('default');

const backendReady = selectCpuBackend();

/** A cheap conv net: strided convolutions keep the stock backend's slow filter gradients small. */
function smallNet(seed: number, opts: { batchNorm?: boolean; softmax?: boolean } = {}): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed }) }));
  if (opts.batchNorm) m.add(tf.layers.batchNormalization());
  m.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: seed + 1 }) }));
  if (opts.batchNorm) m.add(tf.layers.dropout({ rate: 0.1, seed }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 10, activation: opts.softmax ? 'softmax' : 'linear', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }));
  return m;
}

test('trains a small conv net on 2,000 embedded images to well above chance in 1 epoch', async () => {
  await backendReady;
  const data = splitForSearch(ds, { trainSize: 2000, valSize: 500, seed: 1 });
  const model = smallNet(1);
  const untrained = evaluate(model, data.val, 250);
  assert.ok(untrained.accuracy < 0.3, `untrained accuracy ${untrained.accuracy}`);
  const calls: BatchProgress[] = [];
  const r = await trainChild(model, data, { epochs: 1, batchSize: 32, learningRate: 0.05, seed: 1 }, (p) => calls.push(p));
  assert.ok(r.accuracy > 0.6, `val accuracy ${r.accuracy}`);
  assert.ok(r.loss < untrained.loss, `val loss ${r.loss} vs untrained ${untrained.loss}`);
  assert.ok(r.trainAccuracy > 0.3 && r.trainLoss > 0 && Number.isFinite(r.trainLoss));
  assert.ok(r.imagesPerSec > 0 && r.epochsTrained === 1);
  // The reported score is evaluate() on the validation split.
  const again = evaluate(model, data.val, 100);
  assert.ok(Math.abs(again.accuracy - r.accuracy) < 1e-9);
  assert.ok(Math.abs(again.loss - r.loss) < 1e-4);
  // Progress: every batch, the last one reports the last batch.
  assert.equal(calls.length, 63);
  const last = calls[calls.length - 1];
  assert.deepEqual([last.epoch, last.epochs, last.batch, last.batches], [1, 1, 63, 63]);
  const test = evaluate(model, ds.test, 500);
  assert.ok(test.accuracy > 0.6, `test accuracy ${test.accuracy}`);
  model.dispose();
});

test('no tensor leaks across several trainings (BN + dropout, logits and softmax outputs)', async () => {
  await backendReady;
  const data = splitForSearch(ds, { trainSize: 96, valSize: 40, seed: 2 });
  const start = tf.memory().numTensors;
  for (let i = 0; i < 4; i++) {
    const model = smallNet(10 + i, { batchNorm: true, softmax: i % 2 === 1 });
    const r = await trainChild(model, data, { epochs: 2, batchSize: 32, learningRate: 0.05, seed: i });
    assert.ok(Number.isFinite(r.loss));
    model.dispose();
    assert.equal(tf.memory().numTensors, start, `after training ${i + 1}`);
  }
});

test('the same seed gives the same batches and the same result; another seed differs', async () => {
  await backendReady;
  const data = splitForSearch(ds, { trainSize: 128, valSize: 64, seed: 3 });
  const run = async (seed: number) => {
    const model = smallNet(5);
    const r = await trainChild(model, data, { epochs: 1, batchSize: 16, learningRate: 0.05, seed });
    model.dispose();
    return r;
  };
  const a = await run(1);
  const b = await run(1);
  const c = await run(2);
  assert.equal(a.trainLoss, b.trainLoss);
  assert.equal(a.loss, b.loss);
  assert.notEqual(a.trainLoss, c.trainLoss);
});

test('a NaN or infinite loss throws naming the epoch and batch, and leaks nothing', async () => {
  await backendReady;
  const data = splitForSearch(ds, { trainSize: 64, valSize: 32, seed: 4 });
  const start = tf.memory().numTensors;
  // Poisoned input: a zero standard deviation turns every pixel into NaN or Infinity.
  const poisoned = { ...data, train: { ...data.train, norm: { mean: [0.5], std: [0] } } };
  let model = smallNet(7);
  await assert.rejects(
    trainChild(model, poisoned, { epochs: 3, batchSize: 16, learningRate: 0.05, seed: 1 }),
    /^Error: training diverged: loss (NaN|Infinity) at epoch 1, batch 1; try a lower --lr$/,
  );
  model.dispose();
  // An absurd learning rate blows the weights up within a few steps.
  model = smallNet(8);
  await assert.rejects(
    trainChild(model, data, { epochs: 2, batchSize: 8, learningRate: 1e30, seed: 1 }),
    /training diverged: loss (NaN|Infinity|-Infinity) at epoch \d, batch \d/,
  );
  model.dispose();
  assert.equal(tf.memory().numTensors, start);
});

test('bad settings are UserErrors; a model of the wrong shape is an Error', async () => {
  await backendReady;
  const data = splitForSearch(ds, { trainSize: 32, valSize: 16, seed: 5 });
  const model = smallNet(9);
  for (const bad of [{ epochs: 0 }, { batchSize: 2.5 }, { learningRate: -1 }, { learningRate: NaN }]) {
    await assert.rejects(trainChild(model, data, { epochs: 1, batchSize: 8, learningRate: 0.1, seed: 1, ...bad }), UserError);
  }
  const small = splitForSearch(ds, { trainSize: 32, valSize: 16, seed: 5, imageSize: 14 });
  await assert.rejects(trainChild(model, small, { epochs: 1, batchSize: 8, learningRate: 0.1, seed: 1 }), /model input is 28x28x1 but the images are 14x14x1/);
  model.dispose();
});

test('several epochs on resized images: progress walks the epochs, results are last-epoch means', async () => {
  await backendReady;
  const data = splitForSearch(ds, { trainSize: 200, valSize: 100, seed: 6, imageSize: 14 });
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [14, 14, 1], filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 1 }) }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  const calls: BatchProgress[] = [];
  const r = await trainChild(m, data, { epochs: 3, batchSize: 64, learningRate: 0.05, seed: 1 }, (p) => calls.push(p));
  assert.equal(r.epochsTrained, 3);
  const last = calls[calls.length - 1];
  assert.deepEqual([last.epoch, last.epochs, last.batch, last.batches], [3, 3, 4, 4]);
  assert.ok(calls.every((p, i) => i === 0 || p.epoch > calls[i - 1].epoch || p.batch > calls[i - 1].batch), 'progress moves forward');
  assert.ok(Math.abs(last.loss - r.trainLoss) < 1e-9, 'the last report carries the final epoch mean');
  assert.ok(r.accuracy > 0.3, `val accuracy ${r.accuracy} after 3 small epochs`);
  m.dispose();
});

test('cosine schedule: peak at step 0, half at the middle, 0 at the end', () => {
  assert.equal(learningRate('cosine', 0.1, 0), 0.1);
  assert.ok(Math.abs(learningRate('cosine', 0.1, 0.5) - 0.05) < 1e-12);
  assert.ok(learningRate('cosine', 0.1, 1) < 1e-12);
});

test('etaSeconds: the batches left in this epoch and the epochs after it, at this epoch pace', () => {
  const p: BatchProgress = { epoch: 1, epochs: 3, batch: 100, batches: 400, loss: 1, accuracy: 0.5, imagesPerSec: 1, lr: 0.1, elapsed: 50 };
  assert.equal(etaSeconds(p), (300 + 2 * 400) * 0.5);
  assert.equal(etaSeconds({ ...p, epoch: 3, batch: 400, elapsed: 80 }), 0, 'the last batch of the last epoch');
});
