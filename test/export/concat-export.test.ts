/** A published cell's concatenation (NasnetGenotype.concat) survives export: JSON round trip, DOT and SVG edges into the concat. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSpace } from '../../src/space/load.js';
import { loadBaseline } from '../../src/baselines/index.js';
import { genotypeFromJson, genotypeToJson } from '../../src/export/genotype-json.js';
import { genotypeToDot } from '../../src/export/dot.js';
import type { NasnetGenotype } from '../../src/space/types.js';

test('nasnet-a published: the concat list round-trips through JSON and draws h[i-2] and block 1 into the concat', () => {
  const space = loadSpace('nasnet');
  const published = loadBaseline('nasnet-a', space, { published: true }).genotype as NasnetGenotype;
  assert.deepEqual(published.concat, { normal: [0, 2, 3, 4, 5, 6], reduce: [3, 4, 5, 6] });
  const back = space.validate(genotypeFromJson(JSON.parse(genotypeToJson(published))) as NasnetGenotype) as NasnetGenotype;
  assert.deepEqual(back.concat, published.concat);
  const edgesInto = (dot: string, cell: string) => [...dot.matchAll(new RegExp(`"${cell}_(\\w+)" -> "${cell}_out"`, 'g'))].map((m) => m[1]).sort();
  const dot = genotypeToDot(published, 'nasnet-a');
  assert.deepEqual(edgesInto(dot, 'normal'), ['b0', 'b1', 'b2', 'b3', 'b4', 'in0']);
  assert.deepEqual(edgesInto(dot, 'reduce'), ['b1', 'b2', 'b3', 'b4']);
  // As a cell of the space it concatenates only the blocks no block reads.
  const plain = loadBaseline('nasnet-a', space).genotype as NasnetGenotype;
  assert.equal(plain.concat, undefined);
  assert.deepEqual(edgesInto(genotypeToDot(plain, 'nasnet-a'), 'reduce'), ['b2', 'b3', 'b4']);
});
