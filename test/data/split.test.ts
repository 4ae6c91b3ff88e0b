import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { UserError } from '../../src/core/errors.js';
import { loadDataset } from '../../src/data/datasets.js';
import { allocate, splitForSearch, stratifiedSample } from '../../src/data/split.js';
import { resizeSplit } from '../../src/data/resize.js';
import type { Split } from '../../src/data/types.js';

const ds = loadDataset('default');
const perClass = (s: Split) => Array.from({ length: 10 }, (_, c) => s.labels.filter((l) => l === c).length);
/** Identity of an image: its bytes (the default subset holds no duplicate images). */
/** Byte equality without deepEqual's prototype check (Buffer vs Uint8Array) and huge diffs. */
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(a, b) === 0;
const key = (s: Split, i: number) => Buffer.from(s.images.subarray(i * 784, (i + 1) * 784)).toString('base64');

test('allocate splits a size over classes in proportion, largest remainders first', () => {
  assert.deepEqual(allocate([1000, 1000, 1000], 10), [4, 3, 3]);
  assert.deepEqual(allocate([10, 30], 8), [2, 6]);
  assert.deepEqual(allocate([5, 0, 5], 10), [5, 0, 5]);
  assert.equal(allocate([7, 11, 13, 2], 17).reduce((a, b) => a + b), 17);
});

test('stratifiedSample takes each class in proportion, without repeats', () => {
  const idx = stratifiedSample(ds.train.labels, 10, 500, seedrandom('x'));
  assert.equal(new Set(idx).size, 500);
  const counts = Array(10).fill(0);
  for (const i of idx) counts[ds.train.labels[i]]++;
  assert.deepEqual(counts, Array(10).fill(50));
});

test('splitForSearch: stratified, disjoint, from the train split only, deterministic in the seed', () => {
  const a = splitForSearch(ds, { trainSize: 2000, valSize: 1000, seed: 7 });
  assert.equal(a.train.count, 2000);
  assert.equal(a.val.count, 1000);
  assert.deepEqual(perClass(a.train), Array(10).fill(200));
  assert.deepEqual(perClass(a.val), Array(10).fill(100));
  const trainKeys = new Set(Array.from({ length: a.train.count }, (_, i) => key(a.train, i)));
  const valKeys = Array.from({ length: a.val.count }, (_, i) => key(a.val, i));
  assert.equal(trainKeys.size, 2000);
  assert.ok(valKeys.every((k) => !trainKeys.has(k)), 'train and validation are disjoint');
  const testKeys = new Set(Array.from({ length: ds.test.count }, (_, i) => key(ds.test, i)));
  assert.ok([...trainKeys, ...valKeys].every((k) => !testKeys.has(k)), 'the test split is never drawn from');

  const again = splitForSearch(ds, { trainSize: 2000, valSize: 1000, seed: 7 });
  assert.ok(sameBytes(again.train.images, a.train.images));
  assert.ok(sameBytes(again.val.labels, a.val.labels));
  const other = splitForSearch(ds, { trainSize: 2000, valSize: 1000, seed: 8 });
  assert.ok(!sameBytes(other.val.images, a.val.images));
  // The validation set does not move when the proxy's train size changes.
  const bigger = splitForSearch(ds, { trainSize: 5000, valSize: 1000, seed: 7 });
  assert.ok(sameBytes(bigger.val.images, a.val.images), 'validation set independent of train size');
  assert.equal(a.train.norm, ds.train.norm, 'splits carry the dataset normalisation');
});

test('trainSize 0 takes every training image not used for validation', () => {
  const s = splitForSearch(ds, { trainSize: 0, valSize: 2000, seed: 1 });
  assert.equal(s.train.count, 8000);
  assert.deepEqual(perClass(s.train), Array(10).fill(800));
});

test('bad split sizes are UserErrors', () => {
  assert.throws(() => splitForSearch(ds, { trainSize: 9500, valSize: 1000, seed: 1 }), (e: unknown) => e instanceof UserError && /exceed its 10000 training images/.test(e.message));
  assert.throws(() => splitForSearch(ds, { trainSize: 10, valSize: 0, seed: 1 }), UserError);
  assert.throws(() => splitForSearch(ds, { trainSize: 1.5, valSize: 10, seed: 1 }), UserError);
});

test('imageSize resizes both splits; resizing to the same size keeps the pixels', () => {
  const s = splitForSearch(ds, { trainSize: 100, valSize: 50, seed: 1, imageSize: 16 });
  assert.deepEqual([s.train.height, s.train.width, s.train.images.length], [16, 16, 100 * 256]);
  assert.equal(s.val.images.length, 50 * 256);
  const same = resizeSplit(ds.test, 28, 28);
  assert.ok(sameBytes(same.images, ds.test.images));
  // A 2x2 checkerboard upscaled keeps its corners and blends in the middle.
  const tiny: Split = { images: new Uint8Array([0, 200, 200, 0]), labels: new Uint8Array([0]), count: 1, height: 2, width: 2, channels: 1 };
  const up = resizeSplit(tiny, 4, 4).images;
  assert.equal(up[0], 0);
  assert.equal(up[3], 200);
  assert.equal(up[5], 75, 'bilinear blend with half-pixel centres');
});
