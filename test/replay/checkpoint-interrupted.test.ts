/**
 * A checkpoint save killed between its two renames (new checkpoint.bin in place, checkpoint.json
 * still the old one, the new one complete as checkpoint.json.tmp) resumes from the new checkpoint;
 * a .tmp that is cut short or describes other bytes is ignored, and the old pair is judged as it is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '#tfjs';
import { UserError } from '../../src/core/errors.js';
import { readCheckpointData, readCheckpointMeta, saveCheckpoint, checkpointJson } from '../../src/replay/checkpoint.js';

test('a save killed between its renames: the complete .tmp with the .bin\'s checksum is the checkpoint', async () => {
  await tf.setBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'nas-ckpt-'));
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
  const meta = (epoch: number) => ({
    replayId: 1, epoch, epochs: 3, genotypeKey: 'k', genotype: { space: 'nasnet' } as never,
    shape: { inputShape: [4], numClasses: 3, cellsPerStage: 1, filters: 1, stemChannels: 1, reductions: 0, auxHead: false },
    config: {}, rng: {}, curve: Array.from({ length: epoch }, (_, i) => ({ epoch: i + 1, trainLoss: 1, trainAccuracy: 0.5, seconds: 1 })), seconds: epoch,
  });
  const slots = () => model.trainableWeights.map((w) => new Float32Array((w.shape as number[]).reduce((a, b) => a * b, 1)));
  await saveCheckpoint(dir, meta(1), model, slots());
  const oldJson = readFileSync(checkpointJson(dir), 'utf8');
  model.setWeights(model.getWeights().map((w) => tf.add(w, 1)));
  await saveCheckpoint(dir, meta(2), model, slots());
  const newJson = readFileSync(checkpointJson(dir), 'utf8');
  // The state a kill after the .bin rename and before the .json rename leaves.
  writeFileSync(checkpointJson(dir), oldJson);
  writeFileSync(checkpointJson(dir) + '.tmp', newJson);
  const got = readCheckpointMeta(dir)!;
  assert.equal(got.epoch, 2);
  assert.ok(readCheckpointData(dir, got).length > 0, 'its bytes pass the checksum');
  // A .tmp cut short (the save died while writing it, before any rename) is not used: the old json
  // is then judged against the bin, here a mismatch, refused as damaged.
  writeFileSync(checkpointJson(dir) + '.tmp', newJson.slice(0, 100));
  const old = readCheckpointMeta(dir)!;
  assert.equal(old.epoch, 1);
  assert.throws(() => readCheckpointData(dir, old), (e: unknown) => e instanceof UserError && /does not match the checksum/.test((e as Error).message));
  model.dispose();
});
