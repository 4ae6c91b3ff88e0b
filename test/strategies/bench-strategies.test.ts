/**
 * `nas bench strategies`: each strategy beats random search on the real NAS-Bench-201 table under
 * the paper's protocol (fewer runs than the benchmark), and the command's output and bad input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/paths.js';
import { BENCH_DEFAULTS, NB201_TABLE, benchmarkStrategies, simulateSearch } from '../../src/commands/bench-strategies.js';
import { loadTable } from '../../src/evaluators/table/table.js';
import { loadSpace } from '../../src/space/load.js';
import { createStrategy } from '../../src/strategies/index.js';

const space = loadSpace('nas-bench-201');
const table = loadTable(NB201_TABLE, { rewardColumn: 'cifar10_valid_acc_12ep', costColumn: 'cost_12ep_s', space });
const cli = join(packageRoot, 'dist', 'src', 'cli.js');

test('simulateSearch stops once the simulated cost exceeds the budget, counting the query that crosses it', async () => {
  const s = await createStrategy('random', { space, seed: 1, options: {} });
  const run = simulateSearch(s, table, 'cifar10_test_acc_12ep', 1000);
  assert.ok(run.seconds >= 1000 && run.seconds - 1000 < 250, `spent ${run.seconds}`);
  assert.equal(run.trace.length, run.trials);
  assert.ok(run.trace.every((p, i) => i === 0 || p.reward >= run.trace[i - 1].reward), 'best-so-far never drops');
  assert.equal(run.bestReward, Math.max(...run.trace.map((p) => p.reward)));
});

test('every strategy beats random search on the 12-epoch NB201 table (12,000 s, 10 runs)', async () => {
  const rows = await benchmarkStrategies({
    space, table, reportColumn: 'cifar10_valid_acc_12ep', budgetSeconds: 12000, maxTrials: Infinity, runs: 10, seed: 500,
    strategies: ['random', 'evolution', 'reinforce', 'smbo'], options: { ...BENCH_DEFAULTS }, points: 4,
  });
  const random = rows.find((r) => r.strategy === 'random')!;
  for (const r of rows.filter((x) => x !== random)) {
    assert.ok(r.mean > random.mean, `${r.strategy} ${r.mean.toFixed(2)} vs random ${random.mean.toFixed(2)}`);
  }
});

function nas(...args: string[]) {
  return spawnSync(process.execPath, [cli, 'bench', 'strategies', ...args], { encoding: 'utf8' });
}

test('the command prints both tables; --json prints JSON instead, and --out writes it to a file', () => {
  const args = ['--runs', '3', '--strategies', 'random,evolution', '--budget-seconds', '3000'];
  const r = nas(...args);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^random +3 +\d+\.\d\d ± \d+\.\d\d/m);
  assert.match(r.stdout, /^evolution +3 +\d+\.\d\d ± \d+\.\d\d/m);
  assert.match(r.stdout, /^t \(s\) +300 +600 .* 3000$/m);
  const printed = nas(...args, '--json');
  assert.equal(printed.status, 0, printed.stderr);
  assert.equal(JSON.parse(printed.stdout).results.length, 2);
  const json = join(mkdtempSync(join(tmpdir(), 'nas-bench-')), 'out.json');
  const written = nas(...args, '--json', '--out', json);
  assert.equal(written.status, 0, written.stderr);
  assert.equal(written.stdout, `wrote ${json}\n`);
  const out = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(out.results.length, 2);
  assert.equal(out.results[0].finals.length, 3);
  assert.deepEqual(out.options.evolution, { population: 10, sample: 3 });
});

test('bad input: exit status 2 and one line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nas-bench-'));
  const csv = join(dir, 't.csv');
  writeFileSync(csv, 'arch,acc\n|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,10\n');
  const cases: [string[], RegExp][] = [
    [['--runs', '0'], /--runs must be an integer/],
    [['--strategies', 'random,annealing'], /unknown strategy "annealing"/],
    [['--frobnicate'], /frobnicate/],
    [['--table', csv, '--reward-column', 'acc', '--budget-seconds', '100'], /--budget-seconds needs a cost column/],
    [['--table', csv, '--reward-column', 'val', '--trials', '5'], /no column "val"; its columns are: arch, acc/],
    [['--table', csv, '--reward-column', 'acc', '--trials', '5', '--runs', '1', '--strategies', 'random'], /has no row for cell/],
    [['--strategy-option', 'smbo.beam=3', '--strategies', 'random'], /strategy "smbo" is not in --strategies/],
  ];
  for (const [args, re] of cases) {
    const r = nas(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: status ${r.status}\n${r.stderr}`);
    const lines = r.stderr.split('\n').filter((l) => l.trim() && !/TensorFlow|tfjs-node|^=+$/.test(l));
    assert.equal(lines.length, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(lines[0], re);
  }
});
