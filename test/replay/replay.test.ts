import { writeIdx } from '../helpers/tiny-idx.js';
import { needs } from '../helpers/system.js';
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '#tfjs';
import { loadDataset } from '../../src/data/datasets.js';
import { loadSpace } from '../../src/space/load.js';
import { Store } from '../../src/store/store.js';
import { loadBaseline } from '../../src/baselines/index.js';
import { runReplay, type ReplayJob } from '../../src/replay/replay.js';
import type { ReplaySettings } from '../../src/training/loop.js';
import { modelFiles } from '../../src/export/tfjs-files.js';
import { evaluate } from '../../src/training/evaluate.js';
import { UserError } from '../../src/core/errors.js';
import { availableBackends, selectBackend } from '../../src/engine/backend.js';
import { availableParallelism } from 'node:os';

const space = loadSpace('nasnet');
const root = mkdtempSync(join(tmpdir(), 'nas-replay-'));
const dataDir = join(root, 'data');

/** A real 32 + 16 image slice of the embedded Fashion-MNIST subset, as IDX files. */
const writeTinyIdx = () => writeIdx(dataDir, 32, 16);

const settings = (over: Partial<ReplaySettings> = {}): ReplaySettings => ({
  epochs: 2, batchSize: 16, learningRate: 0.05, schedule: 'step', momentum: 0.9, nesterov: true, weightDecay: 5e-4,
  augment: { pad: 4, flip: true, cutout: 8, randomErasing: 0.5 }, dropPath: 0, auxWeight: 0.4, labelSmoothing: 0.1, seed: 3, ...over,
});

// Reduction cells only, two channels: the cheapest network that still has cells, a stem and an aux anchor.
const tinyMacro = { ...space.macro, cellsPerStage: 0, reductions: 2, filters: 2, stemChannels: 2 };

function job(store: Store, out: string, over: Partial<ReplayJob> = {}): ReplayJob {
  return {
    space, genotype: loadBaseline('resnet', space).genotype, label: 'baseline resnet', runId: null, trialId: null, dataset: dataDir,
    macro: tinyMacro, settings: settings(), backend: 'cpu', out, resume: false, store,
    log: process.env.NAS_TEST_LOG ? (l) => console.error(l) : () => {}, ...over,
  };
}

class Killed extends Error {}
/** Throws inside epoch 2, after the epoch-1 checkpoint: a kill mid-epoch. */
const killInEpoch2 = (p: { epoch: number }) => {
  if (p.epoch === 2) throw new Killed('killed');
};

before(writeTinyIdx);

test('a killed replay resumes from its checkpoint and ends exactly where an uninterrupted one does', async () => {
  const store = Store.open(':memory:');
  const tensorsBefore = tf.memory().numTensors;
  const full = await runReplay(job(store, join(root, 'full')));
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor leaked');

  const out = join(root, 'killed');
  await assert.rejects(runReplay(job(store, out, { onBatch: killInEpoch2 })), Killed);
  const killed = store.replays().at(-1)!;
  assert.equal(killed.status, 'interrupted');
  const ckpt = JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8'));
  assert.equal(ckpt.epoch, 1);

  // Refusals leave the checkpoint untouched.
  const bytes = readFileSync(join(out, 'checkpoint.bin'));
  await assert.rejects(runReplay(job(store, out)), (e: unknown) => e instanceof UserError && /already holds a checkpoint/.test((e as Error).message));
  await assert.rejects(
    runReplay(job(store, out, { resume: true, macro: { ...tinyMacro, filters: 3 } })),
    (e: unknown) => e instanceof UserError && /filters/.test((e as Error).message),
  );
  await assert.rejects(
    runReplay(job(store, out, { resume: true, genotype: loadBaseline('vgg', space).genotype })),
    (e: unknown) => e instanceof UserError && /another genotype/.test((e as Error).message),
  );
  assert.deepEqual(readFileSync(join(out, 'checkpoint.bin')), bytes);

  const resumed = await runReplay(job(store, out, { resume: true }));
  assert.equal(resumed.replayId, killed.id, 'continues the same replay row');
  assert.equal(resumed.testAccuracy, full.testAccuracy);
  assert.equal(resumed.testLoss, full.testLoss);
  assert.deepEqual(readFileSync(join(out, 'model', 'weights.bin')), readFileSync(join(root, 'full', 'model', 'weights.bin')));
  const row = store.getReplay(resumed.replayId)!;
  assert.equal(row.status, 'complete');
  assert.equal(row.testAccuracy, resumed.testAccuracy);
  assert.deepEqual(store.curve({ replayId: row.id }).map((p) => p.epoch), [1, 2]);
  store.close();
});

