/**
 * `nas compare` end to end, real CLI, real SQLite store, real tfjs training on tiny IDX data: a
 * comparison of two baselines side by side, one killed with SIGKILL mid-training and resumed, and a
 * regulariser table. Every model is one replay in the store, with its curve and test scores per epoch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { Store } from '../../src/store/store.js';
import { readCheckpointMeta } from '../../src/replay/checkpoint.js';
import type { ReplaySettings } from '../../src/training/loop.js';
import { nas, nasAsync, tempDir } from './helpers.js';
import { assertWellFormedSvg, writeIdx } from '../compare/helpers.js';

/** Tiny networks on the pure-JS engine, one thread each: light on a shared 2-core machine. */
const TINY = ['--cells', '0', '--filters', '4', '--batch', '16', '--backend', 'cpu', '--threads', '1'];

interface Row {
  name: string; status: string; replayId: number; testAccuracy: number; testErrorPct: number; seconds: number; params: number; multAdds: number;
  epochsDone: number; epochs: number; checkpointDir: string; curve: Array<{ epoch: number; trainLoss: number; testAccuracy: number | null; testLoss: number | null }>;
}

function withStore<T>(db: string, fn: (s: Store) => T): T {
  const s = Store.open(db, { readonly: true });
  try {
    return fn(s);
  } finally {
    s.close();
  }
}

test('two baselines side by side: both replays complete, the survey table, curves and test scores per epoch, figures', { timeout: 300_000 }, () => {
  const dir = tempDir();
  const data = writeIdx(join(dir, 'idx'), 48, 64);
  const db = join(dir, 'nas.db');
  const out = join(dir, 'cmp');
  const r = nas(['compare', '--models', 'resnet,xception', '--dataset', data, '--epochs', '2', ...TINY, '--parallel', '2', '--db', db, '--out', out, '--json', '--progress', '0.001'], { timeout: 280_000 });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const report = JSON.parse(r.stdout) as { comparison: number; status: string; rows: Row[]; figures: string[] };
  assert.equal(report.status, 'complete');
  assert.deepEqual(report.rows.map((x) => x.name), ['resnet', 'xception']);
  // Progress went to stderr, each line tagged with its model.
  assert.match(r.stderr, /^\[resnet\] epoch 2\/2 /m);
  assert.match(r.stderr, /^\[xception\] epoch 2\/2 /m);
  // --progress: lines within an epoch (3 batches of 16; the last is left to the epoch line).
  for (const name of ['resnet', 'xception']) {
    for (const epoch of [1, 2]) assert.match(r.stderr, new RegExp(`^\\[${name}\\] epoch ${epoch}/2: [12]/3 batches, loss \\d+\\.\\d{4}, acc [\\d.]+%, \\d+ img/s, ETA \\S+$`, 'm'));
    assert.doesNotMatch(r.stderr, new RegExp(`^\\[${name}\\] epoch \\d/2: 3/3 batches`, 'm'));
  }
  withStore(db, (s) => {
    assert.equal(s.replays().length, 2, 'one replay row per model');
    for (const row of report.rows) {
      assert.equal(row.status, 'complete', row.name);
      assert.ok(row.testErrorPct > 0 && row.testErrorPct < 100, `${row.name}: test error ${row.testErrorPct}`);
      assert.ok(row.params > 0 && row.multAdds > 0 && row.seconds > 0, row.name);
      assert.deepEqual([row.epochsDone, row.epochs], [2, 2]);
      const replay = s.requireReplay(row.replayId);
      assert.equal(replay.status, 'complete');
      assert.match(replay.label, new RegExp(`^baseline ${row.name} \\(comparison ${report.comparison}\\)$`));
      assert.equal(replay.testAccuracy, row.testAccuracy);
      assert.deepEqual(s.curve({ replayId: row.replayId }).map((p) => p.epoch), [1, 2], 'a curve point per epoch');
      const tests = s.comparisons.testPoints(row.replayId);
      assert.deepEqual(tests.map((p) => p.epoch), [1, 2], 'a test score per epoch');
      // The last epoch's test score is the replay's final test accuracy: the same weights, scored twice.
      assert.equal(tests[1].testAccuracy, replay.testAccuracy);
      assert.deepEqual(row.curve.map((p) => p.testAccuracy), tests.map((p) => p.testAccuracy));
      // The one protocol: plain momentum SGD 0.9, step schedule, crop + flip, given batch.
      const settings = (replay.config as { settings: ReplaySettings }).settings;
      assert.deepEqual([settings.momentum, settings.nesterov, settings.schedule, settings.learningRate, settings.batchSize, settings.augment.pad, settings.augment.cutout],
        [0.9, false, 'step', 0.1, 16, 4, 0]);
      assert.ok(existsSync(join(row.checkpointDir, 'model', 'model.json')), 'the trained model is saved');
    }
  });
  assert.deepEqual(report.figures, [join(out, 'accuracy.svg'), join(out, 'loss.svg')]);
  for (const f of report.figures) {
    const svg = readFileSync(f, 'utf8');
    assertWellFormedSvg(svg);
    assert.equal((svg.match(/class="series"/g) ?? []).length, 4, `${f}: a line per model in the training and the test panel`);
    assert.match(svg, /data-name="resnet \(test error [\d.]+%\)" data-points="2"/);
  }
  // The text table says the same.
  const again = nas(['compare', '--resume', String(report.comparison), '--db', db]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /model\s+test error\s+time\s+params\s+mult-adds\s+epochs\s+status/);
  for (const row of report.rows) assert.match(again.stdout, new RegExp(`${row.name}\\s+${row.testErrorPct.toFixed(2)}%\\s+\\S+\\s+\\S+\\s+\\S+\\s+2/2\\s+complete`));
  assert.doesNotMatch(again.stdout, /epoch 1\/2/, 'nothing is trained again');
});

