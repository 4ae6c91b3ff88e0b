/** Shared fixtures for the store tests: a run config, genotypes, metrics, temporary folders. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Genotype } from '../../../src/space/types.js';
import type { TrialMetrics, TrialResult } from '../../../src/evaluators/types.js';
import type { RunConfig } from '../../../src/store/types.js';

export function runConfig(over: Partial<RunConfig> = {}): RunConfig {
  return {
    strategy: 'evolution',
    strategyOptions: { population: 20, sample: 5 },
    space: 'nasnet',
    spaceFile: '/abs/search-spaces/nasnet.json',
    dataset: 'fashion-mnist-subset',
    datasetHash: 'abc123',
    seed: 7,
    budget: 200,
    workers: 2,
    backend: 'auto',
    macro: { stemChannels: 8, filters: 8, cellsPerStage: 1, reductions: 1, filterMultiplier: 2 },
    proxy: { trainSize: 1000, valSize: 500, epochs: 1, batchSize: 32, learningRate: 0.05, imageSize: 0 },
    evaluator: { kind: 'pool', threads: 2 },
    ...over,
  };
}

/** A distinct NAS-Bench-201 genotype per i (its key is the arch string). */
export function genotype(i: number): Genotype {
  const ops = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'];
  const op = (k: number) => ops[Math.floor(i / 5 ** k) % 5];
  return { space: 'nas-bench-201', arch: `|${op(0)}~0|+|${op(1)}~0|${op(2)}~1|+|${op(3)}~0|${op(4)}~1|${op(5)}~2|` };
}

export function metrics(over: Partial<TrialMetrics> = {}): TrialMetrics {
  return {
    valAccuracy: 0.8,
    valLoss: 0.5,
    trainAccuracy: 0.85,
    trainLoss: 0.4,
    params: 12345,
    multAdds: 678901,
    seconds: 3.25,
    imagesPerSec: 410,
    backend: 'cpu',
    epochs: 1,
    worker: 'host/1',
    ...over,
  };
}

export function complete(trialId: number, reward: number, over: Partial<TrialMetrics> = {}): TrialResult {
  return { trialId, status: 'complete', reward, metrics: metrics({ valAccuracy: reward, ...over }) };
}

/** A fresh folder under os.tmpdir(); call the returned cleanup in after(). */
export function tempDir(): { dir: string; path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'nas-store-test-'));
  return { dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
