/** The thread plan and the probe: candidates, replicas before engine threads, the fastest kept. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_SHARD, probeThreads, threadCandidates, threadPlan } from '../../src/replay/threads.js';

test('candidates: 1, 2, 4, … below the core count, then the core count', () => {
  assert.deepEqual(threadCandidates(1), [1]);
  assert.deepEqual(threadCandidates(2), [1, 2]);
  assert.deepEqual(threadCandidates(6), [1, 2, 4, 6]);
  assert.deepEqual(threadCandidates(8), [1, 2, 4, 8]);
});

test('plan: threads become replicas while a shard keeps MIN_SHARD images, the rest engine threads', () => {
  assert.equal(MIN_SHARD, 16);
  assert.deepEqual(threadPlan(1, 64), { replicas: 1, engineThreads: 1 });
  assert.deepEqual(threadPlan(2, 64), { replicas: 2, engineThreads: 1 });
  assert.deepEqual(threadPlan(8, 64), { replicas: 4, engineThreads: 2 });
  assert.deepEqual(threadPlan(6, 64), { replicas: 4, engineThreads: 1 });
  assert.deepEqual(threadPlan(16, 128), { replicas: 8, engineThreads: 2 });
  assert.deepEqual(threadPlan(4, 20), { replicas: 1, engineThreads: 4 });
});

test('probe: times every candidate once, in order, and keeps the fastest', async () => {
  const timed: number[] = [];
  const rate: Record<number, number> = { 1: 70, 2: 120, 4: 90 };
  const r = await probeThreads(4, async (t) => {
    timed.push(t);
    return rate[t];
  });
  assert.deepEqual(timed, [1, 2, 4]);
  assert.deepEqual(r.rates, [{ threads: 1, imagesPerSec: 70 }, { threads: 2, imagesPerSec: 120 }, { threads: 4, imagesPerSec: 90 }]);
  assert.equal(r.threads, 2);
});
