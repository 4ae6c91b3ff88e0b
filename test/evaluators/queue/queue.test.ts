/**
 * The queue evaluator and the queue worker in one process, with the tabular evaluator behind the
 * worker (real lookups, no training) and a real redis-server: results, job ids, resume, retries,
 * progress and capacity. The CLI tests (cli.test.ts) do the same with real training processes.
 */
import { needs } from '../../helpers/system.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Evaluator, TrainTask, TrialProgress } from '../../../src/evaluators/types.js';
import { packageRoot } from '../../../src/core/paths.js';
import { loadSpace } from '../../../src/space/load.js';
import { createTableEvaluator, loadTable } from '../../../src/evaluators/table/table.js';
import { createQueueEvaluator } from '../../../src/evaluators/queue/queue-evaluator.js';
import { startQueueWorker } from '../../../src/evaluators/queue/queue-worker.js';
import { jobIdOf } from '../../../src/evaluators/queue/protocol.js';
import { startRedis } from './redis-server.js';
import seedrandom from 'seedrandom';

const space = loadSpace('nas-bench-201');
const table = loadTable(join(packageRoot, 'data/nas-bench-201/nb201-12epoch.csv'), { rewardColumn: 'cifar10_valid_acc_12ep', costColumn: 'cost_12ep_s', space });

function task(trialId: number, genotype = space.sample(seedrandom(String(trialId)))): TrainTask {
  return {
    runId: 1, trialId, genotype, spaceFile: space.file, macro: space.macro,
    proxy: { trainSize: 10, valSize: 10, epochs: 1, batchSize: 5, learningRate: 0.1, imageSize: 0 },
    dataset: 'table', seed: trialId, backend: 'cpu',
  };
}

/** The table evaluator, reporting one progress step per child like a trainer would. */
function tableWithProgress(capacity: number): Evaluator & { calls: number[]; spaceFiles: string[] } {
  const inner = createTableEvaluator(table, { capacity });
  const calls: number[] = [];
  const spaceFiles: string[] = [];
  return {
    name: 'table', capacity, calls, spaceFiles,
    async evaluate(t, onProgress) {
      calls.push(t.trialId);
      spaceFiles.push(t.spaceFile);
      onProgress?.({ trialId: t.trialId, worker: 'host/w1', epoch: 1, epochs: 1, batch: 1, batches: 1, loss: 1.5, imagesPerSec: 100 });
      await new Promise((r) => setTimeout(r, 20));
      return inner.evaluate(t);
    },
    close: () => inner.close(),
  };
}

test('children go through the queue and come back with the table\'s results, progress and worker names', needs('redis-server'), async () => {
  const redis = await startRedis();
  const backend = tableWithProgress(2);
  const worker = await startQueueWorker({ url: redis.url, evaluator: backend, name: 'box-a' });
  const queue = await createQueueEvaluator({ url: redis.url });
  try {
    assert.equal(await queue.refreshCapacity(), 2, 'capacity = live workers\' concurrency');
    const direct = createTableEvaluator(table);
    const progress: TrialProgress[] = [];
    const tasks = [1, 2, 3, 4, 5].map((id) => task(id));
    const results = await Promise.all(tasks.map((t) => queue.evaluate(t, (p) => progress.push(p))));
    for (const [i, r] of results.entries()) {
      const want = await direct.evaluate(tasks[i]);
      assert.equal(r.trialId, tasks[i].trialId);
      assert.equal(r.status, 'complete');
      assert.equal(r.reward, want.reward);
      assert.equal(r.metrics?.worker, 'box-a/table', 'the table evaluator names itself; the worker adds its own name');
    }
    assert.deepEqual([...backend.calls].sort(), [1, 2, 3, 4, 5]);
    assert.ok(progress.length >= 1 && progress.every((p) => p.worker === 'box-a/w1'), JSON.stringify(progress));
    // Re-evaluating a finished trial (a resumed search) returns its stored result without training again.
    const again = await queue.evaluate(tasks[2]);
    assert.equal(again.reward, results[2].reward);
    assert.equal(backend.calls.length, 5);
    const counts = await queue.queue.getJobCounts('completed', 'failed', 'wait', 'active');
    assert.deepEqual(counts, { completed: 5, failed: 0, wait: 0, active: 0 });
    assert.ok(await queue.queue.getJob(jobIdOf(tasks[0])));
    // A search on another machine sends its own path of a built-in space: the worker uses its copy.
    const remote = { ...task(6), spaceFile: '/elsewhere/nas/search-spaces/nas-bench-201.json' };
    assert.equal((await queue.evaluate(remote)).status, 'complete');
    assert.equal(backend.spaceFiles.at(-1), space.file);
    const unknown = await createQueueEvaluator({ url: redis.url, capacity: 1, attempts: 1 }).then(async (e) => {
      try {
        return await e.evaluate({ ...task(8), spaceFile: '/elsewhere/my-space.json' });
      } finally {
        await e.close();
      }
    });
    assert.match(unknown.error ?? '', /search space file \/elsewhere\/my-space\.json is not on this worker/);
  } finally {
    await queue.close();
    await worker.close();
    await redis.stop();
  }
});

