/**
 * `--evaluator zero-cost:NAME` rewards each untrained child with the estimator's score, and
 * `--warmup NAME:N` scores N cells first and hands the best to the strategy as its first proposals.
 * Checked with the parameter count, whose value each trial also stores: the ordering is known.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Store } from '../../src/store/store.js';
import type { WarmupRecord } from '../../src/search/warmup.js';
import { nas, tempDir, TINY } from './helpers.js';

test('--evaluator zero-cost:params: each child\'s reward is its parameter count, shown as a score', { timeout: 120_000 }, () => {
  const db = join(tempDir(), 'nas.db');
  const r = nas(['search', '--strategy', 'random', '--budget', '6', '--evaluator', 'zero-cost:params', '--workers', '2', '--db', db, ...TINY]);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.doesNotMatch(r.stdout, /%/, 'a score is not a percentage');
  const store = Store.open(db, { readonly: true });
  try {
    const trials = store.trials(1);
    assert.equal(trials.length, 6);
    for (const t of trials) {
      assert.equal(t.status, 'complete');
      assert.ok(t.params! > 0);
      assert.equal(t.reward, t.params, `trial ${t.id}: reward ${t.reward} vs ${t.params} params`);
    }
    assert.equal(store.bestTrial(1)!.params, Math.max(...trials.map((t) => t.params!)));
  } finally {
    store.close();
  }
});

test('--warmup params:12: the 12 cells are scored, the best become evolution\'s first children, the cost is recorded', { timeout: 300_000 }, () => {
  const db = join(tempDir(), 'nas.db');
  const r = nas(['search', '--strategy', 'evolution', '--population', '4', '--sample', '2', '--budget', '3', '--warmup', 'params:12', '--workers', '2', '--db', db, ...TINY]);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /warm-up: 12 cells scored with params in [\d.]+ s \([\d.]+ CPU-s\), 0 unscorable/);
  const store = Store.open(db, { readonly: true });
  try {
    const warmup = store.getRun(1)!.config.warmup as WarmupRecord;
    assert.equal(warmup.chosen.length, 12);
    assert.ok(warmup.cpuSeconds > 0 && warmup.seconds > 0);
    const scores = warmup.chosen.map((c) => c.score);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'best first');
    const trials = store.trials(1).sort((a, b) => a.id - b.id);
    assert.equal(trials.length, 3);
    trials.forEach((t, i) => {
      assert.equal(t.origin, 'warmup');
      assert.equal(t.key, warmup.chosen[i].key, `child ${i + 1} is the warm-up's number ${i + 1}`);
      assert.equal(t.params, warmup.chosen[i].score, 'the trained child has the parameters the warm-up counted');
    });
  } finally {
    store.close();
  }
});
