import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throttled } from '../../src/core/throttle.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('throttled: at most one call per interval from `since`, force always calls and restarts the count', async () => {
  const got: number[] = [];
  const f = throttled(40, (x: number) => got.push(x));
  f(1); // within 40 ms of its creation
  await sleep(50);
  f(2);
  f(3); // within 40 ms of the last call
  f(4, true);
  f(5); // the forced call restarted the count
  await sleep(50);
  f(6);
  assert.deepEqual(got, [2, 4, 6]);
  const fromZero: number[] = [];
  throttled(1, (x: number) => fromZero.push(x), 0)(7); // since 0: the thread is older than 1 ms
  assert.deepEqual(fromZero, [7]);
});
