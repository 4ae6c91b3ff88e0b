/**
 * The kernel output pool (src/engine/buffer-pool.ts): arrays are reused over training steps, but
 * never while a live entry aliases them (contiguous slice, reshape), never after their values
 * escaped (dataSync, data, moving to another backend), reused arrays read as zeros where a
 * kernel accumulates, the cap holds, nothing leaks, and dispose / selectBackend empty the pool.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '#tfjs';
import { MathBackendCPU } from '#tfjs-backend-cpu';
import { availableBackends, selectBackend } from '../../src/engine/backend.js';
import { BufferPool, allocFor, poolConfig, poolOf } from '../../src/engine/buffer-pool.js';
import { batchNormalization } from '../../src/model/batch-norm.js';
import { rand, relErr } from './helpers.js';

const fast = () => availableBackends().filter((n) => n !== 'cpu-stock');
const defaults = { ...poolConfig };
afterEach(() => Object.assign(poolConfig, defaults));

/** The values array a tensor's data entry holds, read without handing it out (no escape). */
const peek = (t: tf.Tensor) => (tf.backend() as unknown as { data: { get(id: object): { values: Float32Array } } }).data.get(t.dataId).values;
const pool = () => poolOf(tf.backend())!;

/** A child with what a NASNet child runs: strided and 1x1 strided convs, separable convs, our batch norm, pools, pad, concat, dense. */
function child(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const input = tf.input({ shape: [12, 12, 2] });
  const apply = (l: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => l.apply(x) as tf.SymbolicTensor;
  const stem = apply(tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(1) }), input);
  const r = apply(tf.layers.reLU(), apply(batchNormalization({}), stem));
  const s2 = apply(tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init(2) }), r);
  const f = apply(tf.layers.conv2d({ filters: 8, kernelSize: 1, strides: 2, padding: 'valid', kernelInitializer: init(3) }), r);
  const sep = apply(tf.layers.separableConv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', depthwiseInitializer: init(4), pointwiseInitializer: init(5) }), r);
  const mp = apply(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), r);
  const ap = apply(tf.layers.zeroPadding2d({ padding: 1 }), apply(tf.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'valid' }), s2));
  const cat = apply(tf.layers.concatenate(), [s2, f, sep, mp, ap]);
  const gap = apply(tf.layers.globalAveragePooling2d({}), apply(tf.layers.reLU(), cat));
  return tf.model({ inputs: input, outputs: apply(tf.layers.dense({ units: 4, kernelInitializer: init(6) }), gap) });
}

/** Trains child() for `steps` SGD steps on `backend`; losses, final weights and the pool counters after each step. */
async function train(backend: string, steps: number) {
  await selectBackend(backend, { threads: 1 });
  const model = child();
  const x = rand([8, 12, 12, 2], 'images');
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 3, 3, 2, 1, 0], 'int32'), 4));
  const opt = tf.train.sgd(0.1);
  const losses: number[] = [], reused: number[] = [], tensors: number[] = [];
  for (let i = 0; i < steps; i++) {
    const l = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor), true)!;
    losses.push(l.dataSync()[0]);
    l.dispose();
    reused.push(poolOf(tf.backend())?.stats.reused ?? 0);
    tensors.push(tf.memory().numTensors);
  }
  const weights = Float32Array.from(model.getWeights().flatMap((w) => Array.from(w.dataSync())));
  tf.dispose([x, y]);
  model.dispose();
  opt.dispose();
  return { losses, weights, reused, tensors };
}