test('a child queued while no worker runs is trained when one joins; capacity follows the workers', needs('redis-server'), async () => {
  const redis = await startRedis();
  const queue = await createQueueEvaluator({ url: redis.url });
  const backends = [tableWithProgress(1), tableWithProgress(3)];
  const workers = [];
  try {
    assert.equal(queue.capacity, 1, 'at least one child in flight with no worker yet');
    const pending = queue.evaluate(task(7));
    await new Promise((r) => setTimeout(r, 200));
    workers.push(await startQueueWorker({ url: redis.url, evaluator: backends[0], name: 'late' }));
    assert.equal((await pending).status, 'complete');
    workers.push(await startQueueWorker({ url: redis.url, evaluator: backends[1], name: 'big' }));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await queue.refreshCapacity(), 4);
    await workers.shift()!.close();
    assert.equal(await queue.refreshCapacity(), 3, 'a worker that leaves is no longer counted');
  } finally {
    await queue.close();
    for (const w of workers) await w.close();
    await redis.stop();
  }
});

test('a child that fails for a real error is retried a bounded number of times, then reported failed', needs('redis-server'), async () => {
  const redis = await startRedis();
  const backend = tableWithProgress(1);
  const worker = await startQueueWorker({ url: redis.url, evaluator: backend, name: 'box' });
  const queue = await createQueueEvaluator({ url: redis.url, capacity: 1, attempts: 3, retryDelayMs: 10 });
  try {
    // A genotype missing from the table: the lookup throws, like a trainer running out of memory.
    const missing = task(9, { space: 'nas-bench-201', arch: '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|' });
    const tbl = table as unknown as { rows: Map<string, unknown> };
    const key = space.key(missing.genotype);
    const saved = tbl.rows.get(key);
    tbl.rows.delete(key);
    const r = await queue.evaluate(missing);
    if (saved) tbl.rows.set(key, saved);
    assert.equal(r.status, 'failed');
    assert.equal(r.reward, null);
    assert.match(r.error ?? '', /line|table|no row|not in/i);
    assert.deepEqual(backend.calls, [9, 9, 9], 'three attempts in all');
    const job = await queue.queue.getJob(jobIdOf(missing));
    assert.equal(job?.attemptsMade, 3);
  } finally {
    await queue.close();
    await worker.close();
    await redis.stop();
  }
});

test('aborting a wait leaves the job running; the result is picked up by the next evaluator', needs('redis-server'), async () => {
  const redis = await startRedis();
  const first = await createQueueEvaluator({ url: redis.url, capacity: 1 });
  const t = task(11);
  const abort = new AbortController();
  const waiting = first.evaluate(t, undefined, abort.signal);
  await new Promise((r) => setTimeout(r, 100));
  abort.abort();
  assert.equal((await waiting).error, 'aborted');
  await first.close();
  const backend = tableWithProgress(1);
  const worker = await startQueueWorker({ url: redis.url, evaluator: backend, name: 'box' });
  const second = await createQueueEvaluator({ url: redis.url, capacity: 1 });
  try {
    // The job finishes while no search waits for it ...
    for (let i = 0; i < 100 && backend.calls.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    // ... and the resumed search gets its result without a second job or a second training.
    const r = await second.evaluate(t);
    assert.equal(r.status, 'complete');
    assert.deepEqual(backend.calls, [11]);
    assert.equal((await second.queue.getJobCounts('completed')).completed, 1);
  } finally {
    await second.close();
    await worker.close();
    await redis.stop();
  }
});

test('a promotion goes through the queue as its own job: its rung, fidelity and the state it continues arrive, the state comes back', needs('redis-server'), async () => {
  const redis = await startRedis();
  const seen: TrainTask[] = [];
  // A worker-side evaluator that echoes what it was given (a trained state comes back as bytes).
  const echo: Evaluator = {
    name: 'echo', capacity: 1,
    async evaluate(t) {
      seen.push(t);
      return { trialId: t.trialId, status: 'complete', reward: 0.5 + (t.rung ?? 0) / 10, state: t.keepState ? Buffer.from(`state of rung ${t.rung}`).toString('base64') : undefined };
    },
    async close() {},
  };
  const worker = await startQueueWorker({ url: redis.url, evaluator: echo, name: 'box-p' });
  const queue = await createQueueEvaluator({ url: redis.url, capacity: 1 });
  try {
    const fidelity = (epochs: number) => ({ protocol: 'proxy' as const, trainImages: 10, valImages: 10, imageSize: 0, epochs, batchSize: 5, learningRate: 0.1, stemChannels: 4, filters: 4, cellsPerStage: 1, reductions: 2 });
    const rung0 = await queue.evaluate({ ...task(20), rung: 0, fidelity: fidelity(1), keepState: true });
    assert.equal(Buffer.from(rung0.state!, 'base64').toString(), 'state of rung 0');
    const promotion = { ...task(20), rung: 1, fidelity: fidelity(3), from: rung0.state };
    assert.notEqual(jobIdOf(promotion), jobIdOf({ ...task(20), rung: 0, fidelity: fidelity(1) }), 'a promotion has its own job id');
    const rung1 = await queue.evaluate(promotion);
    assert.equal(rung1.reward, 0.6);
    assert.deepEqual(seen.map((t) => [t.rung, t.fidelity?.epochs, t.from && Buffer.from(t.from, 'base64').toString()]), [[0, 1, undefined], [1, 3, 'state of rung 0']]);
  } finally {
    await queue.close();
    await worker.close();
    await redis.stop();
  }
});
