import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { loadSpace, parseNb201Arch, formatNb201Arch, SpaceError } from '../../src/space/load.js';
import { UserError } from '../../src/core/errors.js';
import type { Nb201Genotype } from '../../src/space/types.js';
import { NB201_OPS } from '../../src/model/ops/names.js';

const space = loadSpace('nas-bench-201');
const arch = (s: string): Nb201Genotype => ({ space: 'nas-bench-201', arch: s });

test('parse/format round-trip over all 15,625 cells is fast', () => {
  const t0 = performance.now();
  const seen = new Set<string>();
  for (let i = 0; i < 5 ** 6; i++) {
    const ops = Array.from({ length: 6 }, (_, e) => NB201_OPS[Math.floor(i / 5 ** e) % 5]);
    const s = formatNb201Arch(ops);
    assert.deepEqual(parseNb201Arch(s), ops);
    const g = space.validate(arch(s)) as Nb201Genotype;
    assert.equal(g.arch, s);
    assert.equal(space.key(g), s);
    assert.deepEqual(space.decode(space.encode(g)), g);
    seen.add(s);
  }
  const ms = performance.now() - t0;
  assert.equal(seen.size, 15625);
  assert.ok(ms < 3000, `took ${ms} ms`);
});

test('the standard string parses into edges 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2', () => {
  assert.deepEqual(parseNb201Arch('|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|none~2|'), [
    'nor_conv_3x3', 'none', 'skip_connect', 'avg_pool_3x3', 'nor_conv_1x1', 'none',
  ]);
});

test('a string that does not parse is a UserError quoting it', () => {
  for (const s of ['', '|a~0|', '|a~0|+|b~0|c~1|+|d~0|e~1|', '|a~1|+|b~0|c~1|+|d~0|e~1|f~2|', 'a~0|+|b~0|c~1|+|d~0|e~1|f~2|', '|a~0|+|b~0|c~1|+|d~0|e~1|f~2|g~3|', '|a b~0|+|b~0|c~1|+|d~0|e~1|f~2|']) {
    assert.throws(() => parseNb201Arch(s), (e: Error) => e instanceof UserError && e.message.includes(JSON.stringify(s)) && !e.message.includes('\n'), s);
  }
  assert.throws(() => space.validate(arch('|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|')), (e: Error) => e instanceof SpaceError && /^\$\.arch: edge 1<-0: unknown op "conv"/.test(e.message));
  assert.throws(() => space.validate(arch('|x|')), (e: Error) => e.message.startsWith('$.arch: invalid NAS-Bench-201 arch string "|x|"'));
  assert.throws(() => space.validate({ space: 'nasnet', arch: 'x' }), (e: Error) => e.message.startsWith('$.space: expected "nas-bench-201"'));
});

test('decisions are the 6 edge ops; stages are intermediate nodes', () => {
  assert.deepEqual(space.decisions().map((d) => [d.name, d.stage, d.options]), [
    ['edge 1<-0', 1, 5], ['edge 2<-0', 2, 5], ['edge 2<-1', 2, 5], ['edge 3<-0', 3, 5], ['edge 3<-1', 3, 5], ['edge 3<-2', 3, 5],
  ]);
  assert.equal(space.decisions(1).length, 1);
  assert.equal(space.decisions(2).length, 3);
});

test('partial cells are completed with pass-through nodes', () => {
  const one = space.decode([3]) as Nb201Genotype;
  assert.equal(one.arch, '|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|');
  assert.equal(space.stagesOf(one), 1);
  assert.deepEqual(space.encode(one), [3]);
  const two = space.decode([3, 2, 4]) as Nb201Genotype;
  assert.equal(two.arch, '|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|none~0|none~1|skip_connect~2|');
  assert.equal(space.stagesOf(two), 2);
  assert.deepEqual(space.encode(two), [3, 2, 4]);
  const full = space.decode([3, 2, 4, 1, 0, 0]);
  assert.equal(space.stagesOf(full), 3);
  assert.throws(() => space.decode([0, 0]), /1, 3 or 6 choices/);
  assert.throws(() => space.decode([5]), /choice 5 for edge 1<-0 out of range 0\.\.4/);
  const rng = seedrandom('p');
  for (let i = 0; i < 50; i++) {
    const g = space.sample(rng, 2);
    assert.ok(space.stagesOf(g) <= 2);
    assert.deepEqual(space.decode(space.encode(g)), g);
  }
});

test('sample and mutate: valid, deterministic, mutate changes exactly one edge', () => {
  const run = (seed: string) => {
    const rng = seedrandom(seed);
    let g = space.sample(rng);
    const out: string[] = [];
    for (let i = 0; i < 100; i++) {
      const { genotype, mutation } = space.mutate(g, rng);
      assert.equal(mutation.kind, 'op');
      const a = parseNb201Arch((g as Nb201Genotype).arch);
      const b = parseNb201Arch((genotype as Nb201Genotype).arch);
      assert.equal(a.filter((op, e) => op !== b[e]).length, 1, mutation.detail);
      assert.match(mutation.detail, /^edge \d<-\d: \w+ -> \w+$/);
      out.push(space.key(genotype));
      g = genotype;
    }
    return out;
  };
  assert.deepEqual(run('s'), run('s'));
  assert.notDeepEqual(run('s'), run('t'));
});
