/** The thread probe: candidates, a real timing on the oneDNN engine, the engine left at the winner. */
import { needs } from '../helpers/system.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { probeThreads, threadCandidates } from '../../src/replay/threads.js';
import { availableBackends, selectBackend, setEngineThreads } from '../../src/engine/backend.js';

test('candidates: 1, 2, 4, … below the core count, then the core count', () => {
  assert.deepEqual(threadCandidates(1), [1]);
  assert.deepEqual(threadCandidates(2), [1, 2]);
  assert.deepEqual(threadCandidates(6), [1, 2, 4, 6]);
  assert.deepEqual(threadCandidates(8), [1, 2, 4, 8]);
});

test('probeThreads times every candidate on a real network, ends at the fastest, leaks nothing', needs('oneDNN engine'), async () => {
  await selectBackend('onednn', { threads: 1 });
  const set: number[] = [];
  const before = tf.memory().numTensors;
  const build = () => {
    const input = tf.input({ shape: [12, 12, 3] });
    const h = tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 5 }).apply(tf.layers.flatten().apply(h) as tf.SymbolicTensor) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: out });
  };
  const r = probeThreads({ build, inputShape: [12, 12, 3], numClasses: 5, batchSize: 16, maxThreads: 4, setThreads: (n) => { set.push(n); assert.ok(setEngineThreads(n)); } });
  assert.deepEqual(r.rates.map((x) => x.threads), [1, 2, 4]);
  assert.ok(r.rates.every((x) => Number.isFinite(x.imagesPerSec) && x.imagesPerSec > 0));
  assert.equal(r.threads, r.rates.reduce((a, b) => (b.imagesPerSec > a.imagesPerSec ? b : a)).threads);
  assert.equal(set.at(-1), r.threads, 'the engine is left at the winner');
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
  await selectBackend('cpu');
  assert.equal(setEngineThreads(2), false, 'no engine threads to set on the pure-JS backend');
});