describe('buffer pool in training', () => {
  it('reuses arrays step after step, leaks no tensor, and leaves cpu-stock without a pool', async () => {
    const before = tf.memory().numTensors;
    for (const b of fast()) {
      const r = await train(b, 4);
      assert.ok(r.reused[0] > 0 && r.reused.every((n, i) => i === 0 || n > r.reused[i - 1]), `${b}: reused ${r.reused}`);
      assert.ok(r.tensors.every((n) => n === r.tensors[0]), `${b}: tensors per step ${r.tensors}`);
      assert.equal(tf.memory().numTensors, before, `${b} leaked tensors`);
    }
    await train('cpu-stock', 1);
    assert.equal(poolOf(tf.backend()), undefined);
  });

  it('with every recycled array poisoned (NaN), every fast backend still reproduces the stock losses and weights', async () => {
    // A kernel that skips the fill and misses an element, or reads a recycled array, shows NaN here.
    poolConfig.poison = true;
    const want = await train('cpu-stock', 5);
    assert.ok(want.losses[4] < want.losses[0], `the stock run should learn: ${want.losses}`);
    for (const b of fast()) {
      const got = await train(b, 5);
      assert.ok(got.reused[4] > 100, `${b} reused only ${got.reused[4]} arrays`);
      assert.ok(relErr(got.losses, want.losses) < 1e-4, `${b} losses ${got.losses} vs ${want.losses}`);
      assert.ok(relErr(got.weights, want.weights) < 1e-3, `${b} weights differ: ${relErr(got.weights, want.weights)}`);
    }
  });

  it('keeps free arrays under the cap (and drops the rest)', async () => {
    poolConfig.capBytes = 64 * 1024;
    for (const b of fast()) {
      await selectBackend(b, { threads: 1 });
      pool().stats.peakFreeBytes = 0;
      await train(b, 3);
      const s = pool().stats;
      assert.ok(s.peakFreeBytes <= poolConfig.capBytes && s.peakFreeBytes > 0, `${b}: peak ${s.peakFreeBytes}`);
      assert.ok(s.dropped > 0, `${b}: nothing dropped`);
    }
  });
});

