/**
 * A replay with a block regulariser, killed inside epoch 2 and resumed from its epoch-1
 * checkpoint, ends with the weights of the uninterrupted replay: the regularisers' random streams
 * restart at every epoch from (seed, epoch), so the resumed epoch draws what it drew before.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '#tfjs';
import { loadSpace } from '../../src/space/load.js';
import { Store } from '../../src/store/store.js';
import { loadBaseline } from '../../src/baselines/index.js';
import { runReplay, type ReplayJob } from '../../src/replay/replay.js';
import type { RegulariserSettings } from '../../src/model/regularisers/index.js';
import { writeTinyIdx } from '../e2e/fixtures.js';

const space = loadSpace('nasnet');
const root = mkdtempSync(join(tmpdir(), 'nas-regularised-replay-'));
const dataDir = join(root, 'data');
before(() => writeTinyIdx(dataDir));

function job(store: Store, out: string, regulariser: RegulariserSettings | undefined, over: Partial<ReplayJob> = {}): ReplayJob {
  return {
    space, genotype: loadBaseline('resnet', space).genotype, label: 'baseline resnet', runId: null, trialId: null, dataset: dataDir,
    macro: { ...space.macro, cellsPerStage: 0, reductions: 2, filters: 2, stemChannels: 2 },
    settings: {
      epochs: 2, batchSize: 16, learningRate: 0.05, schedule: 'step', momentum: 0.9, nesterov: true, weightDecay: 5e-4,
      augment: { pad: 0, flip: false, cutout: 0, randomErasing: 0 }, dropPath: 0, regulariser, auxWeight: 0, labelSmoothing: 0, seed: 3,
    },
    backend: 'cpu', out, resume: false, store, log: () => {}, ...over,
  };
}

class Killed extends Error {}

test('a killed regularised replay resumes to the weights of an uninterrupted one', async () => {
  const store = Store.open(':memory:');
  const weights = (dir: string) => readFileSync(join(dir, 'model', 'weights.bin'));
  await runReplay(job(store, join(root, 'plain'), undefined));
  const settings: RegulariserSettings[] = [{ name: 'shake-shake' }, { name: 'shakedrop', pL: 0.5 }, { name: 'swapout', keepIdentity: 0.9, keepOp: 0.7 }];
  for (const s of settings) {
    const tensors = tf.memory().numTensors;
    const full = join(root, `${s.name}-full`);
    await runReplay(job(store, full, s));
    assert.equal(tf.memory().numTensors, tensors, `${s.name}: no tensor leaked`);
    assert.notDeepEqual(weights(full), weights(join(root, 'plain')), `${s.name}: the regulariser changes training`);
    const out = join(root, `${s.name}-killed`);
    const kill = (p: { epoch: number; batch: number }) => {
      if (p.epoch === 2 && p.batch === 1) throw new Killed('killed');
    };
    await assert.rejects(runReplay(job(store, out, s, { onBatch: kill })), Killed);
    await runReplay(job(store, out, s, { resume: true }));
    assert.deepEqual(weights(out), weights(full), `${s.name}: resumed = uninterrupted`);
  }
  store.close();
});
