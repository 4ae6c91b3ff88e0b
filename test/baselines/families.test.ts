/**
 * The baselines of the macro families (search-spaces/baselines/{wrn,pyramidnet,ror,fractalnet,
 * resnext,senet,alexnet,zfnet}.json): documented (paper, which part is data and which macro
 * options), built as whole networks (buildBaselineNetwork) at a small size, trained one SGD step
 * without NaN, no tensor left; and which of them a run trains (cellBaselines).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectCpuBackend } from '../helpers/cpu-backend.js';
import * as tf from '#tfjs';
import { baselinesDir, cellBaselines, listBaselines, loadBaseline } from '../../src/baselines/index.js';
import { buildBaselineNetwork } from '../../src/baselines/network.js';
import { loadSpace } from '../../src/space/load.js';
import { UserError } from '../../src/core/errors.js';
import type { MacroSettings, NasnetGenotype } from '../../src/space/types.js';

const nasnet = loadSpace('nasnet');
const plus = loadSpace('nasnet-plus');
const raw = (name: string) => JSON.parse(readFileSync(join(baselinesDir, name + '.json'), 'utf8'));

/** The new baselines, and what each is: its macro options (none: a cell of nasnet-plus). */
const FAMILIES: Record<string, { macro?: Partial<MacroSettings>; cellOf?: string; space: string }> = {
  wrn: { macro: { widthMultiplier: 4 }, cellOf: 'resnet', space: 'nasnet' },
  pyramidnet: { macro: { pyramidAlpha: 12 }, cellOf: 'resnet', space: 'nasnet' },
  ror: { macro: { rorLevels: 3 }, cellOf: 'resnet', space: 'nasnet' },
  fractalnet: { macro: { fractalColumns: 3 }, space: 'nasnet' },
  resnext: { space: 'nasnet-plus' },
  senet: { space: 'nasnet-plus' },
  alexnet: { macro: { stemKernel: 5, stemStride: 2 }, space: 'nasnet-plus' },
  zfnet: { macro: { stemKernel: 3, stemStride: 1 }, cellOf: 'alexnet', space: 'nasnet-plus' },
};

const small: MacroSettings = { stemChannels: 4, filters: 4, cellsPerStage: 1, reductions: 2, filterMultiplier: 2 };
const INPUT: [number, number, number] = [8, 8, 3];

const backendReady = selectCpuBackend();

/** One plain SGD step on a tiny batch, in training mode; the loss before it. */
function sgdStep(model: tf.LayersModel, lr = 0.05): number {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return tf.tidy(() => {
    const x = tf.randomNormal([4, ...INPUT], 0, 1, 'float32', 11);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 10);
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
    for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name], lr)));
    return value.dataSync()[0];
  });
}

test('the families\' baselines exist, cite their paper and say which part is data and which macro options', () => {
  const names = listBaselines();
  for (const [name, f] of Object.entries(FAMILIES)) {
    assert.ok(names.includes(name), name);
    const r = raw(name);
    assert.equal(r.name, name);
    assert.match(r.citation, /\d{4}/, `${name}: citation with a year`);
    assert.ok(r.comment.length > 200, `${name}: how it maps`);
    assert.ok(r.inexact.length > 50, `${name}: what it approximates`);
    assert.match(r.parts.cell, /^data: /, name);
    assert.match(r.parts.macro, f.macro ? /^macro options? / : /^none: /, name);
    assert.deepEqual(r.macro, f.macro, name);
    assert.equal(r.space ?? 'nasnet', f.space, name);
    // Each option of the file is named in its parts and its comment.
    for (const k of Object.keys(f.macro ?? {})) assert.ok(r.parts.macro.includes(k) && r.comment.includes(k), `${name}: ${k}`);
    if (f.cellOf) {
      const cell = (n: string) => ({ normal: raw(n).genotype.normal, reduce: raw(n).genotype.reduce });
      assert.deepEqual(cell(name), cell(f.cellOf), `${name}'s cell is ${f.cellOf}'s`);
    }
  }
  // Every baseline file says which parts are which.
  for (const n of names) assert.ok(typeof raw(n).parts?.cell === 'string' && typeof raw(n).parts?.macro === 'string', n);
});

