/**
 * Successive halving with real training through the CLI: killed with SIGKILL while a promotion
 * trains, then --resume: nothing lost, no rung trained twice, the promotion continues from its lower
 * rung's stored state (it trains only the added epoch); nas show ranks by rung; bad ladders refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Store } from '../../src/store/store.js';
import { nas, nasAsync, tempDir, TINY } from './helpers.js';

function rungs(db: string) {
  try {
    const s = Store.open(db, { readonly: true });
    try {
      return s.getRun(1) ? s.rungs(1) : [];
    } finally {
      s.close();
    }
  } catch {
    return [];
  }
}

test('kill -9 mid-promotion, then --resume: every rung exactly once, the promotion continued from its checkpoint', { timeout: 600_000 }, async () => {
  const db = join(tempDir(), 'nas.db');
  const args = ['search', '--strategy', 'random', '--budget', '6', '--workers', '2', '--fidelity', 'sha:epochs=1,2', '--db', db, ...TINY];
  const child = nasAsync(args);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 400_000;
  while (!rungs(db).some((r) => r.rung === 1 && r.status === 'running') && Date.now() < deadline) await sleep(50);
  assert.ok(rungs(db).some((r) => r.rung === 1 && r.status === 'running'), `no promotion started:\n${output}`);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const before = rungs(db);
  const done = before.filter((r) => r.status === 'complete');

  const r = nas(['search', '--resume', '1', '--db', db], { timeout: 400_000 });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const after = Store.open(db, { readonly: true });
  try {
    const rows = after.rungs(1);
    assert.equal(new Set(rows.map((x) => `${x.trialId}:${x.rung}`)).size, rows.length);
    assert.ok(rows.every((x) => x.status === 'complete'), JSON.stringify(rows.filter((x) => x.status !== 'complete')));
    assert.equal(rows.filter((x) => x.rung === 0).length, 6);
    // The final top ⌊6/3⌋ = 2 of rung 0 went up.
    const top = rows.filter((x) => x.rung === 0).sort((a, b) => b.reward! - a.reward! || a.trialId - b.trialId).slice(0, 2);
    for (const t of top) assert.ok(rows.some((x) => x.trialId === t.trialId && x.rung === 1), `trial ${t.trialId} promoted`);
    // Rungs finished before the kill were not trained again.
    for (const d of done) assert.equal(rows.find((x) => x.trialId === d.trialId && x.rung === d.rung)!.finishedAt, d.finishedAt);
    // 1 → 2 epochs continues rung 0's training: each promotion trained one epoch, from the stored state.
    for (const p of rows.filter((x) => x.rung === 1)) {
      assert.equal((p.metrics?.extra as Record<string, unknown>).epochsTrained, 1, `trial ${p.trialId}`);
      assert.ok(rows.find((x) => x.trialId === p.trialId && x.rung === 0)!.hasState);
    }
    const best = after.bestTrial(1)!;
    assert.equal(best.rung, 1, 'the best trial is ranked at the highest rung');
    assert.equal(after.getRun(1)!.status, 'complete');
  } finally {
    after.close();
  }
  const show = nas(['show', '1', '--db', db]);
  assert.equal(show.status, 0, show.stderr);
  assert.match(show.stdout, /rung/);
});

test('bad ladders: one line, exit 2, no store', () => {
  const dir = tempDir();
  const db = join(dir, 'nas.db');
  const cases: Array<[string, RegExp]> = [
    ['sha', /no rungs/],
    ['halving:epochs=1,3', /unknown kind "halving"/],
    ['sha:epochs=1,3:eta=1', /eta must be an integer from 2 to 10, got "1"/],
    ['sha:epochs=3,1', /rungs must not shrink: epochs goes from 3 at rung 0 to 1 at rung 1/],
    ['sha:epochs=1,1', /rungs must increase/],
    ['sha:epochs=1,x', /epochs needs two or more non-negative integers/],
    ['sha:epochs=1', /needs two or more/],
    ['sha:depth=1,2', /unknown field "depth"/],
    ['sha:epochs=1,3:train=100,200,300', /same number of rungs/],
    ['sha:epochs=1,300', /costs more than the reference training/],
    ['sha:train=1000,20000', /more than the dataset's 10000 training images/],
  ];
  for (const [spec, pattern] of cases) {
    const r = nas(['search', '--fidelity', spec, '--db', db, ...TINY]);
    assert.equal(r.status, 2, `${spec}: ${r.stderr}${r.stdout}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, pattern, spec);
  }
  const table = ['search', '--evaluator', 'table', '--table', 'data/nas-bench-201/nb201-12epoch.csv', '--space', 'nas-bench-201', '--db', db];
  for (const [extra, pattern] of [
    [['--reward-column', 'cifar10_valid_acc_12ep', '--fidelity', 'sha:eta=3'], /one --reward-column per rung/],
    [['--reward-column', 'cifar10_valid_acc_12ep,cifar10_test_acc_12ep', '--fidelity', 'sha:epochs=1,2'], /takes only eta/],
    [['--reward-column', 'cifar10_valid_acc_12ep,cifar10_test_acc_12ep'], /several columns are the rungs of --fidelity/],
  ] as Array<[string[], RegExp]>) {
    const r = nas([...table, ...extra]);
    assert.equal(r.status, 2, `${extra.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
  }
  assert.equal(existsSync(db), false);
});
