/**
 * The dashboard of a multi-objective run: its table is the Pareto front (non-dominated, cheapest
 * first) with the cost objective beside the reward, and the budget line gives its size and
 * hypervolume — live and attached alike. A real search over the NAS-Bench-201 table.
 */
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
import { budgetLine, topTableLines } from '../../src/ui/panels.js';
import { dominates } from '../../src/objectives/pareto.js';

const space = loadSpace('nas-bench-201');
const file = join(packageRoot, 'data/nas-bench-201/nb201-12epoch.csv');

test('a multi-objective run\'s dashboard shows its front, cheapest first, and its hypervolume', async () => {
  const store = Store.open(':memory:');
  const config: RunConfig = {
    strategy: 'evolution', strategyOptions: { population: 10, sample: 3 }, space: 'nas-bench-201', spaceFile: space.file, dataset: 'table', seed: 2, budget: 60, workers: 1,
    backend: 'cpu', macro: space.macro, proxy: { trainSize: 0, valSize: 1, epochs: 1, batchSize: 1, learningRate: 0.1, imageSize: 0 },
    evaluator: { kind: 'table', table: file, rewardColumn: 'cifar10_valid_acc_12ep', costColumn: 'cost_12ep_s' },
    objectives: { names: ['accuracy', 'cost'], constraints: {} },
  };
  const run = store.createRun(config);
  const live = new DashboardModel(store, run, { live: true });
  const table = loadTable(file, { rewardColumn: 'cifar10_valid_acc_12ep', costColumn: 'cost_12ep_s', space });
  await runSearch({
    store, runId: run.id, space, strategy: await createStrategy('evolution', { space, seed: 2, options: config.strategyOptions }), evaluator: createTableEvaluator([table], { capacity: 1 }), config,
    onEvent: (e) => live.apply(e),
  });
  for (const model of [live, new DashboardModel(store, store.requireRun(run.id), { live: false })]) {
    const s = model.snapshot();
    assert.ok(s.front && s.front.size === s.top.length && s.front.of === 60, JSON.stringify(s.front));
    const point = (t: (typeof s.top)[number]) => [t.reward!, t.metrics!.seconds];
    const all = store.trials(run.id).filter((t) => t.status === 'complete');
    for (const m of s.top) for (const t of all) assert.ok(!dominates(point(t), point(m), ['max', 'min']), `trial ${t.id} dominates front member ${m.id}`);
    for (let i = 1; i < s.top.length; i++) assert.ok(point(s.top[i])[1] >= point(s.top[i - 1])[1], 'cheapest first');
    assert.match(budgetLine(s, 140), new RegExp(`front ${s.front!.size} HV \\d`));
    const t = topTableLines(s.top, 44, 11, 'cost');
    assert.match(t.header, /reward +cost/);
    assert.equal(t.lines.length, Math.min(10, s.top.length));
  }
});