describe('buffer pool safety', () => {
  for (const b of fast()) {
    it(`${b}: a contiguous slice of a pooled output keeps its values after the source is disposed`, async () => {
      await selectBackend(b, { threads: 1 });
      const y = tf.tidy(() => tf.relu(rand([4, 64], 'a')));
      const s = tf.slice(y, [1, 0], [2, 64]); // contiguous: the stock kernel stores a subarray view
      assert.equal(peek(s).buffer, peek(y).buffer, 'the slice should alias its source');
      const yBuffer = peek(y).buffer;
      const want = Float32Array.from(peek(s));
      y.dispose();
      const others = Array.from({ length: 8 }, (_, i) => tf.tidy(() => tf.relu(rand([4, 64], `b${i}`))));
      assert.ok(others.every((o) => peek(o).buffer !== yBuffer), 'a live slice\'s array was handed out again');
      assert.deepEqual(peek(s), want);
      // Once the slice goes too, the array is reused: the test above could fail.
      s.dispose();
      const next = tf.tidy(() => tf.relu(rand([4, 64], 'c')));
      assert.equal(peek(next).buffer, yBuffer);
      tf.dispose([...others, next]);
    });

    it(`${b}: a reshape sharing the entry keeps the array alive`, async () => {
      await selectBackend(b, { threads: 1 });
      const y = tf.tidy(() => tf.relu(rand([4, 64], 'a')));
      const r = tf.reshape(y, [256]);
      const want = Float32Array.from(peek(r));
      y.dispose();
      const others = Array.from({ length: 8 }, (_, i) => tf.tidy(() => tf.relu(rand([4, 64], `b${i}`))));
      assert.deepEqual(peek(r), want);
      tf.dispose([r, ...others]);
    });

    it(`${b}: arrays handed out by dataSync() and data() keep their values after dispose`, async () => {
      await selectBackend(b, { threads: 1 });
      poolConfig.poison = true;
      const y1 = tf.tidy(() => tf.relu(rand([4, 64], 'a'))), y2 = tf.tidy(() => tf.relu(rand([4, 64], 'b')));
      const escaped = pool().stats.escaped;
      const got1 = y1.dataSync() as Float32Array, got2 = (await y2.data()) as Float32Array;
      assert.equal(got1.buffer, peek(y1).buffer, 'dataSync hands out the pooled array itself');
      assert.equal(pool().stats.escaped, escaped + 2);
      const want1 = Float32Array.from(got1), want2 = Float32Array.from(got2);
      tf.dispose([y1, y2]);
      const others = Array.from({ length: 8 }, (_, i) => tf.tidy(() => tf.relu(rand([4, 64], `c${i}`))));
      assert.ok(others.every((o) => peek(o).buffer !== got1.buffer && peek(o).buffer !== got2.buffer));
      assert.deepEqual(got1, want1);
      assert.deepEqual(got2, want2);
      tf.dispose(others);
    });

    it(`${b}: a tensor moved to another backend keeps its values`, async () => {
      await selectBackend(b, { threads: 1 });
      const p = pool();
      const y = tf.tidy(() => tf.relu(rand([4, 64], 'a')));
      const buffer = peek(y).buffer;
      const want = Float32Array.from(peek(y));
      // tf.setBackend, not selectBackend: that would empty the pool and hide a wrong recycle.
      await tf.setBackend('cpu-stock');
      const z = tf.add(y, 0); // moves y's data to cpu-stock
      await tf.setBackend(b);
      const others = Array.from({ length: 8 }, (_, i) => tf.tidy(() => tf.relu(rand([4, 64], `b${i}`))));
      assert.ok(others.every((o) => peek(o).buffer !== buffer));
      assert.equal(pool(), p);
      await selectBackend('cpu-stock');
      assert.deepEqual(peek(y), want);
      tf.dispose([y, z, ...others]);
    });

    it(`${b}: kernels that add into their output get zeros from poisoned recycled arrays`, async () => {
      poolConfig.poison = true;
      const x = () => rand([2, 9, 9, 4], 'x') as tf.Tensor4D;
      const dw = (x: tf.Tensor, f: tf.Tensor) => tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 'same').square().sum();
      const cases: [string, () => tf.Tensor][] = [
        ['avg pool gradient', () => tf.grad((v: tf.Tensor) => tf.avgPool(v as tf.Tensor4D, 3, 2, 'valid').sum())(x())],
        ['max pool gradient', () => tf.grad((v: tf.Tensor) => tf.maxPool(v as tf.Tensor4D, 3, 2, 'same').sum())(x())],
        ['depthwise input gradient', () => tf.grads(dw)([x(), rand([3, 3, 4, 1], 'w')])[0]],
        ['depthwise filter gradient', () => tf.grads(dw)([x(), rand([3, 3, 4, 1], 'w')])[1]],
        ['strided 1x1 conv input gradient', () => tf.grad((v: tf.Tensor) => tf.conv2d(v as tf.Tensor4D, rand([1, 1, 4, 6], 'w') as tf.Tensor4D, 2, 'valid').square().sum())(x())],
        ['pad', () => tf.pad(rand([2, 5, 5, 4], 'x'), [[0, 0], [1, 2], [2, 1], [0, 0]])],
      ];
      for (const [name, f] of cases) {
        await selectBackend('cpu-stock');
        const want = tf.tidy(f).dataSync() as Float32Array;
        await selectBackend(b, { threads: 1 });
        // The first output goes back to the pool poisoned; the second run's output is that array.
        const first = tf.tidy(f);
        const recycled = peek(first).buffer;
        first.dispose();
        const got = tf.tidy(f);
        assert.equal(peek(got).buffer, recycled, `${name}: the output should reuse the poisoned array`);
        assert.ok(relErr(got.dataSync() as Float32Array, want) < 1e-4, `${name}: ${relErr(got.dataSync() as Float32Array, want)}`);
        got.dispose();
      }
    });
  }
});

