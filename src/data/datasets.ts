/**
 * Dataset names -> loaded datasets. Every worker thread calls loadDataset once and keeps the
 * result (the module-level cache), so a child never re-reads or re-decodes files.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import { dataDir } from '../core/paths.js';
import { loadCifarDir, type CifarVariant } from './cifar.js';
import { loadIdxDir, looksLikeIdxDir } from './idx-dir.js';
import { channelStats } from './normalize.js';
import type { Dataset, Split } from './types.js';

/** Fashion-MNIST's labels 0..9 (Xiao, Rasul & Vollgraf 2017, arXiv:1708.07747). */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Where named datasets live. Tests pass their own to exercise the "not installed" paths. */
export interface DatasetLocations {
  /** The embedded stratified subset (data/fashion-mnist-subset). */
  defaultDir: string;
  /** Debian's dataset-fashion-mnist. */
  fashionMnistDir: string;
  /** Places a full MNIST may be found, first existing wins. */
  mnistDirs: string[];
}

/** The locations used by loadDataset. */
export const defaultLocations: DatasetLocations = {
  defaultDir: join(dataDir, 'fashion-mnist-subset'),
  fashionMnistDir: '/usr/share/datasets/fashion-mnist',
  mnistDirs: ['/usr/share/datasets/mnist', join(dataDir, 'mnist')],
};

/** The accepted forms of a dataset name, for messages and --help. */
export const DATASET_NAMES = 'default, fashion-mnist, mnist, cifar10:<dir>, cifar100:<dir>, cifar100-coarse:<dir>, or a directory of IDX files';

const cache = new Map<string, Dataset>();

/**
 * Loads a dataset by name, once per process: `default` (the embedded Fashion-MNIST subset),
 * `fashion-mnist` (Debian's full set), `mnist`, `cifar10:<dir>`, `cifar100:<dir>`,
 * `cifar100-coarse:<dir>`, or a directory of IDX (or CIFAR binary) files.
 * Throws UserError for an unknown name, a missing dataset or a malformed file.
 */
export function loadDataset(name: string, locations: DatasetLocations = defaultLocations): Dataset {
  const key = cacheKey(name, locations);
  let ds = cache.get(key);
  if (!ds) {
    ds = readable(name, () => load(name, locations));
    cache.set(key, ds);
  }
  return ds;
}

/** A file or folder the system will not let us read (permissions, I/O) is bad input naming it, not a stack trace. */
function readable<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (e instanceof UserError || typeof err.code !== 'string' || !/^E[A-Z]+$/.test(err.code)) throw e;
    throw new UserError(`dataset "${name}": cannot read ${err.path ?? 'its files'} (${err.code})`);
  }
}

/** Forgets cached datasets (tests; a long-lived process switching datasets). */
export function clearDatasetCache(): void {
  cache.clear();
}

function cacheKey(name: string, loc: DatasetLocations): string {
  return `${JSON.stringify(loc)}\n${isNamed(name) ? name : resolve(name)}`;
}

function isNamed(name: string): boolean {
  return name === 'default' || name === 'fashion-mnist' || name === 'mnist' || /^cifar(10|100|100-coarse):/.test(name);
}

function load(name: string, loc: DatasetLocations): Dataset {
  if (name === 'default') {
    if (!looksLikeIdxDir(loc.defaultDir)) {
      throw new UserError(`default: the embedded dataset is missing from ${loc.defaultDir}; regenerate it with scripts/make-default-dataset.ts`);
    }
    return build(name, loadIdxDir(loc.defaultDir, FASHION_MNIST_CLASSES));
  }
  if (name === 'fashion-mnist') {
    if (!looksLikeIdxDir(loc.fashionMnistDir)) {
      throw new UserError('fashion-mnist: not installed; apt-get install dataset-fashion-mnist, or use --dataset default');
    }
    return build(name, loadIdxDir(loc.fashionMnistDir, FASHION_MNIST_CLASSES));
  }
  if (name === 'mnist') {
    const dir = loc.mnistDirs.find((d) => looksLikeIdxDir(d));
    if (!dir) {
      throw new UserError(
        `mnist: not found in ${loc.mnistDirs.join(' or ')}; put the four IDX files from http://yann.lecun.com/exdb/mnist/ there, ` +
          'or pass their directory with --dataset <dir>',
      );
    }
    return build(name, loadIdxDir(dir, DIGITS));
  }
  const cifar = /^(cifar10|cifar100|cifar100-coarse):(.+)$/.exec(name);
  if (cifar) return build(name, loadCifarDir(resolve(cifar[2]), cifar[1] as CifarVariant));

  const dir = resolve(name);
  if (existsSync(dir) && statSync(dir).isDirectory()) {
    if (looksLikeIdxDir(dir)) return build(name, loadIdxDir(dir));
    const files = readdirSync(dir);
    if (files.some((f) => f.startsWith('data_batch_')) || existsSync(join(dir, 'cifar-10-batches-bin'))) {
      return build(name, loadCifarDir(dir, 'cifar10'));
    }
    if (files.includes('train.bin') || existsSync(join(dir, 'cifar-100-binary'))) return build(name, loadCifarDir(dir, 'cifar100'));
    throw new UserError(`${name}: no dataset files found (expected train-images-idx3-ubyte[.gz] and friends, or CIFAR binary batches)`);
  }
  if (name.includes('/') || name.startsWith('.')) throw new UserError(`${name}: no such directory`);
  throw new UserError(`unknown dataset "${name}": use ${DATASET_NAMES}`);
}

function build(name: string, d: { train: Split; test: Split; numClasses: number; classNames: string[] }): Dataset {
  const { height, width, channels } = d.train;
  // Train statistics normalise every split, so validation and test see the same shift.
  const norm = channelStats(d.train);
  const train: Split = { ...d.train, norm };
  const test: Split = { ...d.test, norm };
  return {
    name,
    hash: contentHash(train, test, d.numClasses),
    height,
    width,
    channels,
    numClasses: d.numClasses,
    classNames: d.classNames,
    train,
    test,
  };
}

/** Short sha256 of shapes, pixels and labels: identical for gzipped and plain copies of the same data. */
function contentHash(train: Split, test: Split, numClasses: number): string {
  const h = createHash('sha256');
  h.update(`${train.height}x${train.width}x${train.channels} classes=${numClasses} train=${train.count} test=${test.count}\n`);
  h.update(train.images);
  h.update(train.labels);
  h.update(test.images);
  h.update(test.labels);
  return h.digest('hex').slice(0, 12);
}
