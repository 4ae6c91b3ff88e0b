/**
 * The hypervolume, exactly: hand-worked staircases and box unions, then random integer points
 * against counting the unit cells they dominate (so no Monte-Carlo slack), in 1 to 5 objectives
 * with mixed directions; invariance under point order, and the curve against recomputation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { hypervolume, hypervolumeCurve } from '../../src/objectives/hypervolume.js';
import type { Direction } from '../../src/objectives/pareto.js';

const close = (a: number, b: number, what = '') => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what} ${a} vs ${b}`);

test('2-D by hand: a staircase, mixed directions, points on or beyond the reference', () => {
  // Columns of widths 1, 1, 1 and heights 3, 2, 1.
  assert.equal(hypervolume([[1, 3], [2, 2], [3, 1]], ['max', 'max'], [0, 0]), 6);
  assert.equal(hypervolume([[3, 1], [1, 3], [2, 2]], ['max', 'max'], [0, 0]), 6);
  // The same staircase mirrored into minimisation.
  assert.equal(hypervolume([[9, 7], [8, 8], [7, 9]], ['min', 'min'], [10, 10]), 6);
  // Accuracy up (reference 50), latency down (reference 50): 40x20 + 30x40 - 30x20.
  assert.equal(hypervolume([[90, 30], [80, 10]], ['max', 'min'], [50, 50]), 1400);
  assert.equal(hypervolume([[90, 30], [80, 10], [70, 40], [90, 30]], ['max', 'min'], [50, 50]), 1400, 'a dominated point and a duplicate add nothing');
  assert.equal(hypervolume([[5, 0]], ['max', 'max'], [0, 0]), 0, 'on the reference in one objective: no area');
  assert.equal(hypervolume([[5, -1], [-1, 5]], ['max', 'max'], [0, 0]), 0, 'beyond the reference');
  assert.equal(hypervolume([[5, -1], [2, 2]], ['max', 'max'], [0, 0]), 4, 'only the point inside counts');
  assert.equal(hypervolume([], ['max', 'min'], [0, 0]), 0);
});

test('1-D and 3-D by hand: a best value, a union of boxes', () => {
  assert.equal(hypervolume([[3], [5]], ['max'], [1]), 4);
  assert.equal(hypervolume([[3], [5]], ['min'], [4]), 1);
  // Boxes from the origin to (2,2,2), (1,1,3), (3,1,1): 8 + 3 + 3 - (2 + 2 + 1) + 1.
  assert.equal(hypervolume([[2, 2, 2], [1, 1, 3]], ['max', 'max', 'max'], [0, 0, 0]), 9);
  assert.equal(hypervolume([[2, 2, 2], [1, 1, 3], [3, 1, 1]], ['max', 'max', 'max'], [0, 0, 0]), 10);
  // The same with the second objective minimised below 4 (1 -> 3, 2 -> 2).
  assert.equal(hypervolume([[2, 2, 2], [1, 3, 3], [3, 3, 1]], ['max', 'min', 'max'], [0, 4, 0]), 10);
});

test('bad input is refused', () => {
  assert.throws(() => hypervolume([[1, 2]], ['max', 'max'], [0]), /reference has 1 objectives, expected 2/);
  assert.throws(() => hypervolume([[1]], ['max', 'max'], [0, 0]), /point 0 has 1 objectives/);
  assert.throws(() => hypervolume([[1, NaN]], ['max', 'max'], [0, 0]), /NaN/);
  assert.throws(() => hypervolumeCurve([[1, 1]], ['max', 'max'], [0, NaN]), /NaN/);
  assert.throws(() => hypervolume([[]], [], []), /no objectives/);
});

/** The reference: the grid's low corner for 'max', its high corner for 'min'. */
const gridReference = (dirs: Direction[], g: number) => dirs.map((d) => (d === 'max' ? 0 : g));

/** Unit cells [c, c+1]^m of the grid [0, g]^m that some point dominates (with the grid reference). */
function countCells(pts: number[][], dirs: Direction[], g: number): number {
  const m = dirs.length;
  let count = 0;
  const c = new Array<number>(m).fill(0);
  for (;;) {
    if (pts.some((p) => dirs.every((d, k) => (d === 'max' ? c[k] + 1 <= p[k] : c[k] >= p[k])))) count++;
    let k = 0;
    while (k < m && ++c[k] === g) c[k++] = 0;
    if (k === m) return count;
  }
}

