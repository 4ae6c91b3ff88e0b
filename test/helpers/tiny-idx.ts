/** Tiny real datasets for tests: slices of the embedded Fashion-MNIST subset written as IDX files. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset } from '../../src/data/datasets.js';
import { writeIdx as writeIdxFile } from '../../src/data/idx.js';

/** The first `train` training and `test` test images of the embedded subset, as IDX files in `dir`. */
export function writeIdx(dir: string, train: number, test: number): string {
  const ds = loadDataset('default');
  mkdirSync(dir, { recursive: true });
  const px = ds.height * ds.width;
  writeIdxFile(join(dir, 'train-images-idx3-ubyte'), [train, ds.height, ds.width], ds.train.images.subarray(0, train * px), false);
  writeIdxFile(join(dir, 'train-labels-idx1-ubyte'), [train], ds.train.labels.subarray(0, train), false);
  writeIdxFile(join(dir, 't10k-images-idx3-ubyte'), [test, ds.height, ds.width], ds.test.images.subarray(0, test * px), false);
  writeIdxFile(join(dir, 't10k-labels-idx1-ubyte'), [test], ds.test.labels.subarray(0, test), false);
  return dir;
}
