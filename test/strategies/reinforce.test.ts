/** The REINFORCE controller: its two forward passes agree, it learns, bad rewards skip, state is complete. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '#tfjs';
import { createRng } from '../../src/core/rng.js';
import { loadSpace } from '../../src/space/load.js';
import { LstmPolicy } from '../../src/strategies/reinforce/lstm-policy.js';
import { ReinforceStrategy } from '../../src/strategies/reinforce/reinforce-strategy.js';
import { UserError } from '../../src/core/errors.js';

for (const name of ['nasnet', 'nas-bench-201']) {
  test(`${name}: the JS sampling pass and the tfjs gradient pass give the same log-probabilities`, () => {
    const space = loadSpace(name);
    const policy = new LstmPolicy(space.decisions(), { hidden: 12, embed: 6 }, createRng('t'));
    const rng = createRng('draw');
    const seqs = [0, 1, 2].map(() => policy.run(rng).tokens);
    const js = seqs.map((s) => policy.run(null, s).probs.reduce((a, p, t) => a + Math.log(p[s[t]]), 0));
    const jsEntropy = seqs.map((s) => policy.run(null, s).probs.reduce((a, p) => a - p.reduce((e, q) => e + q * Math.log(q), 0), 0));
    const { logp, entropy } = tf.tidy(() => {
      const r = policy.lossTerms(seqs);
      return { logp: Array.from(r.logp.dataSync()), entropy: Array.from(r.entropy.dataSync()) };
    });
    seqs.forEach((_, i) => {
      assert.ok(Math.abs(js[i] - logp[i]) < 1e-4, `logp ${js[i]} vs ${logp[i]}`);
      assert.ok(Math.abs(jsEntropy[i] - entropy[i]) < 1e-3, `entropy ${jsEntropy[i]} vs ${entropy[i]}`);
    });
    policy.dispose();
  });
}

test('the controller learns: rewarding one op raises its share of the samples', () => {
  const space = loadSpace('nas-bench-201');
  const before = tf.memory().numTensors;
  const s = new ReinforceStrategy({ space, seed: 3, options: { lr: 0.05, batch: 4 }, allowDuplicates: true });
  const share = (arch: string) => (arch.match(/nor_conv_3x3/g) ?? []).length / 6;
  let early = 0;
  let late = 0;
  for (let i = 0; i < 240; i++) {
    const p = s.ask()!;
    const arch = (p.genotype as { arch: string }).arch;
    if (i < 40) early += share(arch);
    if (i >= 200) late += share(arch);
    s.tell({ trialId: i, genotype: p.genotype, reward: share(arch) });
  }
  assert.ok(late / 40 > early / 40 + 0.3, `share of the rewarded op: ${early / 40} -> ${late / 40}`);
  s.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('a NaN or null reward skips the sample: weights, optimizer and baseline unchanged', () => {
  const space = loadSpace('nas-bench-201');
  const s = new ReinforceStrategy({ space, seed: 1, options: { batch: 1 } });
  const p1 = s.ask()!;
  s.tell({ trialId: 1, genotype: p1.genotype, reward: 0.5 }); // first reward sets the baseline, updates once
  const before = JSON.stringify(s.state());
  const p2 = s.ask()!;
  const p3 = s.ask()!;
  const mid = s.state();
  s.tell({ trialId: 2, genotype: p2.genotype, reward: NaN });
  s.tell({ trialId: 3, genotype: p3.genotype, reward: null });
  const after = s.state() as { weights: unknown; adam: unknown; baseline: number; rng: unknown };
  const m = mid as typeof after;
  assert.deepEqual(after.weights, m.weights);
  assert.deepEqual(after.adam, m.adam);
  assert.equal(after.baseline, m.baseline);
  assert.notEqual(before, JSON.stringify(mid)); // asking moved the rng
  s.dispose();
});

test('state holds weights, Adam slots and step, baseline and rng; bad state and options are UserErrors', () => {
  const space = loadSpace('nas-bench-201');
  const s = new ReinforceStrategy({ space, seed: 1, options: { batch: 2 } });
  for (let i = 0; i < 6; i++) { const p = s.ask()!; s.tell({ trialId: i, genotype: p.genotype, reward: i / 10 }); }
  const st = s.state() as unknown as Record<string, unknown> & { adam: { step: number; m: Record<string, string> }; weights: Record<string, string> };
  assert.equal(st.adam.step, 3);
  assert.ok(Object.keys(st.weights).includes('lstm.W'));
  assert.ok(Object.keys(st.adam.m).includes('lstm.W'));
  assert.equal(typeof st.baseline, 'number');
  assert.ok(st.rng);
  const other = new ReinforceStrategy({ space: loadSpace('nasnet'), seed: 1, options: {} });
  assert.throws(() => other.restore(st), UserError);
  assert.throws(() => other.restore({ strategy: 'smbo' }), UserError);
  assert.throws(() => new ReinforceStrategy({ space, seed: 1, options: { lr: 'fast' } }), /reinforce: option lr=fast/);
  assert.throws(() => new ReinforceStrategy({ space, seed: 1, options: { temperature: 2 } }), /unknown option "temperature"/);
  s.dispose();
  other.dispose();
});

test('without duplicates it covers a tiny space exactly once, then returns undefined', () => {
  // One NB201 stage = 5 cells: a controller restricted to them must exhaust them.
  const space = loadSpace('nas-bench-201');
  const tiny = { ...space, decisions: () => space.decisions(1), sample: (rng: () => number) => space.sample(rng, 1) };
  const s = new ReinforceStrategy({ space: tiny, seed: 2, options: { resample: 5 } });
  const keys = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const p = s.ask();
    assert.ok(p, `proposal ${i}`);
    keys.add(space.key(p.genotype));
    s.tell({ trialId: i, genotype: p.genotype, reward: 0.5 });
  }
  assert.equal(keys.size, 5);
  assert.equal(s.ask(), undefined);
  s.dispose();
});