function randomGrid(rng: () => number, m: number, g: number, n: number): { pts: number[][]; dirs: Direction[] } {
  const dirs = Array.from({ length: m }, () => (rng() < 0.5 ? 'max' : 'min') as Direction);
  // Coordinates in [0, g]: some points lie on the reference, some duplicate one another.
  return { dirs, pts: Array.from({ length: n }, () => Array.from({ length: m }, () => Math.floor(rng() * (g + 1)))) };
}

const shuffled = <T>(xs: T[], rng: () => number): T[] => {
  const out = xs.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
};

for (const [m, g, n, cases] of [[1, 30, 10, 30], [2, 20, 40, 150], [3, 10, 30, 100], [4, 6, 25, 60], [5, 4, 20, 30]] as const) {
  test(`${m}-D random integer points: equals counting dominated unit cells, whatever the order`, () => {
    const rng = seedrandom(`hv-cells-${m}`);
    for (let t = 0; t < cases; t++) {
      const { pts, dirs } = randomGrid(rng, m, g, 1 + Math.floor(rng() * n));
      const ref = gridReference(dirs, g);
      const want = countCells(pts, dirs, g);
      assert.equal(hypervolume(pts, dirs, ref), want, JSON.stringify({ pts, dirs }));
      assert.equal(hypervolume(shuffled(pts, rng), dirs, ref), want, 'invariant under point order');
      // Scaling every objective by 0.5 scales the volume by 0.5^m.
      close(hypervolume(pts.map((p) => p.map((v) => v / 2)), dirs, ref.map((v) => v / 2)), want / 2 ** m, 'scaled');
    }
  });
}

test('3-D: a front of 406 points (every split of 30 into three positive parts) has the volume C(30, 3)', () => {
  const pts: number[][] = [];
  for (let a = 1; a < 30; a++) for (let b = 1; a + b < 30; b++) pts.push([a, b, 30 - a - b]);
  assert.equal(pts.length, 406);
  // A cell [c, c+1]^3 is dominated when (c0 + 1) + (c1 + 1) + (c2 + 1) <= 30: C(27 + 3, 3) cells.
  assert.equal(hypervolume(pts, ['max', 'max', 'max'], [0, 0, 0]), 4060);
  assert.equal(hypervolume(pts.map((p) => [p[0], -p[1], p[2]]), ['max', 'min', 'max'], [0, 0, 0]), 4060);
});

test('hypervolumeCurve by hand (2-D)', () => {
  // (1,3): 3; (3,1) adds 3 - 1; (2,2) adds the cell (1..2, 1..2); (0.5, 0.5) is dominated.
  assert.deepEqual(hypervolumeCurve([[1, 3], [3, 1], [2, 2], [0.5, 0.5]], ['max', 'max'], [0, 0]), [3, 5, 6, 6]);
  // A point that dominates two steps at once, one of them at its own x.
  assert.deepEqual(hypervolumeCurve([[1, 3], [2, 2], [3, 1], [3, 3]], ['max', 'max'], [0, 0]), [3, 5, 6, 9]);
  assert.deepEqual(hypervolumeCurve([[1, 3], [1, 3], [1, 2], [1, 4]], ['max', 'max'], [0, 0]), [3, 3, 3, 4]);
  assert.deepEqual(hypervolumeCurve([[-1, 3], [2, 2]], ['max', 'max'], [0, 0]), [0, 4], 'outside the reference: nothing');
  assert.deepEqual(hypervolumeCurve([], ['max', 'max'], [0, 0]), []);
});

for (const [m, g, n, cases] of [[1, 30, 20, 20], [2, 30, 80, 100], [3, 12, 40, 40], [4, 6, 20, 20]] as const) {
  test(`${m}-D hypervolumeCurve: non-decreasing, each entry the hypervolume of the points so far`, () => {
    const rng = seedrandom(`hv-curve-${m}`);
    for (let t = 0; t < cases; t++) {
      const { pts, dirs } = randomGrid(rng, m, g, 1 + Math.floor(rng() * n));
      const ref = gridReference(dirs, g);
      const curve = hypervolumeCurve(pts, dirs, ref);
      assert.equal(curve.length, pts.length);
      curve.forEach((v, k) => {
        assert.ok(k === 0 || v >= curve[k - 1], 'non-decreasing');
        assert.equal(v, hypervolume(pts.slice(0, k + 1), dirs, ref), `k ${k + 1} of ${JSON.stringify({ pts, dirs })}`);
      });
      // Real-valued points: the same up to rounding.
      const real = pts.map((p) => p.map((v) => v + 0.37 * rng()));
      const realCurve = hypervolumeCurve(real, dirs, ref);
      realCurve.forEach((v, k) => close(v, hypervolume(real.slice(0, k + 1), dirs, ref), `real k ${k + 1}`));
    }
  });
}
