/**
 * `nas train --regulariser R`, end to end through the real CLI: each block regulariser trains one
 * tiny epoch (32 real images, reduction cells only, 4 filters), says where it went, records its
 * settings with the replay, and the saved model loads and scores what the replay reported.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '#tfjs';
import { loadModel } from '../../src/model/load.js';
import { modelFiles } from '../../src/export/tfjs-files.js';
import { loadDataset } from '../../src/data/datasets.js';
import { evaluate } from '../../src/training/evaluate.js';
import { TINY_TRAIN, writeTinyIdx } from './fixtures.js';
import { nas, tempDir } from './helpers.js';

const CASES: Array<{ args: string[]; layer: string; line: RegExp; recorded: object }> = [
  { args: ['--regulariser', 'shake-shake'], layer: 'ShakeShake', line: /^shake-shake in 10 blocks$/m, recorded: { name: 'shake-shake' } },
  // resnet's reduction cell: blocks 3 and 4 have an identity on a block output (x + F), twice.
  { args: ['--regulariser', 'shakedrop', '--shakedrop-p', '0.6'], layer: 'ShakeDrop', line: /^shakedrop \(p_L 0\.6\) in 4 blocks$/m, recorded: { name: 'shakedrop', pL: 0.6 } },
  { args: ['--regulariser', 'swapout', '--swapout-keep', '0.9,0.7'], layer: 'Swapout', line: /^swapout \(keep 0\.9 on identity branches, 0\.7 on the others\) in 10 blocks$/m, recorded: { name: 'swapout', keepIdentity: 0.9, keepOp: 0.7 } },
];

test('nas train trains one tiny epoch with each block regulariser and saves a model that scores what it reported', { timeout: 300_000 }, async () => {
  const root = tempDir('nas-regularisers-');
  try {
    const dataset = join(root, 'tiny-idx');
    writeTinyIdx(dataset);
    const ds = loadDataset(dataset);
    for (const c of CASES) {
      const out = join(root, c.layer);
      const args = ['train', ...TINY_TRAIN.map((a, i) => (TINY_TRAIN[i - 1] === '--epochs' ? '1' : a)), ...c.args, '--dataset', dataset, '--out', out, '--db', join(root, 'nas.db')];
      const r = nas(args);
      assert.equal(r.status, 0, `nas ${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, c.line);
      assert.match(r.stdout, /^epoch 1\/1 .*loss \d+\.\d+/m);
      const accuracy = Number(/test accuracy (\d+\.\d+) ?%/.exec(r.stdout)?.[1]) / 100;
      assert.ok(accuracy >= 0 && accuracy <= 1, r.stdout);
      const ckpt = JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8'));
      assert.deepEqual(ckpt.config.settings.regulariser, c.recorded, 'the settings are recorded with the checkpoint');
      const model = await loadModel(modelFiles(join(out, 'model')));
      assert.ok(model.layers.some((l) => l.getClassName() === c.layer), `${c.layer} layers are saved`);
      const scored = evaluate(model, { ...ds.test, norm: ds.train.norm }, 256);
      assert.ok(Math.abs(scored.accuracy - accuracy) < 0.005, `loaded model scores ${scored.accuracy}, the replay said ${accuracy}`);
      model.dispose();
    }
    assert.equal(tf.memory().numTensors, 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
