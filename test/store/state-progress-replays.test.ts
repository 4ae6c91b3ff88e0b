/** Strategy state, worker progress, replays and learning curves in an in-memory store. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../src/store/store.js';
import { UserError } from '../../src/core/errors.js';
import { complete, genotype, runConfig } from './helpers/fixtures.js';

test('strategy state round-trips as JSON and each save replaces the last', () => {
  const store = Store.open(':memory:');
  const run = store.createRun(runConfig());
  assert.equal(store.loadStrategyState(run.id), undefined);
  const state = { population: [{ trialId: 1, reward: 0.5 }, { trialId: 2, reward: null }], rng: { i: 3, j: 7, S: [1, 2, 3] }, asked: 12 };
  store.saveStrategyState(run.id, state);
  assert.deepEqual(store.loadStrategyState(run.id), state);
  store.saveStrategyState(run.id, { asked: 13 });
  assert.deepEqual(store.loadStrategyState(run.id), { asked: 13 });
  store.saveStrategyState(run.id, null);
  assert.equal(store.loadStrategyState(run.id), null);
  const other = store.createRun(runConfig());
  assert.equal(store.loadStrategyState(other.id), undefined);
  store.close();
});

test('worker progress is upserted per (run, worker) and cleared per worker or per run', () => {
  const store = Store.open(':memory:');
  const run = store.createRun(runConfig());
  const other = store.createRun(runConfig());
  const p = { runId: run.id, worker: 'w2', trialId: 5, epoch: 0, epochs: 2, batch: 10, batches: 40, loss: 2.1, imagesPerSec: 300 };
  store.setWorkerProgress(p);
  store.setWorkerProgress({ ...p, worker: 'w1', trialId: 6 });
  store.setWorkerProgress({ ...p, batch: 30, loss: 1.7 });
  store.setWorkerProgress({ ...p, runId: other.id });
  const rows = store.workerProgress(run.id);
  assert.deepEqual(rows.map((r) => [r.worker, r.trialId, r.batch, r.loss]), [['w1', 6, 10, 2.1], ['w2', 5, 30, 1.7]]);
  assert.match(rows[0].updatedAt, /Z$/);
  store.setWorkerProgress({ ...p, loss: Number.NaN });
  assert.ok(Number.isNaN(store.workerProgress(run.id)[1].loss));
  store.clearWorkerProgress(run.id, 'w1');
  assert.deepEqual(store.workerProgress(run.id).map((r) => r.worker), ['w2']);
  store.clearWorkerProgress(run.id);
  assert.deepEqual(store.workerProgress(run.id), []);
  assert.equal(store.workerProgress(other.id).length, 1);
  store.close();
});

test('replays: add, update, list per run, with finishedAt stamped when they end', () => {
  const store = Store.open(':memory:');
  const run = store.createRun(runConfig());
  const t = store.addTrial({ runId: run.id, genotype: genotype(3), key: 'g3', origin: 'random' });
  store.finishTrial(t.id, complete(t.id, 0.9));
  const r = store.addReplay({ runId: run.id, trialId: t.id, label: `trial ${t.id}`, genotype: genotype(3), config: { epochs: 20, filters: 32 }, checkpointDir: '/tmp/ck' });
  assert.equal(r.status, 'running');
  assert.deepEqual(r.config, { epochs: 20, filters: 32 });
  assert.deepEqual(r.genotype, genotype(3));
  assert.equal(r.finishedAt, null);
  const loose = store.addReplay({ label: 'cell.json', genotype: genotype(4), config: {} });
  assert.equal(loose.runId, null);
  assert.equal(loose.checkpointDir, null);

  store.updateReplay(r.id, { backend: 'onednn', params: 1e6 });
  assert.equal(store.getReplay(r.id)?.status, 'running');
  store.updateReplay(r.id, { status: 'complete', testAccuracy: 0.913, multAdds: 5e8, seconds: 812.5 });
  const done = store.getReplay(r.id)!;
  assert.deepEqual([done.status, done.testAccuracy, done.params, done.multAdds, done.seconds, done.backend], ['complete', 0.913, 1e6, 5e8, 812.5, 'onednn']);
  assert.match(done.finishedAt ?? '', /Z$/);
  store.updateReplay(loose.id, { status: 'interrupted', finishedAt: '2026-01-01T00:00:00.000Z' });
  assert.equal(store.getReplay(loose.id)?.finishedAt, '2026-01-01T00:00:00.000Z');

  // A resumed replay runs again: finishedAt clears until it ends anew.
  store.updateReplay(loose.id, { status: 'running' });
  assert.equal(store.getReplay(loose.id)?.finishedAt, null);
  assert.deepEqual(store.replays(run.id).map((x) => x.id), [r.id]);
  assert.deepEqual(store.replays().map((x) => x.id), [r.id, loose.id]);
  assert.throws(() => store.updateReplay(999, { status: 'failed' }), UserError);
  assert.throws(() => store.updateReplay(r.id, { id: 5 } as never), /cannot be changed/);
  assert.equal(store.getReplay(999), undefined);
  store.close();
});

test('curves belong to a replay or a trial, come back by epoch, and a re-run epoch replaces the old point', () => {
  const store = Store.open(':memory:');
  const run = store.createRun(runConfig());
  const t = store.addTrial({ runId: run.id, genotype: genotype(1), key: 'g1', origin: 'random' });
  const r = store.addReplay({ runId: run.id, trialId: t.id, label: 'x', genotype: genotype(1), config: {} });
  store.addCurvePoint({ replayId: r.id }, { epoch: 2, trainLoss: 0.9, trainAccuracy: 0.6, valLoss: 1.0, valAccuracy: 0.55, seconds: 20 });
  store.addCurvePoint({ replayId: r.id }, { epoch: 1, trainLoss: 1.5, trainAccuracy: 0.4, seconds: 10 });
  store.addCurvePoint({ trialId: t.id }, { epoch: 1, trainLoss: 2, trainAccuracy: 0.2, valLoss: null, valAccuracy: null, seconds: 3 });
  assert.deepEqual(store.curve({ replayId: r.id }), [
    { epoch: 1, trainLoss: 1.5, trainAccuracy: 0.4, valLoss: null, valAccuracy: null, seconds: 10 },
    { epoch: 2, trainLoss: 0.9, trainAccuracy: 0.6, valLoss: 1.0, valAccuracy: 0.55, seconds: 20 },
  ]);
  store.addCurvePoint({ replayId: r.id }, { epoch: 2, trainLoss: 0.8, trainAccuracy: 0.65, seconds: 21 });
  assert.deepEqual(store.curve({ replayId: r.id }).map((p) => [p.epoch, p.trainLoss]), [[1, 1.5], [2, 0.8]]);
  assert.deepEqual(store.curve({ trialId: t.id }).map((p) => p.trainLoss), [2]);
  assert.throws(() => store.curve({}), /exactly one/);
  assert.throws(() => store.addCurvePoint({ replayId: r.id, trialId: t.id }, { epoch: 1, trainLoss: 1, trainAccuracy: 1, seconds: 1 }), /exactly one/);
  store.close();
});
