/** Two searches at once on one store: each gets its own run, both finish, no trial is lost or shared, the store stays whole. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Store } from '../../src/store/store.js';
import { NB201_TABLE } from '../../src/commands/bench-strategies.js';
import { nasAsync, tempDir } from './helpers.js';

const exited = (child: ReturnType<typeof nasAsync>) =>
  new Promise<{ code: number | null; out: string }>((resolve) => {
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });

test('two searches started together on one store both finish, each with its own run', { timeout: 120_000 }, async () => {
  const db = join(tempDir(), 'shared.db');
  const search = (seed: string) => nasAsync(['search', '--space', 'nas-bench-201', '--evaluator', 'table', '--table', NB201_TABLE,
    '--reward-column', 'cifar10_valid_acc_12ep', '--strategy', 'evolution', '--population', '10', '--sample', '3', '--budget', '300', '--seed', seed, '--db', db, '--no-dashboard']);
  const [a, b] = await Promise.all([exited(search('1')), exited(search('2'))]);
  assert.equal(a.code, 0, a.out);
  assert.equal(b.code, 0, b.out);
  const s = Store.open(db, { readonly: true });
  try {
    assert.equal(s.integrityCheck(), 'ok');
    const runs = s.listRuns();
    assert.deepEqual(runs.map((r) => [r.status, r.completed]), [['complete', 300], ['complete', 300]]);
    assert.deepEqual(runs.map((r) => r.config.seed).sort(), [1, 2]);
    for (const r of runs) assert.deepEqual(s.trials(r.id).map((t) => t.number), Array.from({ length: 300 }, (_, i) => i + 1));
  } finally {
    s.close();
  }
});
