/**
 * `nas export --format onnx` end to end with the real CLI: a searched child (a real tiny search) and
 * a trained replay (a real tiny `nas train`), each exported and checked in onnxruntime on the test
 * split (--check), and the file loaded again here to be sure it is the network that was asked for.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from '#onnx-proto';
import { nas, tempDir, TINY } from '../e2e/helpers.js';
import { TINY_TRAIN, writeTinyIdx } from '../e2e/fixtures.js';

const dir = tempDir('nas-onnx-cli-');
const data = join(dir, 'tiny-idx');
after(() => rmSync(dir, { recursive: true, force: true }));

before(() => writeTinyIdx(data));

/** The figures --check prints. */
function checked(stdout: string): { images: number; diff: number; tfjs: number; onnx: number; disagree: number } {
  const m = /check on (\d+) test images of .*: max \|tfjs - onnxruntime\| (\S+) .*accuracy tfjs ([\d.]+)%, onnxruntime ([\d.]+)%; (\d+) images classified differently/.exec(stdout);
  assert.ok(m, stdout);
  return { images: Number(m[1]), diff: Number(m[2]), tfjs: Number(m[3]), onnx: Number(m[4]), disagree: Number(m[5]) };
}

test('a searched child exports at its initial weights and agrees with tfjs on the test split', () => {
  const db = join(dir, 'search.db');
  const s = nas(['search', ...TINY, '--budget', '1', '--workers', '1', '--db', db, '--no-dashboard'], { timeout: 300_000 });
  assert.equal(s.status, 0, s.stderr);
  const out = join(dir, 'trial.onnx');
  const r = nas(['export', '--trial', '1', '--db', db, '--format', 'onnx', '--out', out, '--check']);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /wrote .*trial\.onnx: trial 1 of run 1, initial weights, \d+ ONNX nodes/);
  const c = checked(r.stdout);
  assert.equal(c.images, 2000);
  assert.ok(c.diff <= 1e-4);
  assert.equal(c.onnx, c.tfjs);
  const m = onnxProto.onnx.ModelProto.decode(readFileSync(out));
  // TINY trains at 14x14: the child's input is the run's, not the dataset's 28x28.
  assert.deepEqual(m.graph!.input![0].type!.tensorType!.shape!.dim!.slice(1).map((d) => Number(d.dimValue)), [14, 14, 1]);
  assert.match(m.docString ?? '', /trial 1 of run 1/);
});

test('a trained replay exports (--replay and its model folder) and keeps its test accuracy in onnxruntime', () => {
  const db = join(dir, 'train.db');
  const ckpt = join(dir, 'replay');
  // With drop-path the saved model holds DropPath layers (the identity at inference).
  const t = nas(['train', ...TINY_TRAIN, '--drop-path', '0.2', '--dataset', data, '--db', db, '--out', ckpt], { timeout: 300_000 });
  assert.equal(t.status, 0, t.stderr);
  assert.match(readFileSync(join(ckpt, 'model', 'model.json'), 'utf8'), /"class_name":"DropPath"/);
  const byReplay = nas(['export', '--replay', '1', '--db', db, '--format', 'onnx', '--out', join(dir, 'replay.onnx'), '--check']);
  assert.equal(byReplay.status, 0, byReplay.stderr + byReplay.stdout);
  assert.match(byReplay.stdout, /replay 1 \(baseline resnet\), trained/);
  const a = checked(byReplay.stdout);
  assert.equal(a.images, 16); // the tiny dataset's test split, found from the replay's config
  assert.ok(a.diff <= 1e-4);
  assert.equal(a.onnx, a.tfjs);
  const byFolder = nas(['export', '--model', ckpt, '--format', 'onnx', '--out', join(dir, 'folder.onnx')]);
  assert.equal(byFolder.status, 0, byFolder.stderr);
  // The same trained weights whichever way the model is named.
  assert.deepEqual(initializers(join(dir, 'folder.onnx')), initializers(join(dir, 'replay.onnx')));
});

function initializers(file: string): string[] {
  const m = onnxProto.onnx.ModelProto.decode(readFileSync(file));
  return m.graph!.initializer!.map((t) => `${t.name}:${Buffer.from(t.rawData ?? new Uint8Array()).toString('base64').slice(0, 40)}`);
}