test('kill -9 mid-comparison, then --resume: the killed replay continues from its checkpoint, the other starts, no epoch trained twice', { timeout: 400_000 }, async () => {
  const dir = tempDir();
  const data = writeIdx(join(dir, 'idx'), 192, 64);
  const db = join(dir, 'nas.db');
  const child = nasAsync(['compare', '--models', 'resnet,xception', '--dataset', data, '--epochs', '3', ...TINY, '--db', db, '--out', join(dir, 'cmp')]);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      stdout += d;
      if (/\[resnet\] epoch 1\/3 /.test(stdout)) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`ended before its first epoch:\n${stdout}${stderr}`)));
  });
  await new Promise((resolve) => child.on('close', resolve));
  const printed = (stdout.match(/\[resnet\] epoch \d\/3 /g) ?? []).length;

  const before = withStore(db, (s) => {
    const [resnet, xception] = s.comparisons.entries(1);
    assert.notEqual(resnet.replayId, null, 'the started replay is linked');
    assert.equal(xception.replayId, null, 'the second model has not begun');
    const curve = s.curve({ replayId: resnet.replayId! });
    return { replayId: resnet.replayId!, dir: resnet.checkpointDir, curve, status: s.requireReplay(resnet.replayId!).status };
  });
  assert.equal(before.status, 'running', 'killed: nobody marked it');
  const done = readCheckpointMeta(before.dir)!.epoch;
  assert.ok(done >= printed, `every epoch printed was checkpointed (${printed} printed, checkpoint after epoch ${done})`);
  assert.ok(done >= 1 && done < 3, `killed mid-training (checkpoint after epoch ${done})`);

  const r = nas(['compare', '--resume', '1', '--db', db], { timeout: 380_000 });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, new RegExp(`\\[resnet\\] resuming baseline resnet \\(comparison 1\\) from .* after epoch ${done}/3`));
  const trainedAgain = [...r.stdout.matchAll(/\[resnet\] epoch (\d)\/3 /g)].map((m) => Number(m[1]));
  assert.deepEqual(trainedAgain, Array.from({ length: 3 - done }, (_, i) => done + 1 + i), 'only the epochs after the checkpoint are trained');
  assert.deepEqual([...r.stdout.matchAll(/\[xception\] epoch (\d)\/3 /g)].map((m) => Number(m[1])), [1, 2, 3], 'the model not begun trains from the start');
  assert.match(r.stdout, /resnet\s+[\d.]+%.*3\/3\s+complete/);
  assert.match(r.stdout, /xception\s+[\d.]+%.*3\/3\s+complete/);

  withStore(db, (s) => {
    assert.equal(s.comparisons.require(1).status, 'complete');
    assert.equal(s.replays().length, 2, 'the resumed model kept its replay row');
    const curve = s.curve({ replayId: before.replayId });
    assert.deepEqual(curve.map((p) => p.epoch), [1, 2, 3]);
    // The epochs finished before the kill are the same points: not trained again.
    assert.ok(before.curve.length >= printed);
    assert.deepEqual(curve.slice(0, before.curve.length), before.curve);
    assert.deepEqual(s.comparisons.testPoints(before.replayId).map((p) => p.epoch), [1, 2, 3]);
    const [, xception] = s.comparisons.entries(1);
    assert.deepEqual(s.curve({ replayId: xception.replayId! }).map((p) => p.epoch), [1, 2, 3]);
  });
});

