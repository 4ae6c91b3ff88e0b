/**
 * Backend selection, the oneDNN fallback paths (addon missing, call declined), loading in
 * worker threads, and no tensor leaks over training steps.
 */
import { needs } from '../helpers/system.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import * as tf from '#tfjs';
import { UserError } from '../../src/core/errors.js';
import { availableBackends, installEngine, selectBackend } from '../../src/engine/backend.js';
import { rand } from './helpers.js';

const backendModule = fileURLToPath(new URL('../../src/engine/backend.js', import.meta.url));

/** Runs a snippet in a fresh node process (its own tfjs), with `env` added; returns stdout. */
function runNode(code: string, env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', code], { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

describe('selectBackend', () => {
  it('rejects unknown names with a UserError listing the choices', async () => {
    await assert.rejects(selectBackend('tpu'), (e: Error) => e instanceof UserError && /unknown backend 'tpu'.*auto, gpu, node, onednn, cpu/.test(e.message));
  });
  it('says how to install tfjs-node when node or gpu is requested here', async () => {
    await assert.rejects(selectBackend('node'), {
      name: 'UserError',
      message: "backend 'node' is not installed: npm install @tensorflow/tfjs-node (needs internet access to download libtensorflow)",
    });
    await assert.rejects(selectBackend('gpu'), { name: 'UserError', message: /backend 'gpu' is not installed: npm install @tensorflow\/tfjs-node-gpu/ });
  });
  it('selects cpu and cpu-stock', async () => {
    assert.equal((await selectBackend('cpu')).name, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    assert.equal((await selectBackend('cpu-stock')).name, 'cpu-stock');
    assert.equal(tf.getBackend(), 'cpu-stock');
  });
  it('auto prefers onednn when the addon is built', needs('oneDNN engine'), async () => {
    const lines: string[] = [];
    const chosen = await selectBackend('auto', { threads: 1, log: (l) => lines.push(l) });
    assert.equal(chosen.name, 'onednn');
    assert.deepEqual(lines, []);
    assert.ok(availableBackends().includes('onednn'));
  });
});

describe('fallback without the addon', () => {
  const env = { NAS_ONEDNN_ADDON: '/nonexistent/nas_onednn.node' };
  it('onednn is a UserError naming the fix; auto uses cpu and says so once', () => {
    const out = runNode(`
      import { selectBackend, availableBackends } from ${JSON.stringify(backendModule)};
      const lines = [];
      const log = (l) => lines.push(l);
      let err = '';
      try { await selectBackend('onednn'); } catch (e) { err = e.name + ': ' + e.message; }
      const a = await selectBackend('auto', { log });
      const b = await selectBackend('auto', { log });
      console.log(JSON.stringify({ err, a: a.name, b: b.name, lines, avail: availableBackends() }));`, env);
    const r = JSON.parse(out.trim().split('\n').pop()!);
    assert.match(r.err, /^UserError: backend 'onednn' is not available: the oneDNN addon is not built; install libdnnl-dev and run: node scripts\/build-native.mjs/);
    assert.equal(r.a, 'cpu');
    assert.equal(r.b, 'cpu');
    assert.equal(r.lines.length, 1);
    assert.match(r.lines[0], /pure-JS cpu kernels.*build-native/);
    assert.deepEqual(r.avail, ['cpu', 'cpu-stock']);
  });
});

describe('an addon of the wrong build', () => {
  // A stand-in module for the addon (require loads it like the .node file): what a checkout that
  // pulled new sources without rebuilding, or a oneDNN upgrade, would present.
  const fake = (version: object) => {
    const file = join(mkdtempSync(join(tmpdir(), 'nas-addon-')), 'addon.cjs');
    writeFileSync(file, `module.exports = { version: () => (${JSON.stringify(version)}) };`);
    return { NAS_ONEDNN_ADDON: file };
  };
  const attempt = (env: Record<string, string>) => JSON.parse(runNode(`
      import { selectBackend } from ${JSON.stringify(backendModule)};
      const lines = [];
      let err = '';
      try { await selectBackend('onednn'); } catch (e) { err = e.message; }
      const a = await selectBackend('auto', { log: (l) => lines.push(l) });
      console.log(JSON.stringify({ err, auto: a.name, lines }));`, env).trim().split('\n').pop()!);
  it('older entry points: refused with the rebuild command, auto falls back to cpu', () => {
    const r = attempt(fake({ compiled: '2.6.3', runtime: '2.6.3', api: 1 }));
    assert.match(r.err, /the oneDNN addon was built from older sources; rebuild it: node scripts\/build-native\.mjs/);
    assert.equal(r.auto, 'cpu');
    assert.match(r.lines[0], /older sources/);
  });
  it('another oneDNN at run time than at build time: refused, auto falls back to cpu', () => {
    const r = attempt(fake({ compiled: '2.6.3', runtime: '3.1.0', api: 2 }));
    assert.match(r.err, /built for oneDNN 2\.6\.3 but 3\.1\.0 is installed; rebuild it/);
    assert.equal(r.auto, 'cpu');
  });
});

describe('oneDNN addon', needs('oneDNN engine'), () => {
  it('declines a call whose buffers do not match the geometry, and the wrapper falls back', () => {
    const { onednn } = installEngine();
    const info = tf.backend_util.computeConv2DInfo([2, 5, 5, 3], [3, 3, 3, 4], 1, 1, 'same');
    const x = new Float32Array(2 * 5 * 5 * 3 - 1); // one short
    assert.equal(onednn!.conv.conv2d(x, new Float32Array(3 * 3 * 3 * 4), info), null);
  });
  it('caches primitives by shape', async () => {
    const { onednn } = installEngine();
    await selectBackend('onednn', { threads: 1 });
    const before = onednn!.cacheSize();
    tf.tidy(() => {
      const x = rand([3, 6, 7, 2], 'x') as tf.Tensor4D, w = rand([3, 3, 2, 3], 'w') as tf.Tensor4D;
      tf.conv2d(x, w, 1, 'same');
      tf.conv2d(x, w, 1, 'same');
    });
    assert.equal(onednn!.cacheSize(), before + 1);
  });
  it('loads in two worker threads at once (context-aware) and matches the main thread', async () => {
    const x = Array.from({ length: 2 * 6 * 6 * 3 }, (_, i) => Math.sin(i));
    const w = Array.from({ length: 3 * 3 * 3 * 4 }, (_, i) => Math.cos(i));
    const run = () => new Promise<{ backend: string; y: number[] }>((resolve, reject) => {
      const worker = new Worker(new URL('./fixtures/conv-worker.js', import.meta.url), { workerData: { x, w } });
      worker.once('message', (m) => { resolve(m); void worker.terminate(); });
      worker.once('error', reject);
    });
    const [a, b] = await Promise.all([run(), run()]);
    await selectBackend('cpu-stock');
    const want = tf.tidy(() => Array.from(tf.conv2d(tf.tensor4d(x, [2, 6, 6, 3]), tf.tensor4d(w, [3, 3, 3, 4]), 2, 'same').dataSync()));
    for (const r of [a, b]) {
      assert.equal(r.backend, 'onednn');
      r.y.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-4, `element ${i}: ${v} vs ${want[i]}`));
    }
  });
});

describe('no leaks', () => {
  for (const name of ['cpu', 'onednn']) {
    it(`training steps on ${name} keep the tensor count constant`, name === 'onednn' ? needs('oneDNN engine') : {}, async () => {
      await selectBackend(name, { threads: 1 });
      const model = tf.sequential({ layers: [
        tf.layers.conv2d({ inputShape: [10, 10, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.separableConv2d({ filters: 4, kernelSize: 3, padding: 'same' }),
        tf.layers.batchNormalization(),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({ units: 3 }),
      ] });
      const opt = tf.train.sgd(0.01);
      const x = rand([4, 10, 10, 2], 'x'), y = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
      const step = () => opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor), true)?.dispose();
      step();
      const n = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) step();
      assert.equal(tf.memory().numTensors, n);
      tf.dispose([x, y]);
      model.dispose();
      opt.dispose();
    });
  }
});
