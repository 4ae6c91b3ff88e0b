/**
 * What every training evaluator (pool, queue) checks before a run is stored: the dataset loads and is
 * the one the run started with (its hash is recorded), the proxy's images fit in its training split,
 * and the backend the workers will use.
 */
import { UserError } from '../core/errors.js';
import { loadDataset } from '../data/datasets.js';
import { selectBackend } from '../engine/backend.js';
import type { RunConfig } from '../store/types.js';
import { threadsPerWorker } from './pool/pool.js';

export async function prepareTraining(config: RunConfig, say: (line: string) => void): Promise<{ backend: string }> {
  const dataset = loadDataset(config.dataset);
  if (config.datasetHash && config.datasetHash !== dataset.hash) {
    throw new UserError(`dataset "${config.dataset}" changed since the run started (hash ${dataset.hash}, run has ${config.datasetHash})`);
  }
  config.datasetHash = dataset.hash;
  // The proxy's train and validation images come out of the training split: they must fit, or every child fails.
  const { trainSize, valSize } = config.proxy;
  const total = dataset.train.count;
  if (valSize >= total || trainSize + valSize > total) {
    throw new UserError(`--train-size ${trainSize} + --val-size ${valSize} exceed the ${total.toLocaleString('en')} training images of dataset "${config.dataset}"`);
  }
  // The same thread count the pool gives each worker (workers × threads = cores), so the line printed is what trains.
  const backend = await selectBackend(config.backend, { threads: threadsPerWorker(config.workers), log: say });
  say(`backend: ${backend.name} — ${backend.description}`);
  return { backend: backend.name };
}
