/**
 * `nas bench strategies --warmup NAME:N / --zero-cost NAME` from a scores file: written here from
 * the NB201 table's own columns (the "estimator" is the 12-epoch validation accuracy, so its ranking
 * is known), a real file read by the real loader.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NB201_TABLE, simulateSearch } from '../../src/commands/bench-strategies.js';
import { loadZeroCostScores, warmStartFromScores, zeroCostTable } from '../../src/commands/bench-zero-cost.js';
import { loadTable } from '../../src/evaluators/table/table.js';
import { loadSpace } from '../../src/space/load.js';
import { createStrategy } from '../../src/strategies/index.js';

const space = loadSpace('nas-bench-201');
const table = loadTable(NB201_TABLE, { rewardColumn: 'cifar10_valid_acc_12ep', costColumn: 'cost_12ep_s', space });
const file = join(mkdtempSync(join(tmpdir(), 'nas-zc-')), 'scores.csv');
writeFileSync(file, ['arch,oracle,oracle_seconds', ...[...table.rows.values()].map((r) => `${r.arch},${r.values.cifar10_valid_acc_12ep},0.5`)].join('\n') + '\n');
const scores = loadZeroCostScores(file, space);

test('--zero-cost: the reward is the score and a query costs one scoring', async () => {
  const t = zeroCostTable(table, scores, 'oracle');
  const s = await createStrategy('random', { space, seed: 3, options: {} });
  const run = simulateSearch(s, t, 'cifar10_test_acc_12ep', Infinity, 40);
  assert.equal(run.trials, 40);
  assert.equal(run.seconds, 40 * 0.5);
  const g = (await createStrategy('random', { space, seed: 3, options: {} })).ask()!.genotype;
  assert.equal(t.require(g).reward, table.require(g).values.cifar10_valid_acc_12ep as number);
});

test('--warmup: the N scored cells go to the strategy best first, and their scorings are charged', async () => {
  const s = await createStrategy('random', { space, seed: 4, options: {} });
  const spent = warmStartFromScores(s, space, scores, 'oracle', 50, 4);
  assert.equal(spent, 50 * 0.5);
  const first = Array.from({ length: 50 }, () => table.require(s.ask()!.genotype).values.cifar10_valid_acc_12ep as number);
  assert.deepEqual(first, [...first].sort((a, b) => b - a), 'best first');
  const run = simulateSearch(await createStrategy('random', { space, seed: 4, options: {} }), table, 'cifar10_test_acc_12ep', 1000, Infinity, spent);
  assert.ok(run.trace[0].seconds > spent, 'the budget starts after the warm-up');
});
