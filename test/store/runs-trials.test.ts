/** Runs and trials in an in-memory store: create, number, finish, fail, interrupt, restart, count. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../src/store/store.js';
import { UserError } from '../../src/core/errors.js';
import { complete, genotype, metrics, runConfig } from './helpers/fixtures.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

test('a run round-trips its config and moves through statuses', () => {
  const store = Store.open(':memory:');
  const config = runConfig({ withBaselines: true, budgetSeconds: 3600 });
  const run = store.createRun(config);
  assert.equal(run.status, 'running');
  assert.deepEqual(run.config, config);
  assert.equal(run.backend, null);
  assert.match(run.createdAt, ISO);
  store.setRunBackend(run.id, 'onednn');
  store.setRunStatus(run.id, 'interrupted');
  const again = store.requireRun(run.id);
  assert.equal(again.backend, 'onednn');
  assert.equal(again.status, 'interrupted');
  assert.ok(again.updatedAt >= run.updatedAt);
  assert.equal(store.getRun(run.id + 1), undefined);
  store.close();
});

test('unknown run and trial ids are UserErrors naming the id (and the file)', () => {
  const store = Store.open(':memory:');
  assert.throws(() => store.requireRun(7), (e: unknown) => e instanceof UserError && e.message === 'unknown run 7 in :memory:');
  assert.throws(() => store.setRunStatus(7, 'complete'), UserError);
  assert.throws(() => store.requireTrial(42), (e: unknown) => e instanceof UserError && e.message === 'unknown trial 42');
  assert.throws(() => store.addTrial({ runId: 7, genotype: genotype(0), key: 'k', origin: 'random' }), UserError);
  assert.throws(() => store.ancestry(42), UserError);
  store.close();
});

test('trials are numbered per run and listed in id order', () => {
  const store = Store.open(':memory:');
  const a = store.createRun(runConfig());
  const b = store.createRun(runConfig({ seed: 8 }));
  const ta1 = store.addTrial({ runId: a.id, genotype: genotype(1), key: 'k1', origin: 'random' });
  const tb1 = store.addTrial({ runId: b.id, genotype: genotype(2), key: 'k2', origin: 'random' });
  const ta2 = store.addTrial({ runId: a.id, genotype: genotype(3), key: 'k3', origin: 'random' });
  assert.deepEqual([ta1.number, tb1.number, ta2.number], [1, 1, 2]);
  assert.equal(ta1.status, 'running');
  assert.deepEqual(ta1.genotype, genotype(1));
  assert.deepEqual(store.trials(a.id).map((t) => t.id), [ta1.id, ta2.id]);
  assert.deepEqual(store.trials(b.id).map((t) => t.id), [tb1.id]);
  store.close();
});

test('finishTrial stores reward and metrics, pulling params, multAdds, seconds and worker into columns', () => {
  const store = Store.open(':memory:');
  const run = store.createRun(runConfig());
  const t = store.addTrial({ runId: run.id, genotype: genotype(1), key: 'k1', origin: 'random' });
  const done = store.finishTrial(t.id, complete(t.id, 0.875, { params: 4242, multAdds: 99, seconds: 1.5, worker: 'box/3', extra: { flops: 7, note: 'x' } }));
  assert.equal(done.status, 'complete');
  assert.equal(done.reward, 0.875);
  assert.deepEqual(done.metrics, metrics({ valAccuracy: 0.875, params: 4242, multAdds: 99, seconds: 1.5, worker: 'box/3', extra: { flops: 7, note: 'x' } }));
  assert.equal(done.params, 4242);
  assert.equal(done.multAdds, 99);
  assert.equal(done.seconds, 1.5);
  assert.equal(done.worker, 'box/3');
  assert.equal(done.error, null);
  assert.match(done.finishedAt ?? '', ISO);
  assert.deepEqual(store.getTrial(t.id), done);
  // Finishing twice is a caller bug, not silently a second result.
  assert.throws(() => store.finishTrial(t.id, complete(t.id, 0.1)), /already complete/);
  assert.throws(() => store.finishTrial(t.id, complete(t.id + 1, 0.1)), /result of trial/);
  store.close();
});

test('a failed trial keeps its error and a null reward; non-finite numbers become null', () => {
  const store = Store.open(':memory:');
  const run = store.createRun(runConfig());
  const t = store.addTrial({ runId: run.id, genotype: genotype(1), key: 'k1', origin: 'random' });
  const failed = store.finishTrial(t.id, { trialId: t.id, status: 'failed', reward: null, error: 'NaN loss at epoch 1' });
  assert.equal(failed.status, 'failed');
  assert.equal(failed.reward, null);
  assert.equal(failed.metrics, null);
  assert.equal(failed.error, 'NaN loss at epoch 1');
  const u = store.addTrial({ runId: run.id, genotype: genotype(2), key: 'k2', origin: 'random' });
  const nan = store.finishTrial(u.id, { trialId: u.id, status: 'complete', reward: Number.NaN, metrics: metrics({ valLoss: Number.NaN, seconds: Number.POSITIVE_INFINITY }) });
  assert.equal(nan.reward, null);
  assert.equal(nan.seconds, null);
  assert.equal(nan.metrics?.valLoss, null); // JSON has no NaN
  assert.equal(store.countTrials(run.id, 'failed'), 1);
  assert.equal(store.countTrials(run.id, 'complete'), 1);
  assert.equal(store.countTrials(run.id), 2);
  store.close();
});

test('markInterrupted marks only running trials of that run; restartTrial re-runs one under the same id', () => {
  const store = Store.open(':memory:');
  const run = store.createRun(runConfig());
  const other = store.createRun(runConfig());
  const done = store.addTrial({ runId: run.id, genotype: genotype(1), key: 'k1', origin: 'random' });
  store.finishTrial(done.id, complete(done.id, 0.5));
  const a = store.addTrial({ runId: run.id, genotype: genotype(2), key: 'k2', origin: 'random' });
  const b = store.addTrial({ runId: run.id, genotype: genotype(3), key: 'k3', origin: 'random' });
  const elsewhere = store.addTrial({ runId: other.id, genotype: genotype(4), key: 'k4', origin: 'random' });
  assert.equal(store.markInterrupted(run.id), 2);
  assert.equal(store.markInterrupted(run.id), 0);
  assert.deepEqual(store.trials(run.id, { status: 'interrupted' }).map((t) => t.id), [a.id, b.id]);
  assert.equal(store.requireTrial(elsewhere.id).status, 'running');
  store.restartTrial(a.id);
  assert.equal(store.requireTrial(a.id).status, 'running');
  assert.equal(store.requireTrial(a.id).number, a.number);
  const finished = store.finishTrial(a.id, complete(a.id, 0.6));
  assert.equal(finished.status, 'complete');
  // An interrupted trial may also receive a late result directly (the child finished after Ctrl-C).
  assert.equal(store.finishTrial(b.id, complete(b.id, 0.7)).status, 'complete');
  assert.throws(() => store.restartTrial(done.id), /only an interrupted trial/);
  assert.throws(() => store.restartTrial(9999), UserError);
  assert.equal(store.countTrials(run.id), 3);
  store.close();
});

test('listRuns summarises counts and the best non-baseline reward', () => {
  const store = Store.open(':memory:');
  const empty = store.createRun(runConfig());
  const run = store.createRun(runConfig());
  const rewards = [0.5, 0.9, null, 0.7];
  for (const [i, r] of rewards.entries()) {
    const t = store.addTrial({ runId: run.id, genotype: genotype(i), key: `k${i}`, origin: 'random' });
    store.finishTrial(t.id, r === null ? { trialId: t.id, status: 'failed', reward: null, error: 'boom' } : complete(t.id, r));
  }
  const base = store.addTrial({ runId: run.id, genotype: genotype(9), key: 'base', origin: 'baseline', baseline: 'resnet' });
  store.finishTrial(base.id, complete(base.id, 0.99));
  store.addTrial({ runId: run.id, genotype: genotype(10), key: 'k10', origin: 'random' });
  const [s0, s1] = store.listRuns();
  assert.deepEqual([s0.id, s0.trials, s0.completed, s0.failed, s0.best], [empty.id, 0, 0, 0, null]);
  assert.deepEqual([s1.id, s1.trials, s1.completed, s1.failed, s1.best], [run.id, 6, 4, 1, 0.9]);
  assert.deepEqual(s1.config, runConfig());
  store.close();
});

test('transaction commits together or not at all', () => {
  const store = Store.open(':memory:');
  const run = store.createRun(runConfig());
  assert.throws(() =>
    store.transaction(() => {
      store.addTrial({ runId: run.id, genotype: genotype(1), key: 'k1', origin: 'random' });
      throw new Error('abort');
    }),
  );
  assert.equal(store.countTrials(run.id), 0);
  const ids = store.transaction(() => [1, 2, 3].map((i) => store.addTrial({ runId: run.id, genotype: genotype(i), key: `k${i}`, origin: 'random' }).id));
  assert.equal(ids.length, 3);
  assert.equal(store.countTrials(run.id), 3);
  store.close();
});
