import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../src/core/errors.js';
import { loadCifarDir, readCifarBatch } from '../../src/data/cifar.js';
import { clearDatasetCache, loadDataset } from '../../src/data/datasets.js';
import { tempDir } from './helpers/tmp.js';

const tmp = tempDir();
after(tmp.cleanup);

/** The planar value written for image n, channel k (0=R), pixel p: easy to check after interleaving. */
const value = (n: number, k: number, p: number) => (n * 31 + k * 101 + p * 7) % 256;

/** Writes records in the real binary layout: label byte(s), then 1024 R, 1024 G, 1024 B. */
function batch(labels: number[][]): Buffer {
  const parts: Buffer[] = [];
  labels.forEach((ls, n) => {
    const rec = Buffer.alloc(ls.length + 3072);
    ls.forEach((l, i) => (rec[i] = l));
    for (let k = 0; k < 3; k++) for (let p = 0; p < 1024; p++) rec[ls.length + k * 1024 + p] = value(n, k, p);
    parts.push(rec);
  });
  return Buffer.concat(parts);
}

test('a CIFAR-10 batch is read into NHWC with the right labels', () => {
  const file = join(tmp.dir, 'one.bin');
  writeFileSync(file, batch([[3], [9], [0]]));
  const s = readCifarBatch(file, 'cifar10');
  assert.deepEqual([s.count, s.height, s.width, s.channels], [3, 32, 32, 3]);
  assert.deepEqual([...s.labels], [3, 9, 0]);
  for (const [n, y, x, k] of [[0, 0, 0, 0], [1, 5, 7, 2], [2, 31, 31, 1]]) {
    const p = y * 32 + x;
    assert.equal(s.images[n * 3072 + p * 3 + k], value(n, k, p), `image ${n} (${y},${x}) channel ${k}`);
  }
});

test('a CIFAR-10 directory concatenates data_batch_1..N in numeric order and reads class names', () => {
  const dir = join(tmp.dir, 'c10', 'cifar-10-batches-bin');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'data_batch_2.bin'), batch([[2], [2]]));
  writeFileSync(join(dir, 'data_batch_1.bin'), batch([[1]]));
  writeFileSync(join(dir, 'data_batch_10.bin'), batch([[7]]));
  writeFileSync(join(dir, 'test_batch.bin'), batch([[5]]));
  writeFileSync(join(dir, 'batches.meta.txt'), 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n');
  const d = loadCifarDir(join(tmp.dir, 'c10'), 'cifar10');
  assert.deepEqual([...d.train.labels], [1, 2, 2, 7]);
  assert.equal(d.test.count, 1);
  assert.equal(d.classNames[3], 'cat');
  clearDatasetCache();
  const ds = loadDataset(`cifar10:${join(tmp.dir, 'c10')}`);
  assert.equal(ds.numClasses, 10);
  assert.equal(ds.train.norm?.mean.length, 3, 'per-channel statistics');
});

test('CIFAR-100 records carry coarse then fine labels; both views load', () => {
  const dir = join(tmp.dir, 'c100');
  mkdirSync(dir);
  writeFileSync(join(dir, 'train.bin'), batch([[4, 77], [19, 99]]));
  writeFileSync(join(dir, 'test.bin'), batch([[0, 1]]));
  assert.deepEqual([...loadCifarDir(dir, 'cifar100').train.labels], [77, 99]);
  assert.deepEqual([...loadCifarDir(dir, 'cifar100-coarse').train.labels], [4, 19]);
  assert.equal(loadCifarDir(dir, 'cifar100').numClasses, 100);
});

test('a truncated CIFAR batch and an out-of-range label are UserErrors naming the file', () => {
  const file = join(tmp.dir, 'data_batch_1.bin');
  writeFileSync(file, batch([[1], [2]]).subarray(0, 3073 + 1000));
  assert.throws(() => readCifarBatch(file, 'cifar10'), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.equal(e.message, `${file}: truncated: 4073 bytes is not a whole number of 3073-byte cifar10 records (1 records + 1000 bytes)`);
    return true;
  });
  writeFileSync(file, batch([[1], [12]]));
  assert.throws(() => readCifarBatch(file, 'cifar10'), /record 1 has label 12, cifar10 labels are 0\.\.9/);
  assert.throws(() => loadCifarDir(join(tmp.dir, 'nowhere'), 'cifar10'), /not a directory/);
});
