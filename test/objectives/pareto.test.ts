/**
 * Pareto dominance and NSGA-II's ranking: hand-worked cases with mixed directions and duplicates,
 * then random instances against the definitions written out naively (the front by checking every
 * pair, the fronts by peeling one front off at a time).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { crowdingDistance, dominates, nonDominatedSort, nsgaRank, paretoFront, type Direction } from '../../src/objectives/pareto.js';

const MAX_MIN: Direction[] = ['max', 'min']; // e.g. accuracy up, latency down

test('dominance: no worse everywhere and strictly better somewhere, per direction', () => {
  assert.ok(dominates([0.9, 10], [0.8, 12], MAX_MIN));
  assert.ok(dominates([0.9, 10], [0.9, 12], MAX_MIN), 'equal accuracy, lower latency');
  assert.ok(!dominates([0.8, 12], [0.9, 10], MAX_MIN));
  assert.ok(!dominates([0.9, 12], [0.8, 10], MAX_MIN), 'a trade-off: neither dominates');
  assert.ok(!dominates([0.8, 10], [0.9, 12], MAX_MIN));
  assert.ok(!dominates([0.9, 10], [0.9, 10], MAX_MIN), 'equal points do not dominate each other');
  assert.ok(dominates([1, 1], [2, 2], ['min', 'min']));
  assert.ok(!dominates([1, 1], [2, 2], ['max', 'max']));
  assert.ok(dominates([2, 2], [1, 1], ['max', 'max']));
  assert.ok(dominates([Infinity, 1], [Infinity, 2], ['max', 'min']), 'Infinity ties with Infinity');
  assert.ok(dominates([3, 0, 5], [3, 1, 5], ['max', 'min', 'max']));
});

test('non-dominated sort by hand: fronts ascending, duplicates share a front', () => {
  //          0       1       2       3       4       5       6
  const pts = [[1, 5], [2, 2], [5, 1], [3, 3], [2, 2], [4, 4], [6, 6]]; // min, min
  assert.deepEqual(nonDominatedSort(pts, ['min', 'min']), [[0, 1, 2, 4], [3], [5], [6]]);
  assert.deepEqual(paretoFront(pts, ['min', 'min']), [0, 1, 2, 4]);
  // The same points with both objectives maximised.
  assert.deepEqual(nonDominatedSort(pts, ['max', 'max']), [[6], [0, 2, 5], [3], [1, 4]]);
  // Mixed, x up and y down: (6, 6) has the largest x, so nothing dominates it.
  assert.deepEqual(nonDominatedSort(pts, ['max', 'min']), [[2, 6], [1, 3, 4, 5], [0]]);
  assert.deepEqual(nonDominatedSort([], MAX_MIN), []);
  assert.deepEqual(nonDominatedSort([[1, 1], [1, 1], [1, 1]], MAX_MIN), [[0, 1, 2]]);
});

test('bad input is refused', () => {
  assert.throws(() => nonDominatedSort([[1, 2, 3]], MAX_MIN), /3 objectives, expected 2/);
  assert.throws(() => paretoFront([[1, NaN]], MAX_MIN), /NaN/);
});

test('crowding distance by hand', () => {
  // Ranges 4 and 4. Objective 0 sorted 0,1,3,4: point 1 gets (3-0)/4, point 2 gets (4-1)/4.
  // Objective 1 sorted 0,1,2,4 (points 3,2,1,0): point 2 gets (2-0)/4, point 1 gets (4-1)/4.
  const pts = [[0, 4], [1, 2], [3, 1], [4, 0]];
  assert.deepEqual(crowdingDistance(pts, [0, 1, 2, 3], ['min', 'min']), [Infinity, 1.5, 1.25, Infinity]);
  // The direction does not matter, and the result is aligned with `front`, not with the points.
  assert.deepEqual(crowdingDistance(pts, [2, 3, 1, 0], ['max', 'min']), [1.25, Infinity, 1.5, Infinity]);
  assert.deepEqual(crowdingDistance(pts, [1, 2], ['min', 'min']), [Infinity, Infinity], 'two members are both ends');
  assert.deepEqual(crowdingDistance(pts, [], ['min', 'min']), []);
  // A zero range contributes nothing, ends included: only objective 1 counts here.
  const flat = [[7, 0], [7, 1], [7, 3], [7, 4]];
  assert.deepEqual(crowdingDistance(flat, [0, 1, 2, 3], ['max', 'min']), [Infinity, 0.75, 0.75, Infinity]);
  assert.deepEqual(crowdingDistance([[1, 1], [1, 1], [1, 1]], [0, 1, 2], MAX_MIN), [0, 0, 0], 'all equal: no one is more isolated');
});

test('nsgaRank: rank and crowding aligned with the points', () => {
  const pts = [[6, 6], [1, 5], [2, 2], [5, 1], [3, 3]];
  const { rank, crowding } = nsgaRank(pts, ['min', 'min']);
  assert.deepEqual(rank, [2, 0, 0, 0, 1]);
  // Front 0 is points 1, 2, 3: ranges 4 and 4; point 2 sits between (1,5) and (5,1): 4/4 + 4/4.
  assert.deepEqual(crowding, [Infinity, Infinity, 2, Infinity, Infinity]);
});

/** The definitions, written out naively. */
const bruteFront = (pts: number[][], dirs: Direction[], among: number[]) =>
  among.filter((i) => !among.some((j) => dirs.every((d, k) => (d === 'max' ? pts[j][k] >= pts[i][k] : pts[j][k] <= pts[i][k])) && dirs.some((d, k) => pts[j][k] !== pts[i][k])));
