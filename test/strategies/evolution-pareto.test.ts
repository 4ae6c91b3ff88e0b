/**
 * Regularized evolution told objective vectors picks parents by NSGA-II's crowded comparison: a
 * dominated member never wins a tournament against a member that dominates it, and the cheap end
 * of the front is a parent as often as the accurate end — where accuracy alone would rarely pick it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSpace } from '../../src/space/load.js';
import { RegularizedEvolution } from '../../src/strategies/evolution.js';
import type { Genotype } from '../../src/space/types.js';

const space = loadSpace('nas-bench-201');

/** Parent counts over many mutations of a fixed population of three (objectives larger-is-better). */
function parentCounts(withObjectives: boolean): Map<number, number> {
  const evo = new RegularizedEvolution({ space, seed: 3, options: { population: 3, sample: 2 }, allowDuplicates: true });
  const cells: Genotype[] = [];
  for (let i = 0; i < 3; i++) cells.push(evo.ask()!.genotype);
  // 1: most accurate, slow. 2: a little less accurate, 5x faster (on the front). 3: dominated by 1.
  const members = [
    { trialId: 1, reward: 0.9, objectives: [0.9, -50] },
    { trialId: 2, reward: 0.8, objectives: [0.8, -10] },
    { trialId: 3, reward: 0.85, objectives: [0.85, -60] },
  ];
  members.forEach((m, i) => evo.tell({ trialId: m.trialId, genotype: cells[i], reward: m.reward, ...(withObjectives ? { objectives: m.objectives } : {}) }));
  const counts = new Map<number, number>([[1, 0], [2, 0], [3, 0]]);
  for (let i = 0; i < 3000; i++) {
    const p = evo.ask()!;
    assert.equal(p.origin, 'mutation');
    counts.set(p.parentId!, counts.get(p.parentId!)! + 1);
  }
  return counts;
}

test('evolution with objectives: a dominated member wins only tournaments of itself alone', () => {
  const c = parentCounts(true);
  // Sample 2 with replacement from 3: {3,3} has probability 1/9; any other pair holds a front member.
  const dominated = c.get(3)! / 3000;
  assert.ok(Math.abs(dominated - 1 / 9) < 0.03, `the dominated member was parent ${c.get(3)} times of 3000`);
  // Front members 1 and 2 (both with infinite crowding distance) split the rest evenly-ish.
  assert.ok(c.get(2)! > 1000 && c.get(1)! > 1000, `front parents: ${c.get(1)} and ${c.get(2)}`);
});

test('evolution without objectives: the same population picks by accuracy alone', () => {
  const c = parentCounts(false);
  // Member 2 is the least accurate: it wins only a tournament of itself alone (1/9).
  assert.ok(Math.abs(c.get(2)! / 3000 - 1 / 9) < 0.03, `the least accurate member was parent ${c.get(2)} times`);
  assert.ok(c.get(3)! > 500, 'the dominated but accurate member is a parent often');
});

test('evolution with objectives: state round-trips with the vectors', () => {
  const a = new RegularizedEvolution({ space, seed: 5, options: { population: 4, sample: 2 } });
  for (let i = 0; i < 4; i++) {
    const p = a.ask()!;
    a.tell({ trialId: i + 1, genotype: p.genotype, reward: 0.5 + i / 10, objectives: [0.5 + i / 10, -(i % 2 ? 10 : 40)] });
  }
  const b = new RegularizedEvolution({ space, seed: 5, options: { population: 4, sample: 2 } });
  b.restore(JSON.parse(JSON.stringify(a.state())));
  for (let i = 0; i < 20; i++) assert.deepEqual(b.ask(), a.ask());
});