test('the regulariser table of one network: none and cutout, the same protocol but for the cutout', { timeout: 300_000 }, () => {
  const dir = tempDir();
  const data = writeIdx(join(dir, 'idx'), 48, 64);
  const db = join(dir, 'nas.db');
  const r = nas(['compare', '--models', 'resnet', '--regularisers', 'none,cutout', '--dataset', data, '--epochs', '2', ...TINY, '--db', db, '--out', join(dir, 'cmp')], { timeout: 280_000 });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /comparison 1 \(complete\): 2 regularisers on resnet/);
  assert.match(r.stdout, /regulariser\s+test error\s+time\s+params\s+mult-adds\s+epochs\s+status/);
  assert.match(r.stdout, /^none\s+[\d.]+%.*2\/2\s+complete$/m);
  assert.match(r.stdout, /^cutout\s+[\d.]+%.*2\/2\s+complete$/m);
  assert.doesNotMatch(r.stdout, / batches, loss /, 'no progress lines within a 2-second epoch at the default --progress 60');
  withStore(db, (s) => {
    const [none, cutout] = s.comparisons.entries(1).map((e) => s.requireReplay(e.replayId!));
    assert.equal(none.label, 'baseline resnet (comparison 1)');
    assert.equal(cutout.label, 'baseline resnet + cutout (comparison 1)');
    const a = (none.config as { settings: ReplaySettings }).settings;
    const b = (cutout.config as { settings: ReplaySettings }).settings;
    assert.equal(a.augment.cutout, 0);
    assert.equal(b.augment.cutout, 14, 'half the side of 28x28 images');
    assert.deepEqual({ ...b, augment: { ...b.augment, cutout: 0 } }, a, 'nothing else differs');
    assert.equal(none.params, cutout.params, 'the same network');
    for (const x of [none, cutout]) assert.equal(s.curve({ replayId: x.id }).length, 2);
  });
});

test('a lone model trains data-parallel on every core: its replay records the count and splits each batch', { timeout: 300_000 }, () => {
  const cores = availableParallelism();
  const dir = tempDir();
  const data = writeIdx(join(dir, 'idx'), 64, 32);
  const db = join(dir, 'nas.db');
  // No --threads: the default is every core. Batch 32 splits into shards of ≥ 16 on 2 cores.
  const r = nas(['compare', '--models', 'resnet', '--dataset', data, '--epochs', '1', '--cells', '0', '--filters', '4', '--batch', '32', '--backend', 'cpu', '--db', db, '--out', join(dir, 'cmp'), '--json'], { timeout: 280_000 });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const report = JSON.parse(r.stdout) as { status: string; rows: Row[] };
  assert.equal(report.status, 'complete');
  withStore(db, (s) => {
    const replay = s.requireReplay(report.rows[0].replayId);
    assert.equal((replay.config as { threads?: number }).threads, cores, 'the replay records every core');
  });
  if (cores >= 2) assert.match(r.stderr, /^\[resnet\] data parallel: 2 replicas × \d+ engine threads?, shards of 16 images$/m);
  else assert.doesNotMatch(r.stderr, /data parallel/);
});
