import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { bestInTopK, kendallTauB, rankOfBest, ranks, spearman, spearmanInterval, topIndices, topKendall } from '../../src/stats/correlation.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

/** τ-b straight from its definition, O(n²): the reference the fast algorithm is checked against. */
function naiveTauB(a: number[], b: number[]): number {
  let c = 0, d = 0, ta = 0, tb = 0;
  const n = a.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = Math.sign(a[i] - a[j]) * Math.sign(b[i] - b[j]);
      if (s > 0) c++;
      else if (s < 0) d++;
      if (a[i] === a[j]) ta++;
      if (b[i] === b[j]) tb++;
    }
  }
  const n0 = (n * (n - 1)) / 2;
  return (c - d) / Math.sqrt((n0 - ta) * (n0 - tb));
}

test('ranks average ties', () => {
  assert.deepEqual(ranks([3, 1, 3, 2]), [3.5, 1, 3.5, 2]);
  assert.deepEqual(ranks([-Infinity, 0, -Infinity]), [1.5, 3, 1.5]);
});

test('spearman: a worked example with a tie, perfect and inverse orders, constant samples', () => {
  // b = [5, 6, 7, 8, 7] ranks to [1, 2, 3.5, 5, 3.5]; deviations from 3: a (-2,-1,0,1,2), b (-2,-1,.5,2,.5):
  // Σ da·db = 8, Σ da² = 10, Σ db² = 9.5, ρ = 8 / √95 = 0.8207826816681233 (also SciPy's documented value).
  close(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]), 8 / Math.sqrt(95));
  close(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]), 0.8207826816681233);
  assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  assert.ok(Number.isNaN(spearman([1, 1, 1], [1, 2, 3])));
  assert.ok(Number.isNaN(spearman([1], [2])));
  assert.ok(Number.isNaN(spearman([1, NaN, 3], [1, 2, 3])));
  assert.ok(Number.isNaN(kendallTauB([1, 2, 3], [1, NaN, 3])));
  assert.throws(() => spearman([1, 2], [1]), /length/);
});

test('kendallTauB: a worked example with ties in both samples', () => {
  // x = [12, 2, 1, 12, 2], y = [1, 4, 7, 1, 0] (SciPy's kendalltau example): of the 10 pairs,
  // concordant (0,4) (3,4); discordant (0,1) (0,2) (1,2) (1,3) (2,3) (2,4); tied in x (0,3) (1,4);
  // tied in y (0,3). τ-b = (2 - 6) / √((10 - 2)(10 - 1)) = -4 / √72 = -0.47140452079103173.
  close(kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]), -4 / Math.sqrt(72));
  close(kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]), -0.47140452079103173);
  // Without ties τ-b is τ-a: [1,2,3,4] vs [1,3,2,4] has one discordant pair of 6: (5 - 1) / 6.
  close(kendallTauB([1, 2, 3, 4], [1, 3, 2, 4]), 4 / 6);
  assert.equal(kendallTauB([1, 2, 3], [3, 2, 1]), -1);
  assert.ok(Number.isNaN(kendallTauB([2, 2, 2], [1, 2, 3])));
  assert.ok(Number.isNaN(kendallTauB([1], [1])));
});

test('kendallTauB agrees with the O(n²) definition on random samples full of ties', () => {
  const rng = seedrandom('tau');
  for (let trial = 0; trial < 50; trial++) {
    const n = 2 + Math.floor(rng() * 60);
    const levels = 1 + Math.floor(rng() * 8);
    const a = Array.from({ length: n }, () => Math.floor(rng() * levels));
    const b = a.map((v) => (rng() < 0.5 ? v : Math.floor(rng() * levels)));
    const want = naiveTauB(a, b);
    const got = kendallTauB(a, b);
    if (Number.isNaN(want)) assert.ok(Number.isNaN(got));
    else close(got, want, 1e-12);
  }
});

test('kendallTauB and spearman take well under a second on 20,000 points', () => {
  const rng = seedrandom('big');
  const a = Array.from({ length: 20_000 }, () => rng());
  const b = a.map((v) => v + rng() * 0.5);
  const t0 = performance.now();
  const tau = kendallTauB(a, b);
  const rho = spearman(a, b);
  assert.ok(performance.now() - t0 < 1000);
  assert.ok(tau > 0.5 && tau < 1 && rho > tau, `${tau} ${rho}`);
});

test('topKendall keeps the cells in the top fraction of the reference, ties at the cut included', () => {
  const ref = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
  assert.deepEqual(topIndices(ref, 0.3), [0, 1, 2]);
  assert.deepEqual(topIndices([5, 5, 5, 1], 0.25), [0, 1, 2]);
  // The estimator orders the top 4 as 1 > 3 > 2 > 4 of the reference: pairs (2,3) discordant, τ = 4/6.
  const est = [4, 2, 3, 1, 100, 100, 100, 100, 100, 100];
  close(topKendall(est, ref, 0.4), 4 / 6);
  assert.throws(() => topIndices(ref, 0), /top fraction/);
});

test('rankOfBest and bestInTopK find the reference best in the estimator order', () => {
  const ref = [1, 5, 3, 2];
  assert.equal(rankOfBest([0.1, 0.9, 0.5, 0.2], ref), 1);
  assert.equal(rankOfBest([0.9, 0.5, 0.7, 0.1], ref), 3);
  assert.equal(rankOfBest([1, 1, 1, 1], ref), 2.5);
  assert.equal(bestInTopK([0.9, 0.5, 0.7, 0.1], ref, 3), true);
  assert.equal(bestInTopK([0.9, 0.5, 0.7, 0.1], ref, 2), false);
});

test('spearmanInterval: Fisher z with variance 1.06 / (n - 3)', () => {
  // ρ = 0.5, n = 28: atanh 0.5 = 0.549306, half-width 1.96 · √(1.06 / 25) = 0.403586.
  const [lo, hi] = spearmanInterval(0.5, 28);
  close(lo, Math.tanh(Math.atanh(0.5) - 1.959963984540054 * Math.sqrt(1.06 / 25)));
  close(lo, 0.1447, 1e-4);
  close(hi, 0.7411, 1e-4);
  assert.deepEqual(spearmanInterval(1, 10), [1, 1]);
  assert.ok(spearmanInterval(0.3, 3).every(Number.isNaN));
});
