import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { loadSpace, SpaceError } from '../../src/space/load.js';
import type { NasnetGenotype } from '../../src/space/types.js';

const space = loadSpace('nasnet');

test('decisions: input 1, input 2, op 1, op 2 per block, normal cell first', () => {
  const ds = space.decisions();
  assert.equal(ds.length, 2 * 5 * 4);
  assert.deepEqual(ds.slice(0, 4).map((d) => [d.name, d.kind, d.options]), [
    ['normal[0].input1', 'input', 2],
    ['normal[0].input2', 'input', 2],
    ['normal[0].op1', 'op', 13],
    ['normal[0].op2', 'op', 13],
  ]);
  assert.equal(ds[4 * 4].options, 6, 'block 4 inputs: h[i-2], h[i-1], blocks 0..3');
  assert.deepEqual(ds[4 * 4].labels, ['h[i-2]', 'h[i-1]', 'block 0', 'block 1', 'block 2', 'block 3']);
  assert.equal(ds[20].cell, 'reduce');
  assert.equal(ds[20].stage, 1);
  assert.equal(space.decisions(2).length, 16);
  assert.deepEqual(space.decisions(2).map((d) => d.cell), [...Array(8).fill('normal'), ...Array(8).fill('reduce')]);
  assert.throws(() => space.decisions(6), SpaceError);
});

test('sample is valid, canonical and deterministic under a seed', () => {
  const a = Array.from({ length: 50 }, ((rng) => () => space.sample(rng))(seedrandom('7')));
  const b = Array.from({ length: 50 }, ((rng) => () => space.sample(rng))(seedrandom('7')));
  assert.deepEqual(a, b);
  for (const g of a) assert.deepEqual(space.validate(g), g);
  assert.ok(new Set(a.map(space.key)).size > 45, 'samples differ');
  const small = space.sample(seedrandom('x'), 2) as NasnetGenotype;
  assert.equal(small.normal.length, 2);
  assert.equal(small.reduce.length, 2);
  assert.equal(space.stagesOf(small), 2);
});

test('sample draws every op and every input', () => {
  const rng = seedrandom('all');
  const ops = new Set<string>();
  const inputs = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const g = space.sample(rng) as NasnetGenotype;
    for (const b of g.normal) {
      b.ops.forEach((o) => ops.add(o));
      b.inputs.forEach((x) => inputs.add(x));
    }
  }
  assert.equal(ops.size, 13);
  assert.deepEqual([...inputs].sort(), [0, 1, 2, 3, 4, 5]);
});

test('round-trips: encode/decode, key, JSON', () => {
  const rng = seedrandom('rt');
  for (let i = 0; i < 100; i++) {
    const stages = 1 + (i % 5);
    const g = space.sample(rng, stages);
    const c = space.encode(g);
    assert.equal(c.length, space.decisions(stages).length);
    assert.deepEqual(space.decode(c), g);
    assert.deepEqual(space.validate(JSON.parse(JSON.stringify(g))), g);
    assert.equal(space.key(JSON.parse(JSON.stringify(g))), space.key(g));
  }
  assert.throws(() => space.decode([0, 0, 0]), /8 choices per block/);
  assert.throws(() => space.decode([0, 2, 0, 0, 0, 0, 0, 0]), /\$\[1\]: choice 2 for normal\[0\]\.input2 out of range 0\.\.1/);
});

test('the canonical key ignores the order of a block\'s two pairs', () => {
  const g = space.sample(seedrandom('k')) as NasnetGenotype;
  const swapped: NasnetGenotype = JSON.parse(JSON.stringify(g));
  for (const b of [...swapped.normal, ...swapped.reduce]) {
    b.inputs.reverse();
    b.ops.reverse();
  }
  assert.equal(space.key(swapped), space.key(g));
  assert.deepEqual(space.validate(swapped), g);
  // ...but block order and op choice matter.
  const other: NasnetGenotype = JSON.parse(JSON.stringify(g));
  other.normal[0].ops[0] = other.normal[0].ops[0] === 'identity' ? 'conv_1x1' : 'identity';
  assert.notEqual(space.key(other), space.key(g));
  assert.match(space.key(g), /^[0-9a-m.]+\/[0-9a-m.]+$/);
});

