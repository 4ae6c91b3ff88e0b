/**
 * The multi-objective NAS-Bench-201 benchmark: hypervolume fractions are in (0, 1], grow with the
 * budget, the whole table reaches exactly 1, and Pareto-aware evolution beats random search at the
 * same simulated budget (20 runs each: a real, if small, comparison that can fail).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NB201_TABLE } from '../../src/commands/bench-strategies.js';
import { paretoBench, simulateParetoSearch } from '../../src/commands/bench-pareto.js';
import { hypervolume } from '../../src/objectives/hypervolume.js';
import { loadTable } from '../../src/evaluators/table/table.js';
import { loadSpace } from '../../src/space/load.js';
import { createStrategy } from '../../src/strategies/index.js';

const space = loadSpace('nas-bench-201');
const table = loadTable(NB201_TABLE, { rewardColumn: 'cifar10_valid_acc_12ep', costColumn: 'cost_12ep_s', space });
const bench = paretoBench(table);

test('the table front is the whole hypervolume; a run reaches a growing fraction of it', async () => {
  const all = [...table.rows.values()].map((r) => [r.reward!, r.cost!]);
  assert.equal(hypervolume(all, ['max', 'min'], bench.reference) / bench.tableHypervolume, 1);
  const run = simulateParetoSearch(await createStrategy('random', { space, seed: 1, options: {} }), table, bench, 6000);
  assert.ok(run.hv > 0 && run.hv <= 1, `hv ${run.hv}`);
  assert.ok(run.trace.every((p, i) => i === 0 || p.hv >= run.trace[i - 1].hv), 'hypervolume never drops');
  assert.equal(run.trace.length, run.trials);
});

test('Pareto-aware evolution reaches more hypervolume than random search at 12,000 simulated s (20 seeds)', async () => {
  const mean = async (name: string) => {
    let sum = 0;
    for (let seed = 0; seed < 20; seed++) {
      const s = await createStrategy(name, { space, seed, options: name === 'evolution' ? { population: 10, sample: 3 } : {} });
      sum += simulateParetoSearch(s, table, bench, 12000).hv;
    }
    return sum / 20;
  };
  const evo = await mean('evolution');
  const rnd = await mean('random');
  assert.ok(evo > rnd, `evolution ${evo.toFixed(4)} vs random ${rnd.toFixed(4)}`);
});
