/** The tabular evaluator: real lookups in the vendored NAS-Bench-201 table, and every bad input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../src/core/errors.js';
import type { TrainTask } from '../../src/evaluators/types.js';
import { createTableEvaluator, loadTable } from '../../src/evaluators/table/table.js';
import { NB201_TABLE } from '../../src/commands/bench-strategies.js';
import { loadSpace } from '../../src/space/load.js';
import { createRng } from '../../src/core/rng.js';

const space = loadSpace('nas-bench-201');
const dir = mkdtempSync(join(tmpdir(), 'nas-table-'));
const csv = (name: string, text: string) => { const f = join(dir, name); writeFileSync(f, text); return f; };
const BEST = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|';

const task = (arch: string, trialId = 1): TrainTask => ({
  runId: 1, trialId, genotype: { space: 'nas-bench-201', arch }, spaceFile: space.file, macro: space.macro,
  proxy: { trainSize: 0, valSize: 0, epochs: 0, batchSize: 1, learningRate: 0, imageSize: 0 }, dataset: 'table', seed: 0, backend: 'cpu',
});

/** A one-line UserError matching re. */
function userError(re: RegExp) {
  return (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes('\n');
}

test('the vendored table: 15,625 cells, percentages scaled to [0, 1], cost as seconds, other columns in extra', async () => {
  const table = loadTable(NB201_TABLE, { rewardColumn: 'cifar10_valid_acc_12ep', costColumn: 'cost_12ep_s', space });
  assert.equal(table.rows.size, 15625);
  assert.equal(table.rewardScale, 100);
  const ev = createTableEvaluator(table, { budgetSeconds: 12000 });
  const r = await ev.evaluate(task('|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|', 5));
  // Row 0 of the file: 63.364 valid, 69.55 test, cost 89.2021 s.
  assert.equal(r.trialId, 5);
  assert.equal(r.status, 'complete');
  assert.ok(Math.abs(r.reward! - 0.63364) < 1e-9);
  assert.equal(r.metrics!.seconds, 89.2021);
  assert.equal(r.metrics!.extra!.cifar10_test_acc_12ep, 69.55);
  assert.equal(r.metrics!.extra!.index, 0);
  const best = await ev.evaluate(task(BEST));
  assert.ok(best.reward! > 0.8 && best.reward! <= 1);
  await ev.close();
});

test('a reward column already in [0, 1] is used as is', async () => {
  const f = csv('unit.csv', `arch,acc,cost\n${BEST},0.9,10\n`);
  const t = loadTable(f, { rewardColumn: 'acc', costColumn: 'cost', space });
  assert.equal(t.rewardScale, 1);
  assert.equal((await createTableEvaluator(t).evaluate(task(BEST))).reward, 0.9);
});

test('an empty reward cell is a failed trial with reward null', async () => {
  const f = csv('empty.csv', `arch,acc\n${BEST},\n|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,10\n`);
  const r = await createTableEvaluator(loadTable(f, { rewardColumn: 'acc', space })).evaluate(task(BEST));
  assert.equal(r.status, 'failed');
  assert.equal(r.reward, null);
});

test('bad input: one clear line each', async () => {
  const good = csv('good.csv', `arch,acc,cost\n${BEST},91.5,100\n`);
  assert.throws(() => loadTable(good, { rewardColumn: 'val_acc', space }), userError(/no column "val_acc".*its columns are: arch, acc, cost/));
  assert.throws(() => loadTable(good, { rewardColumn: 'acc', costColumn: 'secs', space }), userError(/no column "secs"/));
  assert.throws(() => loadTable(good, { archColumn: 'genotype', rewardColumn: 'acc', space }), userError(/no column "genotype"/));
  const bad = csv('bad.csv', `arch,acc\n${BEST},90\n|conv~0|+|x|,80\n`);
  assert.throws(() => loadTable(bad, { rewardColumn: 'acc', space }), userError(/bad\.csv line 3: arch "\|conv~0\|\+\|x\|" does not parse/));
  const range = csv('range.csv', `arch,acc\n${BEST},140\n`);
  assert.throws(() => loadTable(range, { rewardColumn: 'acc', space }), userError(/values in \[140, 140\]/));
  const ragged = csv('ragged.csv', `arch,acc\n${BEST},90,3\n`);
  assert.throws(() => loadTable(ragged, { rewardColumn: 'acc', space }), userError(/line 2: 3 fields, the header has 2/));
  assert.throws(() => loadTable(join(dir, 'missing.csv'), { rewardColumn: 'acc', space }), userError(/cannot read \(ENOENT\)/));
  const t = loadTable(good, { rewardColumn: 'acc', space });
  assert.throws(() => createTableEvaluator(t, { budgetSeconds: 100 }), userError(/--budget-seconds needs a cost column/));
  await assert.rejects(createTableEvaluator(t).evaluate(task('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|')), userError(/has no row for cell \|none~0\|.*holds 1 cells/));
});

test('other spaces: rows keyed by the space key or by the genotype as JSON', async () => {
  const nas = loadSpace('nasnet');
  const rng = createRng('nasnet-table');
  const a = nas.sample(rng);
  const b = nas.sample(rng);
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const f = csv('nasnet.csv', `arch,acc,secs\n${quote(nas.key(a))},0.71,30\n${quote(JSON.stringify(b))},0.65,40\n`);
  const t = loadTable(f, { rewardColumn: 'acc', costColumn: 'secs', space: nas });
  const ev = createTableEvaluator(t);
  const base = task('x');
  assert.equal((await ev.evaluate({ ...base, genotype: a })).reward, 0.71);
  const rb = await ev.evaluate({ ...base, genotype: b });
  assert.equal(rb.reward, 0.65);
  assert.equal(rb.metrics!.seconds, 40);
  const bad = csv('nasnet-bad.csv', `arch,acc\n${quote('{"space":"nasnet","normal":[]}')},0.5\n`);
  assert.throws(() => loadTable(bad, { rewardColumn: 'acc', space: nas }), userError(/nasnet-bad\.csv line 2: arch .* does not parse for space nasnet/));
});
