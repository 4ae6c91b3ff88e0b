/** Lineage, ranking and de-duplication queries in an in-memory store. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../src/store/store.js';
import { complete, genotype, runConfig } from './helpers/fixtures.js';

test('ancestry follows parentId back to the root, keeping mutations', () => {
  const store = Store.open(':memory:');
  const run = store.createRun(runConfig());
  const root = store.addTrial({ runId: run.id, genotype: genotype(0), key: 'g0', origin: 'random' });
  let parent = root;
  const chain = [root];
  for (let i = 1; i <= 4; i++) {
    const child = store.addTrial({
      runId: run.id,
      genotype: genotype(i),
      key: `g${i}`,
      origin: 'mutation',
      parentId: parent.id,
      mutation: { kind: i % 2 ? 'op' : 'input', detail: `step ${i}` },
    });
    chain.push(child);
    parent = child;
  }
  // A sibling branch must not appear in the chain.
  store.addTrial({ runId: run.id, genotype: genotype(9), key: 'g9', origin: 'mutation', parentId: chain[1].id, mutation: { kind: 'op', detail: 'side' } });
  const got = store.ancestry(chain[4].id);
  assert.deepEqual(got.map((t) => t.id), [...chain].reverse().map((t) => t.id));
  assert.deepEqual(got[0].mutation, { kind: 'input', detail: 'step 4' });
  assert.equal(got[0].parentId, chain[3].id);
  assert.equal(got[got.length - 1].parentId, null);
  assert.equal(got[got.length - 1].mutation, null);
  assert.deepEqual(store.ancestry(root.id).map((t) => t.id), [root.id]);
  store.close();
});

test('a parent must exist (foreign key)', () => {
  const store = Store.open(':memory:');
  const run = store.createRun(runConfig());
  assert.throws(() => store.addTrial({ runId: run.id, genotype: genotype(1), key: 'g1', origin: 'mutation', parentId: 12345 }), /FOREIGN KEY/);
  store.close();
});

test('topTrials orders complete trials by reward (ties by id) and leaves baselines out unless asked', () => {
  const store = Store.open(':memory:');
  const run = store.createRun(runConfig());
  const other = store.createRun(runConfig());
  const rewards = [0.3, 0.8, 0.5, 0.8, 0.1];
  const ids = rewards.map((r, i) => {
    const t = store.addTrial({ runId: run.id, genotype: genotype(i), key: `g${i}`, origin: 'random' });
    store.finishTrial(t.id, complete(t.id, r));
    return t.id;
  });
  const failed = store.addTrial({ runId: run.id, genotype: genotype(20), key: 'g20', origin: 'random' });
  store.finishTrial(failed.id, { trialId: failed.id, status: 'failed', reward: null, error: 'oom' });
  store.addTrial({ runId: run.id, genotype: genotype(21), key: 'g21', origin: 'random' }); // still running
  const base = store.addTrial({ runId: run.id, genotype: genotype(22), key: 'g22', origin: 'baseline', baseline: 'resnet' });
  store.finishTrial(base.id, complete(base.id, 0.95));
  const o = store.addTrial({ runId: other.id, genotype: genotype(23), key: 'g23', origin: 'random' });
  store.finishTrial(o.id, complete(o.id, 0.99));

  assert.deepEqual(store.topTrials(run.id, 3).map((t) => t.id), [ids[1], ids[3], ids[2]]);
  assert.deepEqual(store.topTrials(run.id, 100).map((t) => t.reward), [0.8, 0.8, 0.5, 0.3, 0.1]);
  assert.deepEqual(store.topTrials(run.id, 2, { baselines: true }).map((t) => t.id), [base.id, ids[1]]);
  assert.equal(store.topTrials(run.id, 2, { baselines: true })[0].baseline, 'resnet');
  assert.deepEqual(store.topTrials(run.id, 0), []);
  assert.equal(store.bestTrial(run.id)?.id, ids[1]);
  assert.equal(store.bestTrial(other.id)?.id, o.id);
  const empty = store.createRun(runConfig());
  assert.equal(store.bestTrial(empty.id), undefined);
  store.close();
});

test('findTrialByKey returns the run\'s first trial with that key', () => {
  const store = Store.open(':memory:');
  const run = store.createRun(runConfig());
  const other = store.createRun(runConfig());
  const first = store.addTrial({ runId: run.id, genotype: genotype(1), key: 'dup', origin: 'random' });
  store.addTrial({ runId: run.id, genotype: genotype(1), key: 'dup', origin: 'random' });
  store.addTrial({ runId: other.id, genotype: genotype(1), key: 'only-other', origin: 'random' });
  assert.equal(store.findTrialByKey(run.id, 'dup')?.id, first.id);
  assert.equal(store.findTrialByKey(run.id, 'only-other'), undefined);
  assert.equal(store.findTrialByKey(other.id, 'only-other')?.runId, other.id);
  store.close();
});

test('the key lookup uses the (run_id, key) index, and status filters use (run_id, status)', () => {
  const store = Store.open(':memory:');
  // Reach the raw connection only to ask SQLite for its plan.
  const db = (store as unknown as { db: { prepare(s: string): { all(...a: unknown[]): Array<{ detail: string }> } } }).db;
  const plan = (sql: string) => db.prepare('EXPLAIN QUERY PLAN ' + sql).all().map((r) => r.detail).join(' | ');
  assert.match(plan(`SELECT * FROM trials WHERE run_id = 1 AND key = 'x' ORDER BY id LIMIT 1`), /trials_run_key/);
  assert.match(plan(`SELECT COUNT(*) FROM trials WHERE run_id = 1 AND status = 'complete'`), /trials_run_status/);
  store.close();
});
