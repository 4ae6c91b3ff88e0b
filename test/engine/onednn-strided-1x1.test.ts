/**
 * oneDNN 2.6's jit_1x1 backward-weights kernels corrupt the heap on strided 1x1 convolutions and
 * the process dies later in malloc: jit_1x1:avx512_core on one image (a factorized reduction at
 * batch 1: synflow's input, a last partial batch), and jit_1x1:avx2 on few channels
 * (seen: ic 4 → oc 2, 28×28 → 14×14 at batch 32, a 2-filter replay; valgrind showed the write past a
 * buffer of oneDNN's). The addon now takes the next implementation for every strided 1x1.
 * A fresh process runs the geometries that crashed a few hundred times (random data, other
 * allocations in between) and must exit cleanly with the gradient a plain loop computes.
 */
import { needs } from '../helpers/system.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { addonPath } from '../../src/engine/onednn.js';

const CHILD = `
import { createRequire } from 'node:module';
const n = createRequire(import.meta.url)(process.env.ADDON);
let worst = 0;
for (const [N, H, C, OH, O] of [[1, 14, 8, 7, 4], [1, 14, 8, 7, 8], [2, 14, 8, 7, 4], [1, 7, 16, 4, 8], [1, 28, 16, 14, 8], [32, 28, 4, 14, 2], [16, 28, 2, 14, 1], [8, 14, 3, 7, 3]]) {
  const geom = Int32Array.from([N, H, H, C, OH, OH, O, 1, 1, 2, 2, 1, 1, 0, 0, 1]);
  for (let r = 0; r < (N > 2 ? 40 : 150); r++) {
    const x = new Float32Array(N * H * H * C).map(Math.random), dy = new Float32Array(N * OH * OH * O).map(Math.random);
    const dw = new Float32Array(C * O);
    if (!n.conv(2, x, dw, dy, geom)) throw new Error('declined');
    if (r === 0) {
      // dW[c, o] = sum over images and output positions of x[n, 2i, 2j, c] * dy[n, i, j, o]
      for (let c = 0; c < C; c++) for (let o = 0; o < O; o++) {
        let s = 0;
        for (let b = 0; b < N; b++) for (let i = 0; i < OH; i++) for (let j = 0; j < OH; j++) s += x[((b * H + 2 * i) * H + 2 * j) * C + c] * dy[((b * OH + i) * OH + j) * O + o];
        worst = Math.max(worst, Math.abs(dw[c * O + o] - s) / Math.max(1, Math.abs(s)));
      }
    }
    const junk = [];
    for (let i = 0; i < 100; i++) junk.push(new Float32Array(1 + ((i * 37) % 500)));
  }
}
console.log(worst);
`;

test('strided 1x1 backward weights (one image; few channels): no heap corruption, the right gradient', needs('oneDNN engine'), () => {
  // A corrupted heap may also spin inside malloc: a time limit turns that into a failure too.
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], { env: { ...process.env, ADDON: addonPath() }, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.signal, null, `the process died with ${r.signal}: ${r.stderr.trim().split('\n').pop()}`);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(Number(r.stdout) < 1e-5, `relative error ${r.stdout}`);
});
