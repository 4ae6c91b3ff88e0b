/**
 * Cell diagrams people can read: on hundreds of random cells of both spaces, no label's box
 * overlaps a node's box or another label's box in the Graphviz layout; the same check finds
 * collisions in the hand-made layout nas used before, so it is a check that can fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSpace } from '../../src/space/load.js';
import { createRng } from '../../src/core/rng.js';
import type { Genotype } from '../../src/space/types.js';
import { genotypeGraphs } from '../../src/export/cell-graph.js';
import { layoutBoxes, layoutCell } from '../../src/export/cell-layout.js';
import { findOverlaps, overlaps } from '../../src/export/boxes.js';
import { handLayoutBoxes } from './hand-layout.js';

function randomGenotypes(space: string, n: number, seed: string): Genotype[] {
  const s = loadSpace(space);
  const rng = createRng(seed);
  return Array.from({ length: n }, () => s.sample(rng));
}

const NASNET = randomGenotypes('nasnet', 200, 'layout-nasnet');
const NB201 = randomGenotypes('nas-bench-201', 150, 'layout-nb201');

test('the box check: overlap is shared area, touching is not', () => {
  assert.ok(overlaps({ x: 0, y: 0, w: 10, h: 10 }, { x: 5, y: 5, w: 10, h: 10 }));
  assert.ok(!overlaps({ x: 0, y: 0, w: 10, h: 10 }, { x: 10, y: 0, w: 10, h: 10 }));
  assert.deepEqual(findOverlaps([{ what: 'n', box: { x: 0, y: 0, w: 10, h: 10 } }], [{ what: 'a', box: { x: 8, y: 8, w: 4, h: 4 } }, { what: 'b', box: { x: 20, y: 0, w: 4, h: 4 } }]), ['label a overlaps node n']);
});

test('the hand-made layout has colliding labels (the check can fail)', () => {
  let bad = 0;
  let opLabels = 0;
  const examples: string[] = [];
  for (const g of NASNET) {
    for (const cell of genotypeGraphs(g)) {
      const o = handLayoutBoxes(cell);
      const found = findOverlaps(o.nodes, o.labels);
      if (found.length > 0) {
        bad++;
        if (examples.length < 3) examples.push(found[0]);
      }
      // Without the block names under the + circles: op labels on nodes or on each other alone.
      if (findOverlaps(o.nodes, o.labels.filter((l) => !l.what.startsWith('name of'))).length > 0) opLabels++;
    }
  }
  console.log(`# hand-made layout: ${bad} of ${2 * NASNET.length} NASNet cells have overlapping labels (${opLabels} counting op labels only), e.g. ${examples.join('; ')}`);
  assert.ok(bad > NASNET.length / 4, `only ${bad} cells collide`);
  assert.ok(opLabels > NASNET.length / 4, `only ${opLabels} cells have colliding op labels`);
});

test(`Graphviz layout: no label overlaps a node or another label in ${NASNET.length * 2} NASNet and ${NB201.length} NAS-Bench-201 cells`, async () => {
  const failures: string[] = [];
  let labels = 0;
  for (const g of [...NASNET, ...NB201]) {
    for (const cell of genotypeGraphs(g)) {
      const l = await layoutCell(cell);
      const boxes = layoutBoxes(l);
      labels += boxes.labels.length;
      // Every op edge got its label, inside the drawing.
      assert.equal(boxes.labels.length, cell.edges.filter((e) => e.op).length);
      for (const b of [...boxes.nodes, ...boxes.labels]) {
        assert.ok(b.box.x >= -1 && b.box.y >= -1 && b.box.x + b.box.w <= l.width + 1 && b.box.y + b.box.h <= l.height + 1, `${b.what} outside the drawing`);
      }
      const found = findOverlaps(boxes.nodes, boxes.labels);
      if (found.length > 0) failures.push(`${JSON.stringify(g)} ${cell.title}: ${found.join('; ')}`);
    }
  }
  console.log(`# Graphviz layout: ${labels} labels checked, ${failures.length} cells with overlaps`);
  assert.deepEqual(failures, []);
});
