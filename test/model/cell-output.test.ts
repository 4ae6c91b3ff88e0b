/**
 * What a published cell needs of the builder: an explicit list of the states its output
 * concatenates (a genotype's `concat`), and PNAS's placement of the stride-2 cells (layout).
 * Genotypes without `concat` build exactly as before (the unread blocks).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSpace } from '../../src/space/load.js';
import { buildModel } from '../../src/model/build.js';
import { nasnetCellPlan } from '../../src/model/macro.js';
import { unusedBlocks } from '../../src/model/nasnet-cell.js';
import { UserError } from '../../src/core/errors.js';
import type { MacroSettings, NasnetBlock, NasnetGenotype } from '../../src/space/types.js';

const nasnet = loadSpace('nasnet');
const opts = { inputShape: [8, 8, 1] as [number, number, number], numClasses: 10, seed: 2 };
const F = 4;
const flat: NasnetBlock[] = Array.from({ length: 5 }, (_, j) => ({ inputs: [j % 2, 1], ops: ['conv_1x1', 'identity'] }) as NasnetBlock);
// Block 3 reads block 2: unread blocks are 0, 1, 3, 4 (states 2, 3, 5, 6).
const chained: NasnetBlock[] = flat.map((b, j) => (j === 3 ? { inputs: [4, 1], ops: ['conv_1x1', 'identity'] } : b)) as NasnetBlock[];

function cellOutputs(g: NasnetGenotype, macro: MacroSettings, layout?: 'nasnet' | 'pnas'): { shapes: number[][]; reductions: boolean[]; params: number } {
  const shapes: number[][] = [];
  const reductions: boolean[] = [];
  const b = buildModel(nasnet, g, macro, { ...opts, layout, onCell: (out, info) => (shapes.push(out.shape.slice(1) as number[]), reductions.push(info.reduction)) });
  const params = b.params;
  b.model.dispose();
  return { shapes, reductions, params };
}

const macro: MacroSettings = { stemChannels: 4, filters: F, cellsPerStage: 1, reductions: 1, filterMultiplier: 2 };

test('without concat a cell concatenates the blocks no block reads (unchanged)', () => {
  assert.deepEqual(unusedBlocks(chained), [2, 3, 5, 6]);
  const { shapes } = cellOutputs({ space: 'nasnet', normal: chained, reduce: flat }, macro);
  assert.deepEqual(shapes, [[8, 8, 4 * F], [4, 4, 5 * 2 * F], [4, 4, 4 * 2 * F]]);
});

test('a genotype\'s concat decides the cell output, inputs included (fitted, and halved in a reduction cell)', () => {
  const g = nasnet.validate({ space: 'nasnet', normal: chained, reduce: flat, concat: { normal: [0, 2, 3, 4, 5, 6], reduce: [1, 3] } }) as NasnetGenotype;
  const { shapes } = cellOutputs(g, macro);
  // Normal: h[i-2] and all five blocks (block 2 although block 3 reads it); reduction: h[i-1] halved + block 1.
  assert.deepEqual(shapes, [[8, 8, 6 * F], [4, 4, 2 * 2 * F], [4, 4, 6 * 2 * F]]);
  const plain = cellOutputs({ space: 'nasnet', normal: chained, reduce: flat }, macro);
  const same = cellOutputs(nasnet.validate({ space: 'nasnet', normal: chained, reduce: flat, concat: { normal: [2, 3, 5, 6], reduce: [2, 3, 4, 5, 6] } }) as NasnetGenotype, macro);
  assert.equal(same.params, plain.params, 'the default list written out builds the same network');
});

test('nasnetCellPlan: NASNet adds R reduction cells to (R + 1)·N normal ones; PNAS puts them at k·N among (R + 1)·N', () => {
  const s = (plan: boolean[]) => plan.map((r) => (r ? 'R' : 'N')).join('');
  assert.equal(s(nasnetCellPlan({ cellsPerStage: 3, reductions: 2 })), 'NNNRNNNRNNN');
  assert.equal(s(nasnetCellPlan({ cellsPerStage: 3, reductions: 2 }, 'pnas')), 'NNNRNNRNN');
  assert.equal(s(nasnetCellPlan({ cellsPerStage: 4, reductions: 2 }, 'pnas')), 'NNNNRNNNRNNN'); // pnasnet.py large: num_cells 12
  assert.equal(s(nasnetCellPlan({ cellsPerStage: 1, reductions: 2 }, 'pnas')), 'NRR');
  assert.equal(s(nasnetCellPlan({ cellsPerStage: 0, reductions: 2 })), 'RR');
  assert.equal(s(nasnetCellPlan({ cellsPerStage: 2, reductions: 0 }, 'pnas')), 'NN');
});

test('layout pnas builds that plan: the reduction cells halve the map and double the filters', () => {
  const g: NasnetGenotype = { space: 'nasnet', normal: flat, reduce: flat };
  const m: MacroSettings = { ...macro, cellsPerStage: 2, reductions: 2 };
  const pnas = cellOutputs(g, m, 'pnas');
  assert.deepEqual(pnas.reductions, [false, false, true, false, true, false]);
  assert.deepEqual(pnas.shapes.map((s) => s.slice(0, 2)), [[8, 8], [8, 8], [4, 4], [4, 4], [2, 2], [2, 2]]);
  assert.deepEqual(pnas.shapes.map((s) => s[2]), [5 * F, 5 * F, 5 * 2 * F, 5 * 2 * F, 5 * 4 * F, 5 * 4 * F]);
  const nas = cellOutputs(g, m);
  assert.equal(nas.shapes.length, 8);
  assert.ok(pnas.params < nas.params);
  assert.throws(() => buildModel(nasnet, g, { ...m, cellsPerStage: 0 }, { ...opts, layout: 'pnas' }), (e: Error) => e instanceof UserError && /layout 'pnas'/.test(e.message));
  assert.throws(() => buildModel(nasnet, g, m, { ...opts, layout: 'darts' as never }), /layout: expected one of nasnet, pnas/);
});