test('validate names the JSON path of the fault', () => {
  const g = space.sample(seedrandom('v')) as NasnetGenotype;
  const bad = (mut: (x: any) => void, re: RegExp) => {
    const x = JSON.parse(JSON.stringify(g));
    mut(x);
    assert.throws(() => space.validate(x), (e: Error) => e instanceof SpaceError && re.test(e.message));
  };
  bad((x) => (x.normal[2].inputs[1] = 7), /^\$\.normal\[2\]\.inputs\[1\]: input 7 out of range 0\.\.3$/);
  bad((x) => (x.reduce[0].ops[1] = 'conv_9x9'), /^\$\.reduce\[0\]\.ops\[1\]: unknown op "conv_9x9"/);
  bad((x) => (x.space = 'nas-bench-201'), /^\$\.space: expected "nasnet"/);
  bad((x) => x.reduce.pop(), /^\$\.reduce: has 4 blocks but the normal cell has 5/);
  bad((x) => (x.normal = []), /^\$\.normal: expected an array of 1\.\.5 blocks/);
  bad((x) => (x.normal[0].inputs = [0]), /^\$\.normal\[0\]\.inputs: expected 2 inputs/);
  bad((x) => (x.normal[1].inputs[0] = 1.5), /^\$\.normal\[1\]\.inputs\[0\]: input 1\.5 out of range/);
  bad((x) => (x.extra = 1), /^\$\.extra: unknown key/);
  assert.throws(() => space.validate(null), (e: Error) => /^\$: expected a genotype object, got null$/.test(e.message));
});

test('mutations: valid, key changes, both kinds occur, deterministic under a seed', () => {
  const run = (seed: string) => {
    const rng = seedrandom(seed);
    let g = space.sample(rng);
    const out: { key: string; kind: string; detail: string }[] = [];
    for (let i = 0; i < 200; i++) {
      const { genotype, mutation } = space.mutate(g, rng);
      assert.deepEqual(space.validate(genotype), genotype);
      assert.notEqual(space.key(genotype), space.key(g), mutation.detail);
      out.push({ key: space.key(genotype), kind: mutation.kind, detail: mutation.detail });
      g = genotype;
    }
    return out;
  };
  const a = run('m');
  assert.deepEqual(run('m'), a);
  assert.notDeepEqual(run('n'), a);
  const kinds = new Set(a.map((m) => m.kind));
  assert.deepEqual([...kinds].sort(), ['input', 'op']);
  assert.ok(a.some((m) => m.detail.startsWith('normal')) && a.some((m) => m.detail.startsWith('reduce')));
  assert.match(a.find((m) => m.kind === 'op')!.detail, /^(normal|reduce) block \d op [12]: \w+ -> \w+$/);
  assert.match(a.find((m) => m.kind === 'input')!.detail, /^(normal|reduce) block \d input [12]: (h\[i-[12]\]|block \d) -> (h\[i-[12]\]|block \d)$/);
});

test('mutate changes exactly one (input, op) pair', () => {
  const rng = seedrandom('one');
  for (let i = 0; i < 100; i++) {
    const g = space.sample(rng) as NasnetGenotype;
    const c = space.mutate(g, rng).genotype as NasnetGenotype;
    let changed = 0;
    for (const cell of ['normal', 'reduce'] as const)
      c[cell].forEach((b, j) => {
        const left = [0, 1].map((k) => `${g[cell][j].inputs[k]}:${g[cell][j].ops[k]}`);
        for (const k of [0, 1]) {
          const at = left.indexOf(`${b.inputs[k]}:${b.ops[k]}`);
          if (at >= 0) left.splice(at, 1);
          else changed++;
        }
      });
    assert.equal(changed, 1);
  }
});

test('describe is one line', () => {
  const d = space.describe(space.sample(seedrandom('d')));
  assert.match(d, /^normal: (\w+\(\d\)\+\w+\(\d\) ){4}\w+\(\d\)\+\w+\(\d\) \| reduce: .*$/);
  assert.ok(d.length < 200, d);
  assert.ok(!d.includes('\n'));
});
