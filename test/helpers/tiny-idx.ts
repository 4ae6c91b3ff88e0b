/** Tiny real datasets for tests: slices of the embedded Fashion-MNIST subset written as IDX files. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset } from '../../src/data/datasets.js';

/** The first `train` training and `test` test images of the embedded subset, as IDX files in `dir`. */
export function writeIdx(dir: string, train: number, test: number): string {
  const ds = loadDataset('default');
  mkdirSync(dir, { recursive: true });
  const idx = (name: string, dims: number[], bytes: Uint8Array) => {
    const head = Buffer.alloc(4 + 4 * dims.length);
    head.writeUInt32BE(0x0800 + dims.length, 0);
    dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
    writeFileSync(join(dir, name), Buffer.concat([head, Buffer.from(bytes)]));
  };
  const px = ds.height * ds.width;
  idx('train-images-idx3-ubyte', [train, ds.height, ds.width], ds.train.images.subarray(0, train * px));
  idx('train-labels-idx1-ubyte', [train], ds.train.labels.subarray(0, train));
  idx('t10k-images-idx3-ubyte', [test, ds.height, ds.width], ds.test.images.subarray(0, test * px));
  idx('t10k-labels-idx1-ubyte', [test], ds.test.labels.subarray(0, test));
  return dir;
}
