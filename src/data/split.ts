/**
 * The proxy task's data: a training and a validation subset, both drawn from the dataset's
 * TRAIN split (stratified by class, deterministic in the seed). The test split is never
 * touched here, so a search cannot overfit it (as in Zoph & Le 2017, NAS with RL, whose reward
 * is the accuracy on a validation set sampled from the CIFAR-10 training set).
 */
import seedrandom from 'seedrandom';
import { UserError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { resizeSplit } from './resize.js';
import type { Dataset, Split } from './types.js';

/** Options of splitForSearch. */
export interface SearchSplitOptions {
  /** Training images; 0 = every training image not used for validation. */
  trainSize: number;
  /** Validation images (> 0). */
  valSize: number;
  seed: number | string;
  /** Side of the square input after resizing; 0 or absent = the dataset's own size. */
  imageSize?: number;
}

/** What a child trains and is validated on. */
export interface SearchData {
  train: Split;
  val: Split;
  numClasses: number;
}

/**
 * Draws disjoint, class-stratified train and validation subsets from `dataset.train`.
 * The validation subset depends only on (valSize, seed), not on trainSize, so proxies of
 * different sizes are scored on the same images.
 */
export function splitForSearch(dataset: Dataset, opts: SearchSplitOptions): SearchData {
  const { trainSize, valSize } = opts;
  const total = dataset.train.count;
  if (!Number.isInteger(valSize) || valSize < 1) throw new UserError(`validation size must be a positive integer, got ${valSize}`);
  if (!Number.isInteger(trainSize) || trainSize < 0) throw new UserError(`train size must be a non-negative integer, got ${trainSize}`);
  if (valSize + trainSize > total || valSize >= total) {
    throw new UserError(
      `${dataset.name}: train size ${trainSize} + validation size ${valSize} exceed its ${total} training images`,
    );
  }
  const rng = seedrandom(`split:${opts.seed}`);
  const byClass = shuffledByClass(dataset.train.labels, dataset.numClasses, rng);
  const valTake = allocate(byClass.map((l) => l.length), valSize);
  const rest = byClass.map((list, c) => list.slice(valTake[c]));
  const restSize = total - valSize;
  const trainTake = allocate(rest.map((l) => l.length), trainSize === 0 ? restSize : trainSize);
  const valIdx = sorted(byClass.flatMap((list, c) => list.slice(0, valTake[c])));
  const trainIdx = sorted(rest.flatMap((list, c) => list.slice(0, trainTake[c])));
  let train = take(dataset.train, trainIdx);
  let val = take(dataset.train, valIdx);
  const side = opts.imageSize ?? 0;
  if (side > 0 && (side !== dataset.height || side !== dataset.width)) {
    train = resizeSplit(train, side, side);
    val = resizeSplit(val, side, side);
  }
  return { train, val, numClasses: dataset.numClasses };
}

/**
 * `size` indices of `labels`, stratified by class (each class gets its share of `size`,
 * largest remainders first) and chosen uniformly within a class by `rng`. Sorted ascending.
 */
export function stratifiedSample(labels: Uint8Array, numClasses: number, size: number, rng: Rng): number[] {
  if (size > labels.length) throw new Error(`stratifiedSample: ${size} > ${labels.length}`);
  const byClass = shuffledByClass(labels, numClasses, rng);
  const takeN = allocate(byClass.map((l) => l.length), size);
  return sorted(byClass.flatMap((list, c) => list.slice(0, takeN[c])));
}

/** A split restricted to the given indices (in that order). */
export function take(split: Split, indices: number[]): Split {
  const per = split.height * split.width * split.channels;
  const images = new Uint8Array(indices.length * per);
  const labels = new Uint8Array(indices.length);
  indices.forEach((src, i) => {
    images.set(split.images.subarray(src * per, (src + 1) * per), i * per);
    labels[i] = split.labels[src];
  });
  return { ...split, images, labels, count: indices.length };
}

/** Indices of each class, each list shuffled (Fisher-Yates) by rng. */
function shuffledByClass(labels: Uint8Array, numClasses: number, rng: Rng): number[][] {
  const lists: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((l, i) => lists[l].push(i));
  for (const list of lists) {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [list[i], list[j]] = [list[j], list[i]];
    }
  }
  return lists;
}

/** Splits `size` over classes in proportion to `available` (largest remainder; ties to the lower class). */
export function allocate(available: number[], size: number): number[] {
  const total = available.reduce((a, b) => a + b, 0);
  if (total === 0) return available.map(() => 0);
  const exact = available.map((n) => (size * n) / total);
  const out = exact.map(Math.floor);
  let left = size - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, c) => ({ c, frac: x - Math.floor(x) })).sort((a, b) => b.frac - a.frac || a.c - b.c);
  for (const { c } of order) {
    if (left === 0) break;
    if (out[c] < available[c]) {
      out[c]++;
      left--;
    }
  }
  return out;
}

function sorted(xs: number[]): number[] {
  return xs.sort((a, b) => a - b);
}
