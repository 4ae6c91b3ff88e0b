/** SMBO / progressive search: rounds grow one block at a time, wait for their results, log rank correlation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '#tfjs';
import { loadSpace } from '../../src/space/load.js';
import { loadTable } from '../../src/evaluators/table/table.js';
import { NB201_TABLE } from '../../src/commands/bench-strategies.js';
import { SmboStrategy } from '../../src/strategies/smbo/smbo-strategy.js';
import { ranks, spearman } from '../../src/stats/correlation.js';
import type { Proposal } from '../../src/strategies/types.js';
import { createRng, randInt } from '../../src/core/rng.js';
import { CellTemplate } from '../../src/strategies/smbo/cell-template.js';
import { MlpEnsemble } from '../../src/strategies/smbo/mlp-ensemble.js';
import { UserError } from '../../src/core/errors.js';

const space = loadSpace('nas-bench-201');
const table = loadTable(NB201_TABLE, { rewardColumn: 'cifar10_valid_acc_12ep', space });

test('spearman: ranks with ties, perfect and inverse order', () => {
  assert.deepEqual(ranks([10, 20, 20, 5]), [2, 3.5, 3.5, 1]);
  assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  assert.ok(Number.isNaN(spearman([1, 1, 1], [1, 2, 3])));
});

test('NB201: all 1-block cells first, then K cells of 2 blocks, then 3; ask() waits for each round', () => {
  const before = tf.memory().numTensors;
  const logs: string[] = [];
  const s = new SmboStrategy({ space, seed: 4, options: { beam: 6 }, log: (l) => logs.push(l) });
  const round = (): Proposal[] => {
    const out: Proposal[] = [];
    for (let p = s.ask(); p; p = s.ask()) out.push(p);
    return out;
  };
  const tellAll = (ps: Proposal[]) => ps.forEach((p, i) => s.tell({ trialId: i, genotype: p.genotype, reward: table.require(p.genotype).reward }));

  const r1 = round();
  assert.equal(r1.length, 5); // one edge, five ops
  assert.ok(r1.every((p) => space.stagesOf(p.genotype) === 1));
  assert.equal(s.ask(), undefined, 'must wait for the round');
  tellAll(r1.slice(0, 4));
  assert.equal(s.ask(), undefined, 'one result still missing');
  tellAll(r1.slice(4));

  const r2 = round();
  assert.equal(r2.length, 6);
  assert.ok(r2.every((p) => space.stagesOf(p.genotype) <= 2 && p.origin === 'predictor'));
  // Expansions keep their parent's first edge: every 2-block cell extends a 1-block cell.
  const firstEdges = new Set(r1.map((p) => space.encode(p.genotype)[0]));
  assert.ok(r2.every((p) => firstEdges.has(space.encode(p.genotype)[0])));
  tellAll(r2);
  const r3 = round();
  assert.equal(r3.length, 6);
  tellAll(r3);
  const r4 = round(); // past B = 3: the predictor's best unseen full cells
  assert.equal(r4.length, 6);
  assert.ok(logs.length >= 2 && logs.every((l) => /^smbo round \d+ \(\d blocks?\): predictor Spearman rho = -?\d\.\d{3} on 6 held-out trials$/.test(l)), logs.join('\n'));
  const all = [...r1, ...r2, ...r3, ...r4].map((p) => space.key(p.genotype));
  assert.equal(new Set(all).size, all.length);
  assert.equal(tf.memory().numTensors, before);
});

test('the surrogate fitted on 100 random cells ranks 300 other cells well (Spearman rho > 0.5)', () => {
  const before = tf.memory().numTensors;
  const cells = new CellTemplate(space);
  const rng = createRng('surrogate');
  const draw = (n: number) => Array.from({ length: n }, () => Array.from({ length: 6 }, () => randInt(rng, 5)));
  const encode = (vs: number[][]) => {
    const X = new Float32Array(vs.length * cells.featureSize);
    vs.forEach((v, i) => cells.features(v, X, i * cells.featureSize));
    return X;
  };
  const reward = (v: number[]) => table.require(space.decode(v)).reward!;
  const train = draw(100);
  const heldOut = draw(300);
  const m = new MlpEnsemble({ inputs: cells.featureSize, hidden: 16, members: 5 }, rng);
  const y = Float32Array.from(train.map(reward));
  m.fit(encode(train), y, new Float32Array(100 * 5).fill(1), 150, 0.02);
  const rho = spearman(Array.from(m.predict(encode(heldOut))), heldOut.map(reward));
  assert.ok(rho > 0.5, `rho ${rho}`);
  assert.equal(tf.memory().numTensors, before);
});

test('NASNet: normal and reduction cells share their structure (PNAS)', () => {
  const nas = loadSpace('nasnet');
  const s = new SmboStrategy({ space: nas, seed: 1, options: { first: 4, beam: 3, candidates: 200 } });
  for (let i = 0; i < 4; i++) {
    const p = s.ask()!;
    assert.ok(p.genotype.space === 'nasnet');
    assert.deepEqual(p.genotype.normal, p.genotype.reduce);
    s.tell({ trialId: i, genotype: p.genotype, reward: i / 4 });
  }
  const p = s.ask()!;
  assert.ok(p.genotype.space === 'nasnet' && p.genotype.normal.length === 2);
  assert.deepEqual(p.genotype.normal, p.genotype.reduce);
});

test('bad options and state are UserErrors', () => {
  assert.throws(() => new SmboStrategy({ space, seed: 1, options: { beam: 0 } }), (e) => e instanceof UserError && /beam=0/.test(e.message));
  assert.throws(() => new SmboStrategy({ space, seed: 1, options: { depth: 2 } }), /unknown option "depth"/);
  assert.throws(() => new SmboStrategy({ space, seed: 1, options: {} }).restore({ strategy: 'reinforce' }), UserError);
});