describe('BufferPool', () => {
  it('zero-fills a reused array unless the caller overwrites it, and reuses only unreferenced arrays', () => {
    const p = new BufferPool();
    const a = p.take(100);
    a.fill(7);
    p.ref(a);
    p.ref(a.subarray(10, 20)); // a second entry on the same ArrayBuffer
    p.unref(a);
    assert.notEqual(p.take(100), a, 'reused while a view was live');
    p.unref(a.subarray(10, 20));
    const b = p.take(100);
    assert.equal(b, a);
    assert.ok(b.every((v) => v === 0));
    b.fill(3);
    p.ref(b);
    p.unref(b);
    const c = p.take(100, true);
    assert.equal(c, a);
    assert.equal(c[0], 3, 'an overwriting caller gets the array as it was');
  });

  it('never recycles an array it did not hand out, or one that escaped', () => {
    const p = new BufferPool();
    const foreign = new Float32Array(100);
    p.ref(foreign);
    p.unref(foreign);
    assert.notEqual(p.take(100), foreign);
    const a = p.take(50);
    p.ref(a);
    p.escape(a);
    p.unref(a);
    assert.notEqual(p.take(50), a);
    assert.equal(p.stats.freeBytes, 0);
  });

  it('an array seen again while free is taken off the free list and never trusted again', () => {
    const p = new BufferPool();
    const a = p.take(64);
    p.ref(a);
    p.unref(a);
    assert.equal(p.stats.freeBytes, 256);
    p.ref(a); // someone kept it: should not happen, but must not hand it out twice
    assert.equal(p.stats.freeBytes, 0);
    assert.notEqual(p.take(64), a);
  });

  it('holds at most capBytes, drops least recently requested lengths first, and stale lengths', () => {
    poolConfig.capBytes = 4000;
    const p = new BufferPool();
    const cycle = (arrs: Float32Array[]) => { for (const a of arrs) p.ref(a); for (const a of arrs) p.unref(a); };
    const old = Array.from({ length: 5 }, () => p.take(100)); // 5 × 400 bytes
    const recent = Array.from({ length: 5 }, () => p.take(150)); // 5 × 600 bytes
    cycle(old);
    cycle(recent);
    assert.ok(p.stats.freeBytes <= 4000);
    assert.equal(p.stats.freeBytes, 5 * 600 + 2 * 400, 'the older length should go first');
    poolConfig.staleTakes = 10;
    for (let i = 0; i < 4096; i++) p.take(1); // sweeps run every 4096 takes
    assert.equal(p.stats.freeBytes, 0);
  });

  it('empties itself when no kernel took from it for idleMs', async () => {
    poolConfig.idleMs = 20;
    const p = new BufferPool();
    const a = p.take(100);
    p.ref(a);
    p.unref(a);
    assert.equal(p.stats.freeBytes, 400);
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(p.stats.freeBytes, 0);
  });

  it('disposing a backend frees its pool; selectBackend empties every pool', async () => {
    const backend = new MathBackendCPU();
    (backend as unknown as { firstUse: boolean }).firstUse = false; // no "install tfjs-node" banner
    const take = allocFor(backend);
    const p = poolOf(backend)!;
    const info = backend.makeTensorInfo([100], 'float32', take(100));
    backend.disposeData(info.dataId);
    assert.equal(p.stats.freeBytes, 400);
    backend.dispose();
    assert.equal(p.stats.freeBytes, 0);
    const again = backend.makeTensorInfo([100], 'float32', take(100));
    backend.disposeData(again.dataId);
    assert.equal(p.stats.freeBytes, 0, 'a disposed backend keeps nothing');

    const live = fast()[0];
    await selectBackend(live, { threads: 1 });
    tf.tidy(() => { tf.relu(rand([4, 64], 'a')).square(); });
    assert.ok(pool().stats.freeBytes > 0);
    await selectBackend(live, { threads: 1 });
    assert.equal(pool().stats.freeBytes, 0);
  });

  it('NAS_BUFFER_POOL_MB=0 (capBytes 0) turns pooling off for new backends', () => {
    poolConfig.capBytes = 0;
    const backend = new MathBackendCPU();
    const take = allocFor(backend);
    assert.equal(poolOf(backend), undefined);
    assert.notEqual(take(10), take(10));
  });
});
