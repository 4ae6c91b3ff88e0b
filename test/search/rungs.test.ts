/** The ASHA / Hyperband scheduler against the rules of the papers, worked through by hand. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RungScheduler } from '../../src/search/rungs.js';

test('ASHA: a rung promotes its top ⌊n/η⌋, best first, highest rung first, each trial once', () => {
  const s = new RungScheduler('sha', 3, 3);
  for (const id of [1, 2]) s.admit(id);
  s.report(1, 0, 0.5);
  s.report(2, 0, 0.9);
  assert.equal(s.nextPromotion(), undefined, 'two results: ⌊2/3⌋ = 0 promotions');
  s.admit(3);
  s.report(3, 0, 0.7);
  assert.deepEqual(s.nextPromotion(), { trialId: 2, bracket: 0, from: 0, to: 1 });
  // In flight trials are skipped; once promoted, a trial is not proposed again.
  assert.equal(s.nextPromotion(new Set([2])), undefined, 'the top ⌊3/3⌋ = 1 is trial 2 only');
  s.promote(s.nextPromotion()!);
  assert.equal(s.nextPromotion(), undefined);
  assert.throws(() => s.promote({ trialId: 2, bracket: 0, from: 0, to: 1 }), /already promoted/);
  for (const [id, r] of [[4, 0.1], [5, 0.8], [6, 0.95]] as const) {
    s.admit(id);
    s.report(id, 0, r);
  }
  // Six results: the top 2 are 6 (0.95) and 2 (0.9, promoted): 6 goes next.
  assert.deepEqual(s.nextPromotion(), { trialId: 6, bracket: 0, from: 0, to: 1 });
  s.promote(s.nextPromotion()!);
  // Rung 1 results for 2, 6 and (say) a third: the top ⌊3/3⌋ of rung 1 goes to rung 2 before any rung-0 promotion.
  s.report(2, 1, 0.91);
  s.report(6, 1, 0.93);
  for (const [id, r] of [[7, 0.2], [8, 0.3], [9, 0.99]] as const) {
    s.admit(id);
    s.report(id, 0, r);
  }
  s.promote(s.nextPromotion()!); // 9 to rung 1 (top 3 of 9: 9, 6, 2)
  s.report(9, 1, 0.9);
  assert.deepEqual(s.nextPromotion(), { trialId: 6, bracket: 0, from: 1, to: 2 });
  assert.deepEqual(s.counts(), [9, 3, 0]);
  // A failed result is never promoted and does not count.
  s.admit(10);
  s.report(10, 0, null);
  assert.deepEqual(s.counts(), [9, 3, 0]);
});

test('Hyperband: brackets weighted as n_s, bracket s starts at rung s, promotions stay in their bracket; state round-trips', () => {
  const s = new RungScheduler('hyperband', 3, 3);
  // s_max = 2: n_0 = ⌈3·9/3⌉ = 9, n_1 = ⌈3·3/2⌉ = 5, n_2 = ⌈3·1/1⌉ = 3.
  assert.deepEqual(s.bracketWeights(), [9, 5, 3]);
  const brackets = Array.from({ length: 17 }, (_, i) => s.admit(i + 1));
  const count = (b: number) => brackets.filter((x) => x.bracket === b).length;
  assert.deepEqual([count(0), count(1), count(2)], [9, 5, 3], 'one full round assigns exactly n_s to each bracket');
  assert.ok(brackets.every((x) => x.rung === x.bracket));
  // Three results at rung 1 from bracket 1 promote within bracket 1 only.
  const inB1 = brackets.map((b, i) => ({ ...b, id: i + 1 })).filter((b) => b.bracket === 1).slice(0, 3);
  inB1.forEach((b, k) => s.report(b.id, 1, 0.5 + k / 10));
  const p = s.nextPromotion()!;
  assert.equal(p.bracket, 1);
  assert.equal(p.trialId, inB1[2].id);
  assert.deepEqual([p.from, p.to], [1, 2]);
  const copy = new RungScheduler('hyperband', 3, 3);
  copy.restore(JSON.parse(JSON.stringify(s.state())));
  assert.deepEqual(copy.nextPromotion(), p);
  assert.deepEqual(copy.admit(100), s.admit(100), 'the round robin continues where it was');
  assert.throws(() => new RungScheduler('sha', 3, 3).restore(s.state()), /another ladder/);
  assert.throws(() => new RungScheduler('sha', 1.5, 3), /eta must be ≥ 2/);
});

// Why evolution + SHA promoted about half its children in the four-arm comparison, random + SHA a
// third (docs/multi-fidelity.md): ASHA promotes whatever is in the top ⌊n/η⌋ when a worker asks,
// and a promotion is never taken back, so rewards that rise over the search (evolution's) keep
// putting new children into the top. Measured here on the scheduler alone, one worker.
test('ASHA promotes about 1/η of stationary rewards, and more of rewards that rise over the search', () => {
  const promotedShare = (trend: number, seed: number) => {
    let x = seed;
    const rnd = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const s = new RungScheduler('sha', 3, 2);
    let children = 0;
    let promoted = 0;
    while (children < 80) {
      const p = s.nextPromotion();
      if (p) {
        s.promote(p);
        s.report(p.trialId, 1, rnd());
        promoted++;
      } else {
        children++;
        s.admit(children);
        s.report(children, 0, (trend * children) / 80 + rnd());
      }
    }
    return promoted / children;
  };
  const mean = (trend: number) => Array.from({ length: 20 }, (_, k) => promotedShare(trend, k + 1)).reduce((a, b) => a + b) / 20;
  const flat = mean(0);
  const rising = mean(1);
  assert.ok(flat > 0.3 && flat < 0.42, `stationary rewards: ${flat}`);
  assert.ok(rising > 0.5, `rising rewards: ${rising}`);
});
