/** The thread plan: replicas before engine threads. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_SHARD, threadPlan } from '../../src/replay/threads.js';

test('plan: threads become replicas while a shard keeps MIN_SHARD images, the rest engine threads', () => {
  assert.equal(MIN_SHARD, 16);
  assert.deepEqual(threadPlan(1, 64), { replicas: 1, engineThreads: 1 });
  assert.deepEqual(threadPlan(2, 64), { replicas: 2, engineThreads: 1 });
  assert.deepEqual(threadPlan(8, 64), { replicas: 4, engineThreads: 2 });
  assert.deepEqual(threadPlan(6, 64), { replicas: 4, engineThreads: 1 });
  assert.deepEqual(threadPlan(16, 128), { replicas: 8, engineThreads: 2 });
  assert.deepEqual(threadPlan(4, 20), { replicas: 1, engineThreads: 4 });
});
