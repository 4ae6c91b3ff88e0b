/**
 * Successive halving and Hyperband in the search loop, on a NAS-Bench-201 table generated with a known
 * ranking (three rungs of decreasing noise around a hidden true quality, rising costs): promotions
 * obey ASHA's 1/η rule (the rule itself is tested step by step in rungs.test.ts), the store keeps every
 * rung, the winner is a truly good cell, and a search stopped or aborted mid-way resumes to exactly what
 * an uninterrupted one stores.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { loadSpace } from '../../src/space/load.js';
import { createStrategy } from '../../src/strategies/index.js';
import { Store } from '../../src/store/store.js';
import type { RunConfig } from '../../src/store/types.js';
import { runSearch, type SearchControl } from '../../src/search/loop.js';
import { loadTable, createTableEvaluator, type Table } from '../../src/evaluators/table/table.js';
import type { SearchSpace } from '../../src/space/types.js';

const space: SearchSpace = loadSpace('nas-bench-201');
const OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'];

/** Every NB201 cell with a hidden quality q in [0.2, 0.9]: r2 = q, r1 = q ± 0.02, r0 = q ± 0.05; costs 1, 3, 9. */
function makeTable(): { file: string; quality: Map<string, number> } {
  const rng = seedrandom('mf-table');
  const noise = (s: number) => s * (rng() + rng() + rng() - 1.5) * 2;
  const lines = ['arch,r0,r1,r2,c0,c1,c2'];
  const quality = new Map<string, number>();
  for (let i = 0; i < 5 ** 6; i++) {
    const e = Array.from({ length: 6 }, (_, k) => OPS[Math.floor(i / 5 ** k) % 5]);
    const arch = `|${e[0]}~0|+|${e[1]}~0|${e[2]}~1|+|${e[3]}~0|${e[4]}~1|${e[5]}~2|`;
    const q = 0.2 + 0.7 * rng();
    quality.set(space.key({ space: 'nas-bench-201', arch }), q);
    const clip = (x: number) => Math.min(1, Math.max(0, x)).toFixed(5);
    lines.push(`${arch},${clip(q + noise(0.05))},${clip(q + noise(0.02))},${clip(q)},1,3,9`);
  }
  const file = join(mkdtempSync(join(tmpdir(), 'nas-mf-')), 'known.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return { file, quality };
}

const known = makeTable();
const tables: Table[] = ['r0', 'r1', 'r2'].map((c, k) => loadTable(known.file, { rewardColumn: c, costColumn: `c${k}`, space }));

function config(strategy: string, budget: number, kind: 'sha' | 'hyperband' = 'sha', workers = 3): RunConfig {
  return {
    strategy, strategyOptions: strategy === 'evolution' ? { population: 12, sample: 4 } : {}, space: 'nas-bench-201', spaceFile: space.file, dataset: 'table',
    seed: 3, budget, workers, backend: 'cpu', macro: space.macro,
    proxy: { trainSize: 0, valSize: 1, epochs: 1, batchSize: 1, learningRate: 0.1, imageSize: 0 },
    evaluator: { kind: 'table', table: known.file, rewardColumn: 'r0,r1,r2', costColumn: 'c0,c1,c2' },
    ladder: { kind, eta: 3, rungs: 3 },
  };
}

async function search(store: Store, cfg: RunConfig, opts: { runId?: number; stopAfter?: number; abortAfter?: number } = {}) {
  const id = opts.runId ?? store.createRun(cfg).id;
  const strategy = await createStrategy(cfg.strategy, { space, seed: cfg.seed, options: cfg.strategyOptions });
  const state = store.loadStrategyState(id);
  if (state !== undefined) strategy.restore(JSON.parse(JSON.stringify(state)));
  let control: SearchControl | undefined;
  let ends = 0;
  const outcome = await runSearch({
    store, runId: id, space, strategy, evaluator: createTableEvaluator(tables, { capacity: cfg.workers }), config: cfg,
    control: (c) => (control = c),
    onEvent: (e) => {
      if (e.type !== 'trial-end') return;
      ends++;
      if (opts.stopAfter !== undefined && ends >= opts.stopAfter) control?.stop();
      if (opts.abortAfter !== undefined && ends >= opts.abortAfter) control?.abort();
    },
  });
  return { id, outcome };
}

const rungsOf = (store: Store, id: number) => store.rungs(id).map((r) => ({ trialId: r.trialId, rung: r.rung, status: r.status, reward: r.reward }));

for (const strategy of ['random', 'evolution']) {
  test(`${strategy} with successive halving: at the end the top ⌊n_k/η⌋ of every rung went up, every rung stored, the winner is truly good`, async () => {
    const store = Store.open(':memory:');
    const { id, outcome } = await search(store, config(strategy, 81));
    assert.equal(outcome, 'complete');
    const rows = store.rungs(id);
    const count = (r: number) => rows.filter((x) => x.rung === r && x.status === 'complete').length;
    assert.equal(count(0), 81);
    // ASHA promotes whoever is in the top ⌊n/η⌋ when a worker frees up, so a rung may pass up more than
    // ⌊n/η⌋ over a search (an early leader stays promoted); once the budget is spent the promotions
    // continue until the final top ⌊n/η⌋ of every rung has gone up.
    for (const r of [0, 1]) {
      const here = rows.filter((x) => x.rung === r && x.status === 'complete').sort((x, y) => y.reward! - x.reward! || x.trialId - y.trialId);
      const up = new Set(rows.filter((x) => x.rung === r + 1).map((x) => x.trialId));
      const top = here.slice(0, Math.floor(here.length / 3));
      assert.ok(top.length >= 1 && top.every((x) => up.has(x.trialId)), `rung ${r}: its top ${top.length} all promoted`);
      assert.ok(up.size < here.length, `rung ${r + 1} holds ${up.size} of ${here.length}`);
    }
    assert.equal(rows.filter((x) => x.status !== 'complete').length, 0);
    // Every promoted trial has its lower rungs complete, and the trial row carries its highest rung's reward.
    for (const t of store.trials(id)) {
      const mine = rows.filter((x) => x.trialId === t.id);
      const top = Math.max(...mine.map((x) => x.rung));
      assert.deepEqual(mine.map((x) => x.rung), Array.from({ length: top + 1 }, (_, k) => k), `trial ${t.id} rungs`);
      assert.equal(t.rung, top);
      assert.equal(t.reward, mine[top].reward);
    }
    // The winner ranks by its highest rung, and its hidden quality is among the best of what was sampled.
    const best = store.bestTrial(id)!;
    assert.equal(best.rung, 2);
    const sampled = store.trials(id).map((t) => known.quality.get(t.key)!).sort((a, b) => b - a);
    const rank = sampled.indexOf(known.quality.get(best.key)!);
    assert.ok(rank < 5, `the winner is the ${rank + 1}th best of ${sampled.length} sampled cells`);
    // A budget of children, not of promotions: the simulated seconds add every rung.
    const seconds = rows.reduce((s, r) => s + (r.seconds ?? 0), 0);
    assert.equal(seconds, count(0) * 1 + count(1) * 3 + count(2) * 9);
  });
}

test('Hyperband: new trials start at their bracket\'s rung in proportion to n_s; brackets promote within themselves', async () => {
  const store = Store.open(':memory:');
  const { id } = await search(store, config('random', 51, 'hyperband'));
  const rows = store.rungs(id);
  const firsts = store.trials(id).map((t) => Math.min(...rows.filter((r) => r.trialId === t.id).map((r) => r.rung)));
  // n_s = 9, 5, 3 per round of 17: 51 trials = 3 rounds.
  assert.deepEqual([0, 1, 2].map((s) => firsts.filter((f) => f === s).length), [27, 15, 9]);
  assert.ok(rows.some((r) => r.rung === 2 && firsts[store.trials(id).findIndex((t) => t.id === r.trialId)] === 1), 'bracket 1 promotes to rung 2');
});

test('a multi-fidelity search stopped, or aborted mid-promotion, resumes to exactly what an uninterrupted search stores', async () => {
  const straight = Store.open(':memory:');
  // One unit at a time: with several, a stop lets the units in flight finish without new decisions in
  // between, which an uninterrupted search would have made (both are correct, they differ).
  const cfg = config('evolution', 60, 'sha', 1);
  const a = await search(straight, cfg);
  for (const cut of [{ stopAfter: 25 }, { abortAfter: 40 }]) {
    const store = Store.open(':memory:');
    const first = await search(store, cfg, cut);
    assert.equal(first.outcome, 'interrupted');
    const midway = store.rungs(first.id);
    assert.ok(midway.length > 0 && midway.length < rungsOf(straight, a.id).length);
    const second = await search(store, cfg, { runId: first.id });
    assert.equal(second.outcome, 'complete');
    assert.deepEqual(rungsOf(store, first.id), rungsOf(straight, a.id), `resumed after ${JSON.stringify(cut)}`);
    assert.deepEqual(store.trials(first.id).map((t) => [t.key, t.rung, t.reward]), straight.trials(a.id).map((t) => [t.key, t.rung, t.reward]));
  }
});
