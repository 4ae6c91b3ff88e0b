/** A search killed with SIGKILL mid-run resumes with --resume: no trial lost, none run twice. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Store } from '../../src/store/store.js';
import { nas, nasAsync, tempDir, TINY } from './helpers.js';

function completed(db: string): number {
  try {
    const s = Store.open(db, { readonly: true });
    try {
      return s.getRun(1) ? s.countTrials(1, 'complete') : 0;
    } finally {
      s.close();
    }
  } catch {
    return 0;
  }
}

test('kill -9 in the middle of a search, then --resume finishes it with every trial exactly once', async () => {
  const db = join(tempDir(), 'nas.db');
  const budget = 10;
  const child = nasAsync(['search', '--strategy', 'evolution', '--budget', String(budget), '--population', '4', '--sample', '2', '--workers', '1', '--db', db, ...TINY]);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 300_000;
  while (completed(db) < 4 && Date.now() < deadline) await sleep(100);
  assert.ok(completed(db) >= 4, `the search did not get going:\n${output}`);

  // While it runs, a second resume is refused and writes nothing; `nas runs` says running.
  const snapshot = () => {
    const s = Store.open(db, { readonly: true });
    try {
      return JSON.stringify([s.getRun(1), s.loadStrategyState(1)]);
    } finally {
      s.close();
    }
  };
  const held = snapshot();
  const second = nas(['search', '--resume', '1', '--db', db]);
  assert.equal(second.status, 2, second.stderr + second.stdout);
  assert.match(second.stderr.trim(), new RegExp(`^nas: run 1 is still being searched by process ${child.pid} on \\S+; stop that one first`));
  assert.equal(second.stderr.trim().split('\n').length, 1);
  assert.match(nas(['runs', '--db', db]).stdout, /^1 +running /m);

  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  assert.equal(JSON.parse(held)[0].owner, JSON.parse(snapshot())[0].owner, 'the refused resume did not take the run over');
  const runs = nas(['runs', '--db', db]).stdout;
  assert.match(runs, /^1 +stale /m, runs);
  assert.match(runs, /its process is gone \(killed\); --resume continues it/);

  const before = Store.open(db, { readonly: true });
  const done = before.trials(1).filter((t) => t.status === 'complete');
  assert.equal(before.getRun(1)!.status, 'running', 'a killed process cannot mark its run');
  assert.ok(done.length < budget);
  before.close();

  const r = nas(['search', '--resume', '1', '--db', db]);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /resuming run 1/);

  const after = Store.open(db, { readonly: true });
  const trials = after.trials(1);
  assert.equal(trials.length, budget, 'no trial lost, none added twice');
  assert.ok(trials.every((t) => t.status === 'complete'));
  assert.deepEqual(trials.map((t) => t.number), Array.from({ length: budget }, (_, i) => i + 1));
  assert.equal(new Set(trials.map((t) => t.key)).size, budget, 'no architecture proposed twice');
  for (const t of done) {
    const again = after.getTrial(t.id)!;
    assert.equal(again.finishedAt, t.finishedAt, `trial ${t.id} finished before the kill was not run again`);
    assert.equal(again.reward, t.reward);
  }
  assert.equal(after.getRun(1)!.status, 'complete');
  after.close();
});
