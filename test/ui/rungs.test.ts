/** The dashboard of a multi-fidelity run: rung counts and promotions in flight, live (events) and attached (store). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/paths.js';
import { loadSpace } from '../../src/space/load.js';
import { createStrategy } from '../../src/strategies/index.js';
import { Store } from '../../src/store/store.js';
import type { RunConfig } from '../../src/store/types.js';
import { runSearch } from '../../src/search/loop.js';
import { createTableEvaluator, loadTable } from '../../src/evaluators/table/table.js';
import { DashboardModel } from '../../src/ui/model.js';
import { budgetLine, workerLines } from '../../src/ui/panels.js';
import type { SearchEvent } from '../../src/search/events.js';

const space = loadSpace('nas-bench-201');
const file = join(packageRoot, 'data/nas-bench-201/nb201-12epoch.csv');
// The vendored table's two accuracy columns stand in for two rungs here (validation, then test).
const tables = ['cifar10_valid_acc_12ep', 'cifar10_test_acc_12ep'].map((c) => loadTable(file, { rewardColumn: c, costColumn: 'cost_12ep_s', space }));

test('live and attached dashboards count every rung and mark the promotions in flight', async () => {
  const store = Store.open(':memory:');
  const config: RunConfig = {
    strategy: 'random', strategyOptions: {}, space: 'nas-bench-201', spaceFile: space.file, dataset: 'table', seed: 5, budget: 30, workers: 2,
    backend: 'cpu', macro: space.macro, proxy: { trainSize: 0, valSize: 1, epochs: 1, batchSize: 1, learningRate: 0.1, imageSize: 0 },
    evaluator: { kind: 'table', table: file, rewardColumn: 'cifar10_valid_acc_12ep,cifar10_test_acc_12ep' }, ladder: { kind: 'sha', eta: 3, rungs: 2 },
  };
  const run = store.createRun(config);
  const live = new DashboardModel(store, run, { live: true });
  const events: SearchEvent[] = [];
  let sawPromotion = false;
  await runSearch({
    store, runId: run.id, space, strategy: await createStrategy('random', { space, seed: 5, options: {} }), evaluator: createTableEvaluator(tables, { capacity: 2 }), config,
    onEvent: (e) => {
      events.push(e);
      live.apply(e);
      if (e.type === 'trial-start' && e.rung === 1) {
        const lines = workerLines(live.snapshot(), 80, 4);
        sawPromotion ||= lines.some((l) => l.includes(`#${e.trialId}`) && l.includes('↑1'));
      }
    },
  });
  assert.ok(sawPromotion, 'a promotion in flight is marked ↑1');
  const rows = store.rungs(run.id);
  const want = [0, 1].map((r) => rows.filter((x) => x.rung === r && x.status === 'complete').length);
  assert.equal(want[0], 30);
  assert.ok(want[1] >= 10);
  const s = live.snapshot();
  assert.deepEqual(s.rungs, want);
  assert.equal(s.done, 30, 'promotions do not count as children');
  assert.equal(s.rewards.length, 30, 'the reward chart holds each child once');
  assert.match(budgetLine(s, 120), new RegExp(`rungs ${want[0]}·${want[1]}`));
  const attached = new DashboardModel(store, store.requireRun(run.id), { live: false });
  assert.deepEqual(attached.snapshot().rungs, want);
  assert.equal(attached.snapshot().done, 30);
});