test('a damaged checkpoint is refused before the store is written; one of an older nas (no checksum) still resumes', async () => {
  const store = Store.open(':memory:');
  const out = join(root, 'checksummed');
  await assert.rejects(runReplay(job(store, out, { onBatch: killInEpoch2 })), Killed);
  const json = join(out, 'checkpoint.json');
  const meta = JSON.parse(readFileSync(json, 'utf8'));
  assert.match(meta.sha256, /^[0-9a-f]{64}$/, 'the weights are checksummed');
  const state = () => JSON.stringify([store.replays(), store.curve({ replayId: store.replays()[0].id })]);
  const before = state();
  const bin = join(out, 'checkpoint.bin');
  const good = readFileSync(bin);
  const refused = async (pattern: RegExp) => {
    await assert.rejects(runReplay(job(store, out, { resume: true })), (e: unknown) => e instanceof UserError && pattern.test((e as Error).message));
    assert.equal(state(), before, 'nothing was written to the store');
  };
  const flipped = Buffer.from(good);
  for (let i = 0; i < 1024; i++) flipped[i] ^= 0x33;
  writeFileSync(bin, flipped);
  await refused(/does not match the checksum/);
  writeFileSync(bin, good.subarray(0, good.length - 400));
  await refused(/cut short/);
  writeFileSync(bin, good);
  writeFileSync(json, JSON.stringify({ ...meta, epoch: 7 }));
  await refused(/epoch 7 is not in 0\.\.2/);
  writeFileSync(json, JSON.stringify({ ...meta, curve: [] }));
  await refused(/learning curve has 0 points for 1 epochs/);

  const { sha256: _, ...older } = meta;
  writeFileSync(json, JSON.stringify(older));
  const resumed = await runReplay(job(store, out, { resume: true }));
  assert.equal(store.getReplay(resumed.replayId)!.status, 'complete');
  store.close();
});

test('the saved model loads with tf.loadLayersModel and scores what the replay reported', async () => {
  const store = Store.open(':memory:');
  const out = join(root, 'saved');
  const r = await runReplay(job(store, out, { settings: settings({ dropPath: 0.3, epochs: 1 }) }));
  assert.ok(r.testAccuracy >= 0 && r.testAccuracy <= 1);
  assert.ok(r.params > 0 && r.multAdds > 0);
  const model = await tf.loadLayersModel(modelFiles(join(out, 'model')));
  assert.ok(model.layers.some((l) => l.getClassName() === 'DropPath'), 'drop-path layers are saved (identity at inference)');
  assert.ok(!model.layers.some((l) => l.name.startsWith('aux_')), 'the auxiliary head is not part of the saved model');
  const ds = loadDataset(dataDir);
  const scored = evaluate(model, { ...ds.test, norm: ds.train.norm }, 256);
  assert.ok(Math.abs(scored.accuracy - r.testAccuracy) < 1e-9);
  model.dispose();
  store.close();
});

test('an output folder that cannot be created is refused before anything is written', async () => {
  const store = Store.open(':memory:');
  // (Tests run as root, which may write anywhere: a folder below a plain file cannot be created by anyone.)
  const file = join(root, 'a-file');
  writeFileSync(file, 'x');
  await assert.rejects(runReplay(job(store, join(file, 'out'))), (e: unknown) => e instanceof UserError && /is not a folder/.test((e as Error).message));
  assert.equal(store.replays().length, 0);
  await assert.rejects(runReplay(job(store, join(root, 'nothing-here'), { resume: true })), UserError);
  store.close();
});

test('nas train stops between batches on SIGTERM, marks the replay interrupted, and --resume finishes it', { timeout: 180_000 }, async () => {
  const { spawn, spawnSync } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const cli = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
  const db = join(root, 'signal.db');
  const out = join(root, 'signal');
  const args = [cli, 'train', '--baseline', 'resnet', '--dataset', dataDir, '--db', db, '--out', out, '--cells', '0', '--filters', '2',
    '--epochs', '6', '--batch', '16', '--backend', 'cpu', '--seed', '1'];
  const run = (extra: string[], onStdout?: (text: string, kill: () => void) => void) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [...args, ...extra], { env: { ...process.env, NO_COLOR: '1' } });
      let stdout = '', stderr = '';
      p.stdout.on('data', (d) => {
        stdout += d;
        onStdout?.(stdout, () => p.kill('SIGTERM'));
      });
      p.stderr.on('data', (d) => (stderr += d));
      p.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  let sent = false;
  const first = await run([], (text, kill) => {
    if (!sent && /epoch 1\/6 /.test(text)) {
      sent = true;
      kill();
    }
  });
  assert.ok(sent, `no epoch line: ${first.stdout}${first.stderr}`);
  assert.equal(first.code, 130, first.stderr);
  const m = /replay (\d+) interrupted in epoch (\d+) \(batch \d+\); its checkpoint after epoch (\d+) is kept/.exec(first.stderr);
  assert.ok(m, first.stderr);
  assert.equal(Number(m[3]), Number(m[2]) - 1);
  const ckpt = JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8'));
  assert.equal(ckpt.epoch, Number(m[3]), 'the checkpoint on disk is the last finished epoch');
  let store = Store.open(db, { readonly: true });
  assert.equal(store.requireReplay(Number(m[1])).status, 'interrupted');
  store.close();
  const replays = (...extra: string[]) => spawnSync(process.execPath, [cli, 'replays', '--db', db, ...extra], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const listed = replays();
  assert.equal(listed.status, 0, listed.stderr);
  assert.match(listed.stdout, new RegExp(`^${m[1]} +- +baseline resnet +interrupted +${m[3]}/6 +\\d+\\.\\d\\d% +- `, 'm'), listed.stdout);
  const unknown = replays('--run', '99');
  assert.equal(unknown.status, 2);
  assert.equal(unknown.stderr.trim(), `nas: unknown run 99 in ${db}`);

  const second = await run(['--resume']);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, new RegExp(`replay ${m[1]} done: test accuracy`));
  store = Store.open(db, { readonly: true });
  assert.equal(store.requireReplay(Number(m[1])).status, 'complete');
  assert.deepEqual(store.curve({ replayId: Number(m[1]) }).map((p) => p.epoch), [1, 2, 3, 4, 5, 6]);
  store.close();
  const accuracy = /done: test accuracy (\d+\.\d\d)%/.exec(second.stdout)![1];
  assert.match(replays().stdout, new RegExp(`^${m[1]} +- +baseline resnet +complete +6/6 +\\d+\\.\\d\\d% +${accuracy}% `, 'm'));
  assert.equal(JSON.parse(replays('--json').stdout)[0].status, 'complete');
});

