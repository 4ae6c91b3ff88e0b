/**
 * Node unloads an addon when the last worker thread that loaded it ends; libgomp's pool threads of
 * that worker (a two-thread convolution made them) were still spinning in libgomp's code, which
 * went away under them: a SIGSEGV when a study's or a search's pool shut down (CI saw it after a
 * complete nas fidelity). The addon is linked never to be unloaded (native/binding.gyp). Without
 * that, this child died by SIGSEGV at its first or second worker, every time.
 */
import { needs } from '../helpers/system.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { addonPath } from '../../src/engine/onednn.js';

const CHILD = `
import { Worker } from 'node:worker_threads';
const body = \`
const m = { exports: {} };
process.dlopen(m, process.env.ADDON);
m.exports.setThreads(2);
const N = 8, H = 28, C = 16, O = 16;
const geom = Int32Array.from([N, H, H, C, H, H, O, 3, 3, 1, 1, 1, 1, 1, 1, 1]);
const x = new Float32Array(N * H * H * C).fill(0.5), w = new Float32Array(9 * C * O).fill(0.1), y = new Float32Array(N * H * H * O);
for (let i = 0; i < 3; i++) if (!m.exports.conv(0, x, w, y, geom)) throw new Error('declined');
if (Math.abs(y[0] - 0.5 * 0.1 * 4 * C) > 1e-4) throw new Error('corner output ' + y[0]);
\`;
for (let i = 0; i < 20; i++) {
  await new Promise((resolve, reject) => {
    const worker = new Worker(body, { eval: true });
    worker.on('error', reject);
    worker.on('exit', resolve);
  });
}
console.log('20 workers');
`;

test('worker threads that load the oneDNN engine, run two-thread convolutions and end, one after another: the process lives', needs('oneDNN engine'), () => {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], { env: { ...process.env, ADDON: addonPath() }, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.signal, null, `the process died with ${r.signal}: ${r.stderr.trim().split('\n').pop()}`);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '20 workers');
});
