/**
 * The strategy contract, over EVERY registered strategy × EVERY shipped search space:
 * valid genotypes only, no duplicate proposals unless allowed, identical proposals under the
 * same seed and rewards, the same next proposals after state() → JSON → restore() into a fresh
 * instance, and no leaked tensors. Children finish out of step with asks (3 in flight), some fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '#tfjs';
import type { Genotype, SearchSpace } from '../../src/space/types.js';
import type { Strategy } from '../../src/strategies/types.js';
import { loadSpace } from '../../src/space/load.js';
import { createStrategy, strategyNames } from '../../src/strategies/index.js';
import { loadTable } from '../../src/evaluators/table/table.js';
import { NB201_TABLE } from '../../src/commands/bench-strategies.js';

const SPACES = ['nasnet', 'nas-bench-201'];
const STRATEGIES = ['random', 'evolution', 'reinforce', 'smbo'];
/** Smaller rounds on the big NASNet space so SMBO reaches its predictor within a short test. */
const OPTIONS: Record<string, Record<string, Record<string, number>>> = {
  nasnet: { smbo: { first: 8, beam: 4, candidates: 300 }, evolution: { population: 8, sample: 3 } },
  'nas-bench-201': { evolution: { population: 8, sample: 3 } },
};

const spaces = new Map<string, SearchSpace>(SPACES.map((s) => [s, loadSpace(s)]));
const nb201Table = loadTable(NB201_TABLE, { rewardColumn: 'cifar10_valid_acc_12ep', space: spaces.get('nas-bench-201')! });

/** A deterministic reward: the real table for NB201; for NASNet, the share of separable convs plus a hash jitter. */
function reward(space: SearchSpace, g: Genotype, trialId: number): number | null {
  if (trialId % 9 === 0) return null; // a failed child
  if (space.family === 'nas-bench-201') return nb201Table.require(g).reward;
  const key = space.key(g);
  let h = 0;
  for (const c of key) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  const ops = g.space === 'nasnet' ? [...g.normal, ...g.reduce].flatMap((b) => b.ops) : [];
  return ops.filter((o) => o.startsWith('sep_conv')).length / Math.max(1, ops.length) * 0.8 + (h % 1000) / 1e4;
}

interface InFlight { id: number; genotype: Genotype }

/**
 * Asks until `trials` proposals were made, keeping up to 3 children in flight and telling the
 * oldest when full or when the strategy has nothing to propose. Returns the proposal keys.
 */
function drive(s: Strategy, space: SearchSpace, trials: number, inflight: InFlight[], nextId: { v: number }): string[] {
  const keys: string[] = [];
  while (keys.length < trials) {
    const p = s.ask();
    if (p) {
      const valid = space.validate(p.genotype); // throws on an invalid genotype
      assert.equal(space.key(valid), space.key(p.genotype));
      assert.ok(typeof p.origin === 'string' && p.origin.length > 0);
      keys.push(space.key(p.genotype));
      inflight.push({ id: nextId.v++, genotype: p.genotype });
    }
    if (!p || inflight.length >= 3) {
      const done = inflight.shift();
      if (!done) assert.fail(`${s.name} proposed nothing with nothing in flight`);
      s.tell({ trialId: done.id, genotype: done.genotype, reward: reward(space, done.genotype, done.id) });
    }
  }
  return keys;
}

async function make(name: string, spaceName: string, seed: number): Promise<Strategy> {
  return createStrategy(name, { space: spaces.get(spaceName)!, seed, options: { ...(OPTIONS[spaceName][name] ?? {}) } });
}

test('the registry has every strategy', () => {
  for (const s of STRATEGIES) assert.ok(strategyNames().includes(s), `missing ${s}`);
});

for (const spaceName of SPACES) {
  for (const name of STRATEGIES) {
    test(`${name} × ${spaceName}: valid, no duplicates, seeded, resumable, no leaks`, async () => {
      const space = spaces.get(spaceName)!;
      const before = tf.memory().numTensors;
      const trials = 24;

      // Same seed, same rewards → same proposals; all valid, none repeated.
      const a = await make(name, spaceName, 7);
      const b = await make(name, spaceName, 7);
      const ka = drive(a, space, trials, [], { v: 1 });
      const kb = drive(b, space, trials, [], { v: 1 });
      assert.deepEqual(ka, kb);
      assert.equal(new Set(ka).size, ka.length, 'duplicate proposal');
      a.dispose?.();
      b.dispose?.();

      // Another seed gives another search.
      const c = await make(name, spaceName, 8);
      assert.notDeepEqual(drive(c, space, trials, [], { v: 1 }), ka);
      c.dispose?.();

      // state() → JSON → restore() into a fresh instance continues identically, children in flight included.
      const orig = await make(name, spaceName, 11);
      const inflight: InFlight[] = [];
      const id = { v: 1 };
      const first = drive(orig, space, 14, inflight, id);
      const saved = JSON.parse(JSON.stringify(orig.state()));
      const fresh = await make(name, spaceName, 999); // the seed must come from the state
      fresh.restore(saved);
      const nextOrig = drive(orig, space, 12, inflight.map((x) => ({ ...x })), { v: id.v });
      const nextFresh = drive(fresh, space, 12, inflight.map((x) => ({ ...x })), { v: id.v });
      assert.deepEqual(nextFresh, nextOrig);
      assert.equal(new Set([...first, ...nextOrig]).size, first.length + nextOrig.length, 'duplicate after resume');
      orig.dispose?.();
      fresh.dispose?.();

      assert.equal(tf.memory().numTensors, before, 'leaked tensors');
    });
  }
}
