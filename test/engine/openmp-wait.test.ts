/**
 * The OpenMP spin default (src/engine/openmp-wait.ts): set on the main thread before the addon
 * loads, and never over what the user chose. Its effect on speed is a benchmark (docs/engine.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const module = fileURLToPath(new URL('../../src/engine/openmp-wait.js', import.meta.url));

/** GOMP_SPINCOUNT and OMP_WAIT_POLICY as a fresh process sees them after importing `file`. */
function envAfter(file: string, env: Record<string, string>): { spin?: string; policy?: string } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'GOMP_SPINCOUNT' && k !== 'OMP_WAIT_POLICY')) as Record<string, string>;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e',
    `await import(${JSON.stringify(file)}); console.log(JSON.stringify({ spin: process.env.GOMP_SPINCOUNT, policy: process.env.OMP_WAIT_POLICY }))`],
  { env: { ...clean, ...env }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('oneDNN threads spin 10,000 times before sleeping unless the user said otherwise', () => {
  assert.deepEqual(envAfter(module, {}), { spin: '10000' });
  assert.deepEqual(envAfter(module, { GOMP_SPINCOUNT: '300000' }), { spin: '300000' }, 'a spin count the user set stays');
  assert.deepEqual(envAfter(module, { OMP_WAIT_POLICY: 'active' }), { policy: 'active' }, 'a wait policy the user set is not overridden by a spin count');
});
