/**
 * Two fresh replays with the CLI's default seed (no --seed: seed 0, which tfjs would treat as
 * "unseeded" if it reached an initializer) give the same losses and the same test accuracy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Store } from '../../src/store/store.js';
import { nas, tempDir } from '../e2e/helpers.js';
import { writeTinyIdx } from '../e2e/fixtures.js';

const data = join(tempDir(), 'tiny-idx');
writeTinyIdx(data);
const ARGS = ['--baseline', 'resnet', '--epochs', '2', '--cells', '0', '--filters', '4', '--batch', '16', '--backend', 'cpu', '--threads', '1', '--dataset', data];

function replay(): { done: string; losses: number[] } {
  const dir = tempDir();
  const db = join(dir, 'nas.db');
  const r = nas(['train', ...ARGS, '--db', db, '--out', join(dir, 'out')], { timeout: 240_000 });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const done = /replay \d+ done: test accuracy [\d.]+% \(loss [\d.]+\)/.exec(r.stdout)?.[0];
  assert.ok(done, r.stdout);
  const s = Store.open(db, { readonly: true });
  try {
    return { done, losses: s.curve({ replayId: 1 }).map((p) => p.trainLoss) };
  } finally {
    s.close();
  }
}

test('two fresh replays with the default seed give identical losses and test accuracy', { timeout: 300_000 }, () => {
  const a = replay();
  const b = replay();
  assert.equal(a.losses.length, 2);
  assert.deepEqual(b.losses, a.losses);
  assert.equal(b.done, a.done);
});
