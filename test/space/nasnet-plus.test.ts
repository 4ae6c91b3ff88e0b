/**
 * search-spaces/nasnet-plus.json: the 13 NASNet ops and the new ones, searchable like any space;
 * an op's width needs (a cardinality must divide the channels) are checked with the file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { loadSpace, SpaceError } from '../../src/space/load.js';
import { opWidthProblem } from '../../src/space/file.js';
import { spacesDir } from '../../src/core/paths.js';
import { NASNET_OPS, isKnownOp } from '../../src/model/ops/names.js';
import { Store } from '../../src/store/store.js';
import { nas, TINY } from '../e2e/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nas-plus-'));
const plusJson = JSON.parse(readFileSync(join(spacesDir, 'nasnet-plus.json'), 'utf8'));
const NEW = ['conv_5x5', 'group_conv_3x3_c2', 'group_conv_3x3_c4', 'se_conv_3x3_r4', 'conv_1x7_7x1_b4'];

test('nasnet-plus has the 13 NASNet ops and the new ones; nasnet keeps the paper\'s 13', () => {
  const plus = loadSpace('nasnet-plus');
  assert.deepEqual(plus.ops.slice(0, 13), [...NASNET_OPS]);
  assert.deepEqual(plus.ops.slice(13), NEW);
  assert.ok(plus.ops.every(isKnownOp));
  assert.deepEqual([...loadSpace('nasnet').ops], [...NASNET_OPS]);
  // Sampled cells draw the new ops.
  const rng = seedrandom('plus');
  const drawn = new Set<string>();
  for (let i = 0; i < 40; i++) for (const cell of Object.values(plus.sample(rng)).filter(Array.isArray)) for (const b of cell) b.ops.forEach((o: string) => drawn.add(o));
  for (const op of NEW) assert.ok(drawn.has(op), op);
});

test('a cardinality that does not divide a cell width is refused with the file and the JSON path', () => {
  const f = join(dir, 'c3.json');
  writeFileSync(f, JSON.stringify({ ...plusJson, ops: ['identity', 'group_conv_3x3_c3'] }));
  assert.throws(() => loadSpace(f), (e: Error) => e instanceof SpaceError && e.message.endsWith('c3.json: $.ops[1]: group_conv_3x3_c3: cardinality 3 does not divide 8 channels of stage 0 (macro.filters 8)'));
  // Filters 4, multiplier 1.5: stages of 4, 6 and 9 channels.
  const g = join(dir, 'stage2.json');
  writeFileSync(g, JSON.stringify({ ...plusJson, ops: ['identity', 'group_conv_3x3_c2'], macro: { ...plusJson.macro, filters: 4, filterMultiplier: 1.5 } }));
  assert.throws(() => loadSpace(g), /\$\.ops\[1\]: group_conv_3x3_c2: cardinality 2 does not divide 9 channels of stage 2 \(macro\.filters 4 x filterMultiplier 1\.5\^2\)/);
  // Only stages with cells count: without normal cells, stage 0 has none.
  assert.equal(opWidthProblem(['group_conv_3x3_c4'], { filters: 6, filterMultiplier: 2, reductions: 1, cellsPerStage: 0 }), undefined);
  assert.match(opWidthProblem(['group_conv_3x3_c4'], { filters: 6, filterMultiplier: 2, reductions: 1, cellsPerStage: 1 })!.reason, /does not divide 6 channels of stage 0/);
  assert.equal(opWidthProblem(['se_conv_3x3_r4', 'conv_5x5'], { filters: 5, filterMultiplier: 2, reductions: 2, cellsPerStage: 1 }), undefined);
});

test('nas search on that file: one line naming the file and the path, exit 2, nothing written', () => {
  const f = join(dir, 'bad-cardinality.json');
  writeFileSync(f, JSON.stringify({ ...plusJson, ops: [...plusJson.ops, 'group_conv_3x3_c3'] }));
  const db = join(dir, 'never.db');
  const r = nas(['search', '--space', f, '--budget', '3', '--db', db, ...TINY]);
  assert.equal(r.status, 2, r.stderr + r.stdout);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^nas: .*bad-cardinality\.json: \$\.ops\[18\]: group_conv_3x3_c3: cardinality 3 does not divide 8 channels of stage 0/);
  assert.throws(() => readFileSync(db), /ENOENT/);
});

test('nas search --space nasnet-plus --budget 3 trains three children, new ops among them', () => {
  const db = join(dir, 'plus.db');
  const r = nas(['search', '--space', 'nasnet-plus', '--strategy', 'random', '--budget', '3', '--workers', '1', '--db', db, ...TINY], { timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /random on nasnet-plus, budget 3/);
  const store = Store.open(db, { readonly: true });
  const trials = store.trials(1);
  store.close();
  assert.equal(trials.length, 3);
  assert.ok(trials.every((t) => t.status === 'complete' && (t.params ?? 0) > 0 && (t.multAdds ?? 0) > 0), JSON.stringify(trials.map((t) => [t.status, t.error])));
  // TINY has no normal cell (--cells 0): the reduction cells hold the ops.
  const used = new Set(trials.flatMap((t) => (t.genotype as { reduce: { ops: string[] }[] }).reduce.flatMap((b) => b.ops)));
  assert.ok(NEW.some((op) => used.has(op)), [...used].join(' '));
});
