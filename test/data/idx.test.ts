import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { UserError } from '../../src/core/errors.js';
import { encodeIdx, readIdx, readIdxImages, readIdxLabels, writeIdx } from '../../src/data/idx.js';
import { loadIdxDir } from '../../src/data/idx-dir.js';
import { defaultLocations } from '../../src/data/datasets.js';
import { tempDir } from './helpers/tmp.js';

const tmp = tempDir();
after(tmp.cleanup);

function randomImages(count: number, h: number, w: number): Uint8Array {
  const a = new Uint8Array(count * h * w);
  for (let i = 0; i < a.length; i++) a[i] = (i * 7919 + 13) % 256;
  return a;
}

test('gzipped and plain IDX files decode to the same bytes (detected by magic, not by name)', () => {
  const px = randomImages(5, 4, 3);
  const plain = join(tmp.dir, 'a-idx3-ubyte');
  const gz = join(tmp.dir, 'b-idx3-ubyte');
  writeIdx(plain, [5, 4, 3], px, false);
  writeIdx(gz, [5, 4, 3], px, true);
  assert.equal(readFileSync(gz)[0], 0x1f, 'second file is gzipped');
  for (const f of [plain, gz]) {
    const img = readIdxImages(f);
    assert.deepEqual([img.count, img.height, img.width], [5, 4, 3]);
    assert.deepEqual(Buffer.from(img.pixels), Buffer.from(px));
  }
});

test('a truncated gzipped image file names the file, the header count and what it holds', () => {
  const raw = encodeIdx([10000, 28, 28], randomImages(10000, 28, 28));
  const cut = raw.subarray(0, 16 + 7132 * 784 + 100);
  const file = join(tmp.dir, 'train-images-idx3-ubyte.gz');
  writeFileSync(file, gzipSync(cut));
  assert.throws(() => readIdxImages(file), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.equal(e.message, `${file}: truncated: header says 10000 images of 28x28, file holds 7132`);
    return true;
  });
});

test('a gzip stream cut in the middle is reported as truncated, not as a zlib error', () => {
  const raw = encodeIdx([50], new Uint8Array(50).fill(3));
  const gz = gzipSync(raw);
  const file = join(tmp.dir, 'cut-labels.gz');
  writeFileSync(file, gz.subarray(0, gz.length - 6));
  assert.throws(() => readIdx(file), (e: unknown) => e instanceof UserError && /truncated \(gzip stream cut short\)/.test(e.message) && e.message.startsWith(file));
});

test('malformed headers: bad magic, unsupported type, extra bytes, wrong rank', () => {
  const write = (name: string, bytes: Uint8Array) => {
    const f = join(tmp.dir, name);
    writeFileSync(f, bytes);
    return f;
  };
  const good = encodeIdx([3], new Uint8Array([1, 2, 3]));
  const badMagic = Uint8Array.from(good);
  badMagic[0] = 0x42;
  assert.throws(() => readIdx(write('m', badMagic)), /not an IDX file: magic starts 0x42/);
  const floats = Uint8Array.from(good);
  floats[2] = 0x0d;
  assert.throws(() => readIdx(write('t', floats)), /unsupported IDX element type 0x0d/);
  assert.throws(() => readIdx(write('x', Buffer.concat([good, Buffer.from([9, 9])]))), /malformed: header says 3 labels, but 2 bytes follow them/);
  assert.throws(() => readIdxImages(write('r', good)), /expected an image file/);
  assert.throws(() => readIdxLabels(write('e', new Uint8Array(2))), /shorter than the 4-byte magic/);
  assert.throws(() => readIdx(join(tmp.dir, 'missing')), (e: unknown) => e instanceof UserError && /cannot read \(ENOENT\)/.test(e.message));
});

test('an IDX directory with mismatched image and label counts is rejected', () => {
  const dir = join(tmp.dir, 'mismatch');
  mkdirSync(dir, { recursive: true });
  writeIdx(join(dir, 'train-images-idx3-ubyte'), [4, 2, 2], new Uint8Array(16), false);
  writeIdx(join(dir, 'train-labels-idx1-ubyte'), [3], new Uint8Array(3), false);
  writeIdx(join(dir, 't10k-images-idx3-ubyte'), [1, 2, 2], new Uint8Array(4), false);
  writeIdx(join(dir, 't10k-labels-idx1-ubyte'), [1], new Uint8Array(1), false);
  assert.throws(() => loadIdxDir(dir), /holds 3 labels, but .* holds 4 images/);
});

test('the embedded default files read back as 10,000 + 2,000 28x28 images, 1,000 / 200 per class', () => {
  const d = loadIdxDir(defaultLocations.defaultDir);
  assert.deepEqual([d.train.count, d.train.height, d.train.width, d.train.channels], [10000, 28, 28, 1]);
  assert.equal(d.test.count, 2000);
  assert.equal(d.numClasses, 10);
  assert.equal(d.classNames[9], 'Ankle boot', 'classes.txt is read');
  const perClass = (labels: Uint8Array) => Array.from({ length: 10 }, (_, c) => labels.filter((l) => l === c).length);
  assert.deepEqual(perClass(d.train.labels), Array(10).fill(1000));
  assert.deepEqual(perClass(d.test.labels), Array(10).fill(200));
  // Real images, not blanks: Fashion-MNIST's mean pixel is ~0.29 of full scale.
  const mean = d.train.images.reduce((a, v) => a + v, 0) / d.train.images.length / 255;
  assert.ok(mean > 0.2 && mean < 0.4, `mean pixel ${mean}`);
});
