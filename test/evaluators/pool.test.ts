/**
 * The piscina pool for real: worker threads train real children on the embedded dataset.
 * A worker keeps its data and backend between children and leaks no tensor from one to the next.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSpace } from '../../src/space/load.js';
import { createRng } from '../../src/core/rng.js';
import { createPoolEvaluator } from '../../src/evaluators/pool/pool.js';
import type { TrainTask, TrialProgress } from '../../src/evaluators/types.js';

const space = loadSpace('nasnet');
const macro = { ...space.macro, stemChannels: 4, filters: 4, cellsPerStage: 0, reductions: 1 };
const proxy = { trainSize: 64, valSize: 32, epochs: 1, batchSize: 32, learningRate: 0.05, imageSize: 14 };

function task(trialId: number, genotype = space.sample(createRng(trialId))): TrainTask {
  return { runId: 1, trialId, genotype, spaceFile: space.file, macro, proxy, dataset: 'default', seed: trialId, backend: 'cpu' };
}

test('one worker trains 20 children with the same number of live tensors after child 1 and child 20', async () => {
  const pool = createPoolEvaluator({ workers: 1 });
  try {
    const live: number[] = [];
    const progress: TrialProgress[] = [];
    for (let i = 1; i <= 20; i++) {
      const r = await pool.evaluate(task(i), (p) => progress.push(p));
      assert.equal(r.status, 'complete', r.error);
      assert.ok(r.reward !== null && r.reward >= 0 && r.reward <= 1);
      assert.ok(r.metrics!.params > 0 && r.metrics!.multAdds > 0 && r.metrics!.backend === 'cpu');
      live.push(Number(r.metrics!.extra!.liveTensors));
    }
    assert.equal(live[19], live[0], `live tensors after each child: ${live.join(' ')}`);
    assert.ok(progress.some((p) => p.batches === 2 && p.epochs === 1 && p.worker.includes('/w')), 'progress crosses from the worker');
  } finally {
    await pool.close();
  }
});

test('a dataset whose content differs from the search\'s is refused with a clear error', async () => {
  const pool = createPoolEvaluator({ workers: 1 });
  try {
    const r = await pool.evaluate({ ...task(1), datasetHash: '000000000000' });
    assert.equal(r.status, 'failed');
    assert.match(r.error ?? '', /content hash .* expects 000000000000/);
  } finally {
    await pool.close();
  }
});

test('an aborted child rejects promptly and leaves the pool usable', async () => {
  const pool = createPoolEvaluator({ workers: 1 });
  try {
    const abort = new AbortController();
    const pending = pool.evaluate({ ...task(2), proxy: { ...proxy, trainSize: 2000, epochs: 3 } }, undefined, abort.signal);
    setTimeout(() => abort.abort(), 300);
    const r = await pending;
    assert.equal(r.status, 'failed');
    assert.match(r.error ?? '', /abort/i);
    const after = await pool.evaluate(task(3));
    assert.equal(after.status, 'complete', after.error);
  } finally {
    await pool.close();
  }
});
