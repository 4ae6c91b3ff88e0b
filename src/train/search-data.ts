/**
 * The proxy data a worker trains children on, built once per (dataset, split sizes, image size)
 * and kept for the life of the worker thread: loading and splitting is not paid per child.
 */
import { UserError, type TrainTask } from '../core/types.js';
import { loadDataset } from '../data/datasets.js';
import { splitForSearch, type SearchData as Splits } from '../data/split.js';

export interface SearchData extends Splits {
  inputShape: [number, number, number];
  datasetHash: string;
}

/** The split is fixed per dataset and sizes (not per trial), so every child is scored on the same images. */
const SPLIT_SEED = 'nas-search';
const cache = new Map<string, SearchData>();

export function searchData(task: Pick<TrainTask, 'dataset' | 'datasetHash' | 'proxy'>): SearchData {
  const { trainSize, valSize, imageSize } = task.proxy;
  const key = JSON.stringify([task.dataset, trainSize, valSize, imageSize]);
  let data = cache.get(key);
  if (!data) {
    const dataset = loadDataset(task.dataset);
    const split = splitForSearch(dataset, { trainSize, valSize, imageSize, seed: SPLIT_SEED });
    data = { ...split, inputShape: [split.train.height, split.train.width, split.train.channels], datasetHash: dataset.hash };
    cache.set(key, data);
  }
  if (task.datasetHash && task.datasetHash !== data.datasetHash) {
    throw new UserError(`dataset "${task.dataset}" here has content hash ${data.datasetHash}, the search expects ${task.datasetHash}: refusing to train on different data`);
  }
  return data;
}
