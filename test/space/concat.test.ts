/**
 * A NASNet genotype's optional `concat` (the states a published cell concatenates): checked,
 * canonical, in the key only when present, never proposed by a search, dropped by mutation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { loadSpace, SpaceError } from '../../src/space/load.js';
import type { NasnetGenotype } from '../../src/space/types.js';

const space = loadSpace('nasnet');
const plain = space.sample(seedrandom('concat')) as NasnetGenotype;
const withConcat = { ...plain, concat: { normal: [6, 0, 2], reduce: [3, 4, 5, 6] } };

test('concat is validated, sorted, and keeps the keys of genotypes without it', () => {
  const g = space.validate(withConcat) as NasnetGenotype;
  assert.deepEqual(g.concat, { normal: [0, 2, 6], reduce: [3, 4, 5, 6] });
  assert.equal((space.validate(plain) as NasnetGenotype).concat, undefined);
  assert.equal(space.key(g), `${space.key(plain)}+0,2,6/3,4,5,6`);
  assert.ok(!space.key(plain).includes('+'));
  assert.match(space.describe(g), /concat\(0,2,6\) \| reduce: .* concat\(3,4,5,6\)$/);
  assert.doesNotMatch(space.describe(plain), /concat/);
});

test('bad concat lists name the JSON path', () => {
  const cases: [unknown, RegExp][] = [
    [[0, 2], /^\$\.concat: expected an object with normal and reduce, got an array$/],
    [{ normal: [2] }, /^\$\.concat\.reduce: expected a non-empty array of states 0\.\.6, got nothing$/],
    [{ normal: [], reduce: [2] }, /^\$\.concat\.normal: expected a non-empty array/],
    [{ normal: [2, 7], reduce: [2] }, /^\$\.concat\.normal\[1\]: state 7 out of range 0\.\.6$/],
    [{ normal: [2, 2], reduce: [2] }, /^\$\.concat\.normal\[1\]: duplicate state 2$/],
    [{ normal: [1.5], reduce: [2] }, /^\$\.concat\.normal\[0\]: state 1\.5 out of range/],
    [{ normal: [2], reduce: [2], extra: [] }, /^\$\.concat\.extra: unknown key/],
  ];
  for (const [concat, re] of cases) assert.throws(() => space.validate({ ...plain, concat }), (e: Error) => e instanceof SpaceError && re.test(e.message), JSON.stringify(concat));
  // The range follows the number of blocks (PNAS-style partial cells).
  const two = space.sample(seedrandom('two'), 2) as NasnetGenotype;
  assert.throws(() => space.validate({ ...two, concat: { normal: [4], reduce: [2] } }), /state 4 out of range 0\.\.3/);
  assert.throws(() => space.validate({ ...plain, concats: {} }), /\$\.concats: unknown key \(a nasnet genotype has space, normal, reduce, concat\)/);
});

test('searches never propose concat; a mutation of a published cell is a cell of the space', () => {
  const rng = seedrandom('m');
  for (let i = 0; i < 20; i++) assert.equal((space.sample(rng) as NasnetGenotype).concat, undefined);
  assert.equal((space.decode(space.encode(withConcat)) as NasnetGenotype).concat, undefined);
  for (let i = 0; i < 20; i++) {
    const { genotype } = space.mutate(withConcat, rng);
    assert.equal((genotype as NasnetGenotype).concat, undefined);
    assert.deepEqual(space.validate(genotype), genotype);
  }
});
