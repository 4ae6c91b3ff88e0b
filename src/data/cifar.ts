/**
 * CIFAR-10 / CIFAR-100 "binary version" batches (Krizhevsky 2009, "Learning Multiple Layers
 * of Features from Tiny Images"; format at https://www.cs.toronto.edu/~kriz/cifar.html).
 * A record is the label byte(s) then 3072 pixel bytes: the 1024 red values of the 32x32
 * image row by row, then green, then blue. CIFAR-100 records carry two labels, coarse then fine.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { readMaybeGzipped } from './read-bytes.js';
import type { Split } from './types.js';

const SIDE = 32;
const PIXELS = SIDE * SIDE * 3;

/** Which CIFAR and, for CIFAR-100, which of its two labels. */
export type CifarVariant = 'cifar10' | 'cifar100' | 'cifar100-coarse';

const LABEL_BYTES: Record<CifarVariant, number> = { cifar10: 1, cifar100: 2, 'cifar100-coarse': 2 };
const NUM_CLASSES: Record<CifarVariant, number> = { cifar10: 10, cifar100: 100, 'cifar100-coarse': 20 };
/** Offset of the label used inside a record (CIFAR-100: byte 0 coarse, byte 1 fine). */
const LABEL_OFFSET: Record<CifarVariant, number> = { cifar10: 0, cifar100: 1, 'cifar100-coarse': 0 };

const CIFAR10_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** Number of classes of a variant. */
export function cifarClasses(variant: CifarVariant): number {
  return NUM_CLASSES[variant];
}

/**
 * Reads one binary batch file (gzipped or not) into an NHWC split.
 * Throws UserError when the size is not a whole number of records or a label is out of range.
 */
export function readCifarBatch(file: string, variant: CifarVariant): Split {
  const { bytes, truncatedGzip } = readMaybeGzipped(file);
  const record = LABEL_BYTES[variant] + PIXELS;
  const count = Math.floor(bytes.length / record);
  const rest = bytes.length % record;
  if (rest !== 0 || truncatedGzip || count === 0) {
    const cut = truncatedGzip ? ' (gzip stream cut short)' : '';
    throw new UserError(
      `${file}: truncated${cut}: ${bytes.length} bytes is not a whole number of ${record}-byte ${variant} records ` +
        `(${count} records + ${rest} bytes)`,
    );
  }
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  const numClasses = NUM_CLASSES[variant];
  for (let n = 0; n < count; n++) {
    const base = n * record;
    const label = bytes[base + LABEL_OFFSET[variant]];
    if (label >= numClasses) {
      throw new UserError(`${file}: malformed: record ${n} has label ${label}, ${variant} labels are 0..${numClasses - 1}`);
    }
    labels[n] = label;
    const src = base + LABEL_BYTES[variant];
    const dst = n * PIXELS;
    // planar CHW -> interleaved HWC
    for (let p = 0; p < SIDE * SIDE; p++) {
      images[dst + 3 * p] = bytes[src + p];
      images[dst + 3 * p + 1] = bytes[src + 1024 + p];
      images[dst + 3 * p + 2] = bytes[src + 2048 + p];
    }
  }
  return { images, labels, count, height: SIDE, width: SIDE, channels: 3 };
}

/** Train and test splits plus class names of a CIFAR directory. */
export interface CifarData {
  train: Split;
  test: Split;
  classNames: string[];
  numClasses: number;
}

/**
 * Loads a CIFAR directory: CIFAR-10's data_batch_*.bin + test_batch.bin, or CIFAR-100's
 * train.bin + test.bin. The archive's own folder (cifar-10-batches-bin, cifar-100-binary)
 * is looked into when `dir` is its parent.
 */
export function loadCifarDir(dir: string, variant: CifarVariant): CifarData {
  const root = findCifarRoot(dir, variant);
  const files = readdirSync(root);
  const is10 = variant === 'cifar10';
  const trainFiles = is10
    ? files.filter((f) => /^data_batch_\d+\.bin(\.gz)?$/.test(f)).sort(byBatchNumber)
    : files.filter((f) => /^train\.bin(\.gz)?$/.test(f));
  const testFile = files.find((f) => (is10 ? /^test_batch\.bin(\.gz)?$/ : /^test\.bin(\.gz)?$/).test(f));
  const want = is10 ? 'data_batch_1.bin .. data_batch_5.bin and test_batch.bin' : 'train.bin and test.bin';
  if (trainFiles.length === 0 || !testFile) {
    throw new UserError(`${variant}:${dir}: no ${variant === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100'} binary batches found (expected ${want})`);
  }
  const train = concatSplits(trainFiles.map((f) => readCifarBatch(join(root, f), variant)));
  const test = readCifarBatch(join(root, testFile), variant);
  const numClasses = NUM_CLASSES[variant];
  const namesFile = is10 ? 'batches.meta.txt' : variant === 'cifar100' ? 'fine_label_names.txt' : 'coarse_label_names.txt';
  const classNames = readNames(join(root, namesFile), numClasses) ?? (is10 ? CIFAR10_NAMES : numbered(numClasses));
  return { train, test, classNames, numClasses };
}

function findCifarRoot(dir: string, variant: CifarVariant): string {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`${variant}:${dir}: not a directory`);
  const sub = join(dir, variant === 'cifar10' ? 'cifar-10-batches-bin' : 'cifar-100-binary');
  return existsSync(sub) ? sub : dir;
}

function byBatchNumber(a: string, b: string): number {
  return Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]);
}

/** Class names from a one-name-per-line file, when it exists and has enough lines. */
export function readNames(file: string, numClasses: number): string[] | undefined {
  if (!existsSync(file)) return undefined;
  const names = readFileSync(file, 'utf8').split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
  return names.length >= numClasses ? names.slice(0, numClasses) : undefined;
}

/** "0", "1", ... for datasets without names. */
export function numbered(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(i));
}

/** Concatenates splits of the same image shape. */
export function concatSplits(parts: Split[]): Split {
  if (parts.length === 1) return parts[0];
  const { height, width, channels } = parts[0];
  const count = parts.reduce((a, p) => a + p.count, 0);
  const images = new Uint8Array(count * height * width * channels);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const p of parts) {
    images.set(p.images, at * height * width * channels);
    labels.set(p.labels, at);
    at += p.count;
  }
  return { images, labels, count, height, width, channels };
}
