import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '#tfjs';
import { baselineSpaceName, baselinesDir, listBaselines, loadBaseline, selectBaselines } from '../../src/baselines/index.js';
import { loadSpace } from '../../src/space/load.js';
import { buildModel } from '../../src/model/build.js';
import { UserError } from '../../src/core/errors.js';
import type { NasnetGenotype } from '../../src/space/types.js';

const space = loadSpace('nasnet');

test('the issue\'s baselines all exist', () => {
  const names = listBaselines();
  for (const n of ['vgg', 'resnet', 'inception', 'xception', 'mobilenet', 'mobilenet-shortcut', 'densenet', 'squeezenet', 'nasnet-a', 'amoebanet-a', 'pnasnet-5']) {
    assert.ok(names.includes(n), n);
  }
});

for (const name of listBaselines()) {
  test(`${name}: documented, valid for the nasnet space, builds into a model`, () => {
    const raw = JSON.parse(readFileSync(join(baselinesDir, name + '.json'), 'utf8'));
    assert.equal(raw.name, name);
    assert.ok(raw.citation.length > 20, 'citation');
    assert.ok(raw.comment.length > 50, 'comment on how it maps');
    assert.equal(typeof raw.exact, 'boolean');
    if (!raw.exact) assert.ok(raw.inexact.length > 20, 'reason it is not exact');
    const b = loadBaseline(name, space);
    assert.equal(b.genotype.space, 'nasnet');
    assert.equal((b.genotype as NasnetGenotype).normal.length, space.blocks);
    const built = buildModel(space, b.genotype, { ...space.macro, cellsPerStage: 1, filters: 4, stemChannels: 4 }, { inputShape: [16, 16, 1], numClasses: 10, seed: 1 });
    try {
      assert.ok(built.params > 0);
      const y = tf.tidy(() => (built.model.predict(tf.zeros([2, 16, 16, 1])) as tf.Tensor).shape);
      assert.deepEqual(y, [2, 10]);
    } finally {
      built.model.dispose();
    }
  });
}

test('published cells match their reference code (states numbered 0 = h[i-2], 1 = h[i-1], 2 + j = block j)', () => {
  const nas = loadBaseline('nasnet-a', space).genotype as NasnetGenotype;
  const raw = JSON.parse(readFileSync(join(baselinesDir, 'nasnet-a.json'), 'utf8')).genotype as NasnetGenotype;
  // Normal block 0: sep 5x5 on h[i-1] + sep 3x3 on h[i-2]; reduction block 3: identity(block 1) + avg 3x3(block 0).
  assert.deepEqual(raw.normal[0], { inputs: [1, 0], ops: ['sep_conv_5x5', 'sep_conv_3x3'] });
  assert.deepEqual(raw.reduce[3], { inputs: [3, 2], ops: ['identity', 'avg_pool_3x3'] });
  assert.equal(space.key(nas), space.key(raw));
  // nasnet_utils.py used_hiddenstates: normal [1, 0, 0, 0, 0, 0, 0], reduction [1, 1, 1, 0, 0, 0, 0] (reference order h[i-1], h[i-2], blocks).
  const paperOf = (n: string) => JSON.parse(readFileSync(join(baselinesDir, n + '.json'), 'utf8')).paper;
  assert.deepEqual(paperOf('nasnet-a').concat, { normal: [0, 2, 3, 4, 5, 6], reduce: [3, 4, 5, 6] });
  // amoeba_net model_specs.py, reduction comb 3: sep 3x3 of comb 2 + 1x7_7x1 (bottlenecked) of h[i-1].
  const amoeba = JSON.parse(readFileSync(join(baselinesDir, 'amoebanet-a.json'), 'utf8')).genotype as NasnetGenotype;
  assert.deepEqual(amoeba.reduce[3], { inputs: [4, 1], ops: ['sep_conv_3x3', 'conv_1x7_7x1_b4'] });
  assert.deepEqual(amoeba.normal[0], { inputs: [1, 1], ops: ['avg_pool_3x3', 'max_pool_3x3'] });
  assert.deepEqual(paperOf('amoebanet-a').concat, { normal: [0, 3, 4, 6], reduce: [2, 3, 4, 5, 6] });
  const pnas = JSON.parse(readFileSync(join(baselinesDir, 'pnasnet-5.json'), 'utf8')).genotype as NasnetGenotype;
  assert.deepEqual(pnas.normal, pnas.reduce);
  assert.deepEqual(pnas.normal[3], { inputs: [4, 1], ops: ['sep_conv_3x3', 'max_pool_3x3'] });
  assert.deepEqual(paperOf('pnasnet-5').concat, { normal: [2, 3, 4, 5, 6], reduce: [2, 3, 4, 5, 6] });
});

test('baselines are distinct networks: the cell in its own space, with its macro options', () => {
  // wrn, pyramidnet and ror share resnet's cell and zfnet alexnet's: their macro options differ.
  const keys = listBaselines().map((n) => {
    const own = loadSpace(baselineSpaceName(n));
    const b = loadBaseline(n, own);
    return `${own.name}:${own.key(b.genotype)}:${JSON.stringify(b.macro ?? {})}`;
  });
  assert.equal(new Set(keys).size, keys.length);
});

test('unknown names are a UserError listing the known ones', () => {
  assert.throws(() => loadBaseline('lenet', space), (e: unknown) => e instanceof UserError && /unknown baseline "lenet"; known: .*resnet/.test((e as Error).message));
  assert.throws(() => selectBaselines('resnet,nope'), UserError);
  assert.deepEqual(selectBaselines('resnet, vgg'), ['resnet', 'vgg']);
});
