/**
 * A directory of the four MNIST-style IDX files: train-images-idx3-ubyte, train-labels-idx1-ubyte,
 * t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each optionally .gz; "test-" is accepted for
 * "t10k-"), with an optional classes.txt holding one class name per line.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { readIdxImages, readIdxLabels } from './idx.js';
import { numbered, readNames } from './cifar.js';
import type { Split } from './types.js';

/** Train and test splits plus class names of an IDX directory. */
export interface IdxData {
  train: Split;
  test: Split;
  numClasses: number;
  classNames: string[];
}

/** True when `dir` is a directory holding IDX train images (used to recognise a path argument). */
export function looksLikeIdxDir(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory() && findFile(dir, 'train', 'images') !== undefined;
}

/**
 * Loads the train and test splits of an IDX directory. `knownNames` (e.g. Fashion-MNIST's)
 * wins over classes.txt; without either, classes are numbered 0..max label.
 */
export function loadIdxDir(dir: string, knownNames?: string[]): IdxData {
  const train = loadPair(dir, 'train');
  const test = loadPair(dir, 'test');
  if (train.height !== test.height || train.width !== test.width) {
    throw new UserError(`${dir}: train images are ${train.height}x${train.width} but test images are ${test.height}x${test.width}`);
  }
  let maxLabel = 0;
  for (const l of train.labels) if (l > maxLabel) maxLabel = l;
  for (const l of test.labels) if (l > maxLabel) maxLabel = l;
  const numClasses = knownNames ? knownNames.length : maxLabel + 1;
  if (maxLabel >= numClasses) {
    throw new UserError(`${dir}: label ${maxLabel} found, but the dataset has ${numClasses} classes`);
  }
  const classNames = knownNames ?? readNames(join(dir, 'classes.txt'), numClasses) ?? numbered(numClasses);
  return { train, test, numClasses, classNames };
}

function loadPair(dir: string, split: 'train' | 'test'): Split {
  const imagesFile = findFile(dir, split, 'images');
  const labelsFile = findFile(dir, split, 'labels');
  if (!imagesFile || !labelsFile) {
    const prefix = split === 'train' ? 'train' : 't10k';
    throw new UserError(
      `${dir}: missing ${!imagesFile ? `${prefix}-images-idx3-ubyte[.gz]` : `${prefix}-labels-idx1-ubyte[.gz]`}`,
    );
  }
  const { count, height, width, pixels } = readIdxImages(imagesFile);
  const labels = readIdxLabels(labelsFile);
  if (labels.length !== count) {
    throw new UserError(`${labelsFile}: holds ${labels.length} labels, but ${imagesFile} holds ${count} images`);
  }
  return { images: pixels, labels, count, height, width, channels: 1 };
}

function findFile(dir: string, split: 'train' | 'test', kind: 'images' | 'labels'): string | undefined {
  if (!existsSync(dir)) return undefined;
  const prefixes = split === 'train' ? 'train' : '(?:t10k|test)';
  const rank = kind === 'images' ? 3 : 1;
  const re = new RegExp(`^${prefixes}-${kind}[.-]idx${rank}-ubyte(\\.gz)?$`);
  const name = readdirSync(dir).sort().find((f) => re.test(f));
  return name ? join(dir, name) : undefined;
}
