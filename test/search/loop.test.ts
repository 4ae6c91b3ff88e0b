/**
 * The search loop on real parts: a real SQLite store (in memory), the real NAS-Bench-201 space,
 * real strategies and the tabular evaluator over the vendored NAS-Bench-201 table (no training,
 * so a whole search takes milliseconds).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/paths.js';
import { loadSpace } from '../../src/space/load.js';
import { createStrategy } from '../../src/strategies/index.js';
import { Store } from '../../src/store/store.js';
import type { RunConfig } from '../../src/store/types.js';
import { runSearch, type SearchControl } from '../../src/search/loop.js';
import { loadTable, createTableEvaluator, type Table } from '../../src/evaluators/table/table.js';
import type { SearchSpace } from '../../src/space/types.js';

const space: SearchSpace = loadSpace('nas-bench-201');
let tableCache: Table | undefined;
const table = () => (tableCache ??= loadTable(join(packageRoot, 'data/nas-bench-201/nb201-12epoch.csv'), {
  rewardColumn: 'cifar10_valid_acc_12ep', costColumn: 'cost_12ep_s', space,
}));

function config(strategy: string, budget: number, seed = 7): RunConfig {
  return {
    strategy, strategyOptions: { population: 10, sample: 3 }, space: 'nas-bench-201', spaceFile: space.file, dataset: 'table',
    seed, budget, workers: 1, backend: 'cpu', macro: space.macro,
    proxy: { trainSize: 0, valSize: 1, epochs: 1, batchSize: 1, learningRate: 0.1, imageSize: 0 },
    evaluator: { kind: 'table' },
  };
}

async function search(store: Store, cfg: RunConfig, runId?: number, stopAfter?: number) {
  const id = runId ?? store.createRun(cfg).id;
  const strategy = await createStrategy(cfg.strategy, { space, seed: cfg.seed, options: cfg.strategyOptions });
  const state = store.loadStrategyState(id);
  if (state !== undefined) strategy.restore(JSON.parse(JSON.stringify(state)));
  let control: SearchControl | undefined;
  const outcome = await runSearch({
    store, runId: id, space, strategy, evaluator: createTableEvaluator(table()), config: cfg,
    control: (c) => (control = c),
    onEvent: (e) => { if (e.type === 'trial-end' && stopAfter !== undefined && e.done >= stopAfter) control?.stop(); },
  });
  return { id, outcome };
}

test('a regularized-evolution search fills its budget with distinct cells and records lineage', async () => {
  const store = Store.open(':memory:');
  const { id, outcome } = await search(store, config('evolution', 40));
  assert.equal(outcome, 'complete');
  const trials = store.trials(id);
  assert.equal(trials.length, 40);
  assert.ok(trials.every((t) => t.status === 'complete' && t.reward !== null && t.reward > 0 && t.reward < 1));
  assert.equal(new Set(trials.map((t) => t.key)).size, 40, 'no duplicate proposals');
  // The first P are random; the rest are mutations of earlier trials.
  const mutants = trials.filter((t) => t.origin === 'mutation');
  assert.equal(mutants.length, 30);
  for (const t of mutants) {
    assert.ok(t.parentId !== null && t.parentId < t.id, 'a parent is an earlier trial');
    assert.equal(t.mutation?.kind, 'op');
  }
  const best = store.bestTrial(id)!;
  assert.ok(store.ancestry(best.id).length >= 1);
  assert.equal(store.getRun(id)!.status, 'complete');
  // Simulated seconds are recorded per trial.
  assert.ok(trials.every((t) => (t.seconds ?? 0) > 10));
  store.close();
});

test('the same seed and rewards give the same search; another seed another', async () => {
  const keys = async (seed: number) => {
    const store = Store.open(':memory:');
    const { id } = await search(store, config('evolution', 25, seed));
    const k = store.trials(id).map((t) => t.key);
    store.close();
    return k;
  };
  const a = await keys(3);
  assert.deepEqual(await keys(3), a);
  assert.notDeepEqual(await keys(4), a);
});

test('a search stopped halfway and resumed makes exactly the proposals of an uninterrupted one', async () => {
  for (const strategy of ['random', 'evolution']) {
    const whole = Store.open(':memory:');
    const w = await search(whole, config(strategy, 30));
    const expected = whole.trials(w.id).map((t) => t.key);

    const store = Store.open(':memory:');
    const first = await search(store, config(strategy, 30), undefined, 12);
    assert.equal(first.outcome, 'interrupted');
    assert.equal(store.getRun(first.id)!.status, 'interrupted');
    assert.equal(store.countTrials(first.id, 'complete'), 12);
    const second = await search(store, config(strategy, 30), first.id);
    assert.equal(second.outcome, 'complete');
    assert.deepEqual(store.trials(first.id).map((t) => t.key), expected, strategy);
    whole.close();
    store.close();
  }
});

test('--budget-seconds ends the search when the simulated cost is spent', async () => {
  const store = Store.open(':memory:');
  const cfg = { ...config('random', 10_000), budgetSeconds: 3000 };
  const { id } = await search(store, cfg);
  const spent = store.trials(id).reduce((s, t) => s + (t.seconds ?? 0), 0);
  assert.ok(spent >= 3000, `spent ${spent}`);
  const lastCost = store.trials(id).at(-1)!.seconds!;
  assert.ok(spent - lastCost < 3000, 'stops right after the budget is crossed');
  store.close();
});

test('a table that lacks a sampled cell stops the search with a UserError and leaves it resumable', async () => {
  const store = Store.open(':memory:');
  const cfg = config('random', 50);
  const partial = loadTable(join(packageRoot, 'data/nas-bench-201/nb201-12epoch.csv'), { rewardColumn: 'cifar10_valid_acc_12ep', costColumn: 'cost_12ep_s', space });
  const keep = new Set([...partial.rows.keys()].slice(0, 2000));
  for (const k of [...partial.rows.keys()]) if (!keep.has(k)) (partial.rows as Map<string, unknown>).delete(k);
  const id = store.createRun(cfg).id;
  const strategy = await createStrategy('random', { space, seed: 1, options: {} });
  await assert.rejects(
    runSearch({ store, runId: id, space, strategy, evaluator: createTableEvaluator(partial), config: cfg }),
    (err: Error) => err.name === 'UserError' && /has no row for cell/.test(err.message),
  );
  assert.equal(store.getRun(id)!.status, 'interrupted');
  assert.equal(store.countTrials(id, 'running'), 0);
  assert.ok(store.countTrials(id, 'interrupted') >= 1, 'the child it could not answer stays to be re-run');
  store.close();
});
