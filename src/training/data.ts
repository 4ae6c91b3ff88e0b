/**
 * The images a fidelity trains and is scored on, built once per (dataset, sizes) and kept for the
 * life of the thread (a worker trains hundreds of children on the same split):
 *  - proxy: disjoint, class-stratified train and validation subsets of the dataset's TRAIN split
 *    (src/data/split.ts), at the fidelity's resolution; the validation images depend only on their
 *    number, so proxies of different sizes are scored on the same images.
 *  - replay: the whole training split (or a stratified part of it) and the held-out test split.
 */
import { UserError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import { loadDataset } from '../data/datasets.js';
import { resizeSplit } from '../data/resize.js';
import { splitForSearch, stratifiedSample, take } from '../data/split.js';
import type { Split } from '../data/types.js';
import type { Fidelity } from './fidelity.js';

export interface FidelityData {
  train: Split;
  /** Validation images (proxy) or the test split (replay), normalised like `train`. */
  score: Split;
  numClasses: number;
  inputShape: [number, number, number];
  datasetHash: string;
}

/** The split is fixed per dataset and sizes (not per trial), so every child is scored on the same images. */
const SPLIT_SEED = 'nas-search';
const cache = new Map<string, FidelityData>();

export function fidelityData(dataset: string, f: Pick<Fidelity, 'protocol' | 'trainImages' | 'valImages' | 'imageSize'>, datasetHash?: string): FidelityData {
  const key = JSON.stringify([dataset, f.protocol, f.trainImages, f.valImages, f.imageSize]);
  let d = cache.get(key);
  if (!d) {
    const ds = loadDataset(dataset);
    let train: Split;
    let score: Split;
    if (f.protocol === 'proxy') {
      ({ train, val: score } = splitForSearch(ds, { trainSize: f.trainImages, valSize: f.valImages, imageSize: f.imageSize, seed: SPLIT_SEED }));
    } else {
      if (f.trainImages > ds.train.count) throw new UserError(`${dataset}: ${f.trainImages} training images asked, it has ${ds.train.count}`);
      train = f.trainImages === 0 ? ds.train : take(ds.train, stratifiedSample(ds.train.labels, ds.numClasses, f.trainImages, createRng('reference-subset')));
      score = ds.test;
      if (f.imageSize > 0 && (f.imageSize !== ds.height || f.imageSize !== ds.width)) {
        train = resizeSplit(train, f.imageSize, f.imageSize);
        score = resizeSplit(score, f.imageSize, f.imageSize);
      }
    }
    // The training split's statistics normalise everything a child sees.
    const norm = ds.train.norm;
    d = {
      train: { ...train, norm }, score: { ...score, norm }, numClasses: ds.numClasses,
      inputShape: [train.height, train.width, train.channels], datasetHash: ds.hash,
    };
    cache.set(key, d);
  }
  if (datasetHash && datasetHash !== d.datasetHash) {
    throw new UserError(`dataset "${dataset}" here has content hash ${d.datasetHash}, the search expects ${datasetHash}: refusing to train on different data`);
  }
  return d;
}