test('oneDNN: without --threads a replay trains on every core as data-parallel replicas, exactly as with that count given, and a resume keeps it', availableParallelism() < 2 ? { skip: 'needs 2+ cores' } : needs('oneDNN engine'), async () => {
  const store = Store.open(':memory:');
  const lines: string[] = [];
  // Batches of 32: shards of 16, the smallest a replica gets.
  const onednn = (out: string, over: Partial<ReplayJob> = {}) => job(store, join(root, out), { backend: 'onednn', settings: settings({ batchSize: 32 }), log: (l) => lines.push(l), ...over });
  const tensorsBefore = tf.memory().numTensors;
  const cores = availableParallelism();
  const dflt = await runReplay(onednn('default'));
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor leaked');
  assert.equal((store.requireReplay(dflt.replayId).config as { threads: number }).threads, cores);
  assert.match(lines.join('\n'), /^data parallel: \d+ replicas × \d+ engine threads?, shards of \d+ images$/m);

  await runReplay(onednn('given', { threads: cores }));
  assert.deepEqual(readFileSync(join(root, 'given', 'model', 'weights.bin')), readFileSync(join(root, 'default', 'model', 'weights.bin')), 'the default is not the count given');

  // Killed in epoch 2 and resumed: the replicas start again and the run ends where an uninterrupted one does.
  await assert.rejects(runReplay(onednn('resumed', { onBatch: killInEpoch2 })), Killed);
  const resumed = await runReplay(onednn('resumed', { resume: true }));
  assert.equal((store.requireReplay(resumed.replayId).config as { threads: number }).threads, cores, 'a resume keeps the count of its first run');
  assert.deepEqual(readFileSync(join(root, 'resumed', 'model', 'weights.bin')), readFileSync(join(root, 'default', 'model', 'weights.bin')));
  assert.equal(resumed.testAccuracy, dflt.testAccuracy);
  store.close();
  await selectBackend('cpu');
});

test('--threads 1 trains in this thread alone; --threads 2 (drop-path, aux head, augmentation) as two replicas differs from it (each shard its own batch norm) and repeats itself; a batch too small to split stays in one thread', async () => {
  const store = Store.open(':memory:');
  const lines: string[] = [];
  const at = (out: string, threads: number, batchSize = 32) => job(store, join(root, out), { threads, settings: settings({ dropPath: 0.2, batchSize }), log: (l) => lines.push(l) });
  const one = await runReplay(at('t1', 1));
  assert.doesNotMatch(lines.join('\n'), /data parallel/);
  const a = await runReplay(at('t2a', 2));
  assert.match(lines.join('\n'), /^data parallel: 2 replicas × 1 engine thread, shards of 16 images$/m);
  const b = await runReplay(at('t2b', 2));
  const weights = (d: string) => readFileSync(join(root, d, 'model', 'weights.bin'));
  assert.deepEqual(weights('t2b'), weights('t2a'), 'two replicas are reproducible');
  assert.equal(b.testLoss, a.testLoss);
  assert.notDeepEqual(weights('t2a'), weights('t1'));
  assert.ok(Number.isFinite(one.testLoss) && Number.isFinite(a.testLoss));
  // Batches of 16 cannot be split (a shard keeps 16 images): --threads 2 trains in this thread, as --threads 1 does.
  lines.length = 0;
  await runReplay(at('s1', 1, 16));
  await runReplay(at('s2', 2, 16));
  assert.doesNotMatch(lines.join('\n'), /data parallel/);
  assert.deepEqual(weights('s2'), weights('s1'));
  store.close();
});