function peelOff(pts: number[][], dirs: Direction[]): number[][] {
  let left = pts.map((_, i) => i);
  const fronts: number[][] = [];
  while (left.length > 0) {
    const f = bruteFront(pts, dirs, left);
    fronts.push(f);
    left = left.filter((i) => !f.includes(i));
  }
  return fronts;
}

function randomInstance(rng: () => number): { pts: number[][]; dirs: Direction[] } {
  const m = 1 + Math.floor(rng() * 4);
  const n = Math.floor(rng() * 60);
  const grid = 2 + Math.floor(rng() * 10); // small grids: many ties and duplicates
  const dirs = Array.from({ length: m }, () => (rng() < 0.5 ? 'max' : 'min') as Direction);
  return { dirs, pts: Array.from({ length: n }, () => Array.from({ length: m }, () => Math.floor(rng() * grid))) };
}

test('random instances: the fast sort equals peeling off fronts; paretoFront equals the brute-force front', () => {
  const rng = seedrandom('pareto-random');
  for (let t = 0; t < 300; t++) {
    const { pts, dirs } = randomInstance(rng);
    const fronts = nonDominatedSort(pts, dirs);
    assert.deepEqual(fronts, peelOff(pts, dirs), `instance ${t}: ${JSON.stringify({ pts, dirs })}`);
    assert.deepEqual(paretoFront(pts, dirs), bruteFront(pts, dirs, pts.map((_, i) => i)));
    assert.deepEqual(fronts.flat().sort((a, b) => a - b), pts.map((_, i) => i), 'every point in exactly one front');
    // Every member of front r+1 is dominated by some member of front r.
    for (let r = 1; r < fronts.length; r++) for (const i of fronts[r]) assert.ok(fronts[r - 1].some((j) => dominates(pts[j], pts[i], dirs)));
    // Crowding: ends of every objective with a range are infinite, all values non-negative.
    const { rank, crowding } = nsgaRank(pts, dirs);
    fronts.forEach((f, r) => f.forEach((i) => assert.equal(rank[i], r)));
    assert.ok(crowding.every((c) => c >= 0));
  }
});

test('random instances: permuting the points permutes the fronts', () => {
  const rng = seedrandom('pareto-permute');
  for (let t = 0; t < 100; t++) {
    const { pts, dirs } = randomInstance(rng);
    const perm = pts.map((_, i) => i);
    for (let i = perm.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    const fronts = nonDominatedSort(perm.map((i) => pts[i]), dirs).map((f) => f.map((i) => perm[i]).sort((a, b) => a - b));
    assert.deepEqual(fronts, nonDominatedSort(pts, dirs));
  }
});