test('loadBaseline gives the macro options, the space of the cell, and substitutes its nasnet-plus ops elsewhere', () => {
  const wrn = loadBaseline('wrn', nasnet);
  assert.deepEqual(wrn.macro, { widthMultiplier: 4 });
  assert.equal(wrn.space, 'nasnet');
  assert.equal(loadBaseline('resnet', nasnet).macro, undefined);
  const senet = loadBaseline('senet', plus);
  assert.equal(senet.space, 'nasnet-plus');
  assert.ok((senet.genotype as NasnetGenotype).normal.some((b) => b.ops.includes('se_conv_3x3_r4')));
  const senetPlain = loadBaseline('senet', nasnet);
  assert.deepEqual(senetPlain.substituted, { se_conv_3x3_r4: 'conv_3x3' });
  assert.match(senetPlain.inexact!, /Space nasnet lacks se_conv_3x3_r4 \(replaced by conv_3x3\)/);
  assert.deepEqual(loadBaseline('resnext', nasnet).substituted, { group_conv_3x3_c4: 'conv_3x3' });
  assert.deepEqual(loadBaseline('alexnet', nasnet).substituted, { conv_5x5: 'conv_3x3' });
});

test('a run trains the cell baselines only: not the networks, and a nasnet-plus cell only in a space with its ops', () => {
  const inNasnet = cellBaselines(nasnet);
  const inPlus = cellBaselines(plus);
  for (const n of ['wrn', 'pyramidnet', 'ror', 'fractalnet', 'alexnet', 'zfnet']) {
    assert.ok(!inNasnet.includes(n) && !inPlus.includes(n), n);
  }
  assert.ok(!inNasnet.includes('senet') && !inNasnet.includes('resnext'), 'SENet without SE is ResNet');
  assert.ok(inPlus.includes('senet') && inPlus.includes('resnext'));
  for (const n of ['vgg', 'resnet', 'nasnet-a', 'amoebanet-a', 'pnasnet-5']) assert.ok(inNasnet.includes(n) && inPlus.includes(n), n);
  // A run's trials need distinct keys.
  for (const [space, names] of [[nasnet, inNasnet], [plus, inPlus]] as const) {
    const keys = names.map((n) => space.key(loadBaseline(n, space).genotype));
    assert.equal(new Set(keys).size, keys.length, space.name);
  }
});

for (const [name, f] of Object.entries(FAMILIES)) {
  test(`${name}: builds as its network at a small size, trains one step without NaN, frees every tensor`, async () => {
    await backendReady;
    const before = tf.memory().numTensors;
    const net = buildBaselineNetwork(name, small, { inputShape: INPUT, numClasses: 10, seed: 2 });
    try {
      assert.equal(net.space.name, f.space);
      assert.deepEqual(net.macro, { ...small, ...f.macro });
      assert.ok(Number.isFinite(net.built.params) && net.built.params > 0, `params ${net.built.params}`);
      assert.ok(Number.isFinite(net.built.multAdds) && net.built.multAdds > net.built.params, `mult-adds ${net.built.multAdds}`);
      const first = sgdStep(net.built.model);
      const second = sgdStep(net.built.model);
      assert.ok(Number.isFinite(first) && Number.isFinite(second), `losses ${first}, ${second}`);
      assert.ok(net.built.model.trainableWeights.every((w) => tf.tidy(() => tf.all(tf.isFinite(w.read())).dataSync()[0] === 1)), 'finite weights');
    } finally {
      net.built.model.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
  });
}

test('the network options change the network: wrn is wider than resnet, ror has more weights, alexnet\'s stem strides', () => {
  const params = (n: string) => {
    const net = buildBaselineNetwork(n, small, { inputShape: INPUT, numClasses: 10, seed: 2 });
    net.built.model.dispose();
    return net.built;
  };
  const resnet = params('resnet');
  const wrn = params('wrn');
  // k = 4: the cells' convs 16x; stem and classifier grow less.
  assert.ok(wrn.params > 10 * resnet.params && wrn.params < 16 * resnet.params, `${wrn.params} vs ${resnet.params}`);
  assert.ok(params('ror').params > resnet.params);
  // 5x5 stride 2: the cells see a quarter of the pixels, mult-adds drop although the stem's kernel grew.
  assert.ok(params('alexnet').multAdds < params('zfnet').multAdds / 2);
});

test('a cardinality that does not divide a width of the network is one UserError line', () => {
  assert.throws(() => buildBaselineNetwork('resnext', { ...small, filters: 6 }, { inputShape: INPUT, numClasses: 10 }),
    (e: unknown) => e instanceof UserError && /^baseline resnext cannot be built at these widths: group_conv_3x3_c4: cardinality 4 does not divide 6 channels of stage 0 \(macro.filters 6\)$/.test((e as Error).message));
});
