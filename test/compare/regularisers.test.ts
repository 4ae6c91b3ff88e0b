/** The regulariser registry of `nas compare --regularisers`: every name changes the training as it says, and refuses networks it cannot apply to. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REGULARISERS, regulariser, regulariserNames } from '../../src/compare/regularisers.js';
import { protocolSettings } from '../../src/compare/protocol.js';
import { loadSpace } from '../../src/space/load.js';
import { loadBaseline } from '../../src/baselines/index.js';
import { UserError } from '../../src/core/errors.js';

const base = protocolSettings({ epochs: 10, batchSize: 128, learningRate: 0.1, weightDecay: 5e-4, seed: 0, cellsPerStage: 2, filters: 16 }, 'default');
const nasnet = loadSpace('nasnet');

test('the registry holds exactly what nas train trains today', () => {
  assert.deepEqual(regulariserNames(), ['none', 'stochastic-depth', 'cutout', 'random-erasing', 'shake-shake', 'shakedrop', 'swapout', 'shake-shake+cutout']);
  for (const r of REGULARISERS) assert.ok(r.what.length > 10, r.name);
});

test('each regulariser changes only its own settings, and none changes nothing; the protocol is not edited', () => {
  const frozen = JSON.stringify(base);
  const changed = (name: string, imageSize = 32) => {
    const s = regulariser(name).apply(base, { imageSize });
    const diff: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s)) if (JSON.stringify(v) !== JSON.stringify((base as unknown as Record<string, unknown>)[k])) diff[k] = v;
    return diff;
  };
  assert.deepEqual(changed('none'), {});
  assert.deepEqual(changed('stochastic-depth'), { dropPath: 0.5 });
  assert.deepEqual(changed('cutout'), { augment: { ...base.augment, cutout: 16 } }, '16 px on 32x32 (DeVries & Taylor)');
  assert.deepEqual(changed('cutout', 28), { augment: { ...base.augment, cutout: 14 } }, 'half the side');
  assert.deepEqual(changed('random-erasing'), { augment: { ...base.augment, randomErasing: 0.5 } });
  assert.deepEqual(changed('shake-shake'), { regulariser: { name: 'shake-shake' } });
  assert.deepEqual(changed('shakedrop'), { regulariser: { name: 'shakedrop', pL: 0.5 } });
  assert.deepEqual(changed('swapout'), { regulariser: { name: 'swapout', keepIdentity: 0.5, keepOp: 0.5 } });
  assert.deepEqual(changed('shake-shake+cutout'), { augment: { ...base.augment, cutout: 16 }, regulariser: { name: 'shake-shake' } });
  assert.equal(JSON.stringify(base), frozen);
  // The survey's protocol underneath: plain momentum, step schedule, crop + flip, nothing else.
  assert.deepEqual({ momentum: base.momentum, nesterov: base.nesterov, schedule: base.schedule, lr: base.learningRate, augment: base.augment, dropPath: base.dropPath },
    { momentum: 0.9, nesterov: false, schedule: 'step', lr: 0.1, augment: { pad: 4, flip: true, cutout: 0, randomErasing: 0 }, dropPath: 0 });
});

test('stochastic depth refuses networks without identity shortcuts (a dropped block would zero the signal)', () => {
  const sd = regulariser('stochastic-depth');
  for (const name of ['vgg', 'densenet', 'mobilenet']) assert.match(sd.refuses!(loadBaseline(name, nasnet).genotype) ?? '', /no identity shortcut/, name);
  for (const name of ['resnet', 'xception', 'nasnet-a']) assert.equal(sd.refuses!(loadBaseline(name, nasnet).genotype), undefined, name);
  assert.match(sd.refuses!({ space: 'nas-bench-201', arch: '|skip_connect~0|+|skip_connect~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|' }) ?? '', /no identity shortcut/);
  for (const name of ['none', 'cutout', 'random-erasing']) assert.equal(regulariser(name).refuses, undefined, name);
});

test('block regularisers refuse NAS-Bench-201 cells; ShakeDrop also networks without an x + F block', () => {
  const nb = { space: 'nas-bench-201' as const, arch: '|skip_connect~0|+|skip_connect~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|' };
  for (const name of ['shake-shake', 'shakedrop', 'swapout', 'shake-shake+cutout']) {
    assert.match(regulariser(name).refuses!(nb) ?? '', /two-branch blocks/, name);
    assert.equal(regulariser(name).refuses!(loadBaseline('resnet', nasnet).genotype), undefined, name);
  }
  assert.match(regulariser('shakedrop').refuses!(loadBaseline('vgg', nasnet).genotype) ?? '', /no identity branch/);
  assert.equal(regulariser('shake-shake').refuses!(loadBaseline('vgg', nasnet).genotype), undefined);
});

test('an unknown name lists the known ones', () => {
  assert.throws(() => regulariser('dropout'), (e: unknown) => e instanceof UserError && /unknown regulariser "dropout" \(known: none, stochastic-depth, cutout, random-erasing, shake-shake, shakedrop, swapout, shake-shake\+cutout\)/.test(e.message));
});
