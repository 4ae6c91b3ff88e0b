/** A wrong --queue never gets past the first check: one clear UserError line, nothing written. */
import { needs } from '../../helpers/system.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { UserError } from '../../../src/core/errors.js';
import { createQueueEvaluator } from '../../../src/evaluators/queue/queue-evaluator.js';
import { parseQueueUrl } from '../../../src/evaluators/queue/connection.js';
import { formatKey, QUEUE_FORMAT, DEFAULT_QUEUE } from '../../../src/evaluators/queue/protocol.js';
import { freePort, startRedis } from './redis-server.js';

function oneLineUserError(pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof UserError, `expected UserError, got ${String(err)}`);
    assert.doesNotMatch(err.message, /\n/);
    assert.match(err.message, pattern);
    return true;
  };
}

test('malformed --queue URLs are refused before connecting', () => {
  assert.throws(() => parseQueueUrl('localhost:6379'), oneLineUserError(/redis:\/\//));
  assert.throws(() => parseQueueUrl('http://localhost:6379'), oneLineUserError(/redis:\/\/ or rediss:\/\//));
  assert.throws(() => parseQueueUrl('redis://localhost:6379/abc'), oneLineUserError(/database must be a number/));
  assert.throws(() => parseQueueUrl('redis://localhost:6379?capacity=0'), oneLineUserError(/capacity/));
  const q = parseQueueUrl('rediss://:s3cret@example.org:6380/2?queue=big&capacity=8');
  assert.deepEqual({ shown: q.shown, queue: q.queue, capacity: q.capacity }, { shown: 'rediss://example.org:6380/2', queue: 'big', capacity: 8 });
  assert.doesNotMatch(q.shown, /s3cret/);
  assert.doesNotMatch(q.redisUrl, /capacity|queue=/);
});

test('an unreachable Redis is one line', async () => {
  const port = await freePort();
  await assert.rejects(createQueueEvaluator({ url: `redis://127.0.0.1:${port}` }), oneLineUserError(new RegExp(`127\\.0\\.0\\.1:${port}.*connection refused`)));
});

test('a wrong or missing password is one line and the password is not echoed', needs('redis-server'), async () => {
  const redis = await startRedis({ password: 'right-one' });
  try {
    await assert.rejects(createQueueEvaluator({ url: `redis://:wrong-one@127.0.0.1:${redis.port}` }), (err: unknown) => {
      oneLineUserError(/wrong password/)(err);
      assert.doesNotMatch((err as Error).message, /wrong-one/);
      return true;
    });
    await assert.rejects(createQueueEvaluator({ url: `redis://127.0.0.1:${redis.port}` }), oneLineUserError(/requires a password/));
    const ok = await createQueueEvaluator({ url: redis.url, capacity: 1 });
    await ok.close();
  } finally {
    await redis.stop();
  }
});

test('a queue made by another queue format is refused; a foreign BullMQ queue too', needs('redis-server'), async () => {
  const redis = await startRedis();
  const client = new Redis(redis.url);
  try {
    await client.set(formatKey(DEFAULT_QUEUE), String(QUEUE_FORMAT + 1));
    await assert.rejects(createQueueEvaluator({ url: redis.url }), oneLineUserError(new RegExp(`incompatible nas version \\(queue format ${QUEUE_FORMAT + 1}, this nas uses ${QUEUE_FORMAT}\\)`)));
    // Another queue name in the same database is fine and gets this version's marker.
    const other = await createQueueEvaluator({ url: `${redis.url}?queue=fresh` });
    await other.close();
    assert.equal(await client.get(formatKey('fresh')), String(QUEUE_FORMAT));
    // A BullMQ queue with jobs but no marker was not made by nas.
    await client.hset('bull:foreign:meta', 'version', 'bullmq:6');
    await client.set('bull:foreign:id', '7');
    await assert.rejects(createQueueEvaluator({ url: `${redis.url}?queue=foreign` }), oneLineUserError(/not created by nas/));
  } finally {
    client.disconnect();
    await redis.stop();
  }
});

test('nas search --queue with a bad Redis exits 2 with one line and creates no store; so does nas worker', needs('redis-server'), async () => {
  const { nas, tempDir } = await import('./cli-helpers.js');
  const { existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  const port = await freePort();
  const db = join(tempDir(), 'nas.db');
  const r = nas(['search', '--queue', `redis://127.0.0.1:${port}`, '--budget', '2', '--db', db, '--no-dashboard', '--backend', 'cpu']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`^nas: cannot use Redis at redis://127\\.0\\.0\\.1:${port}: connection refused`));
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.equal(existsSync(db), false, 'the store is not created');

  const redis = await startRedis({ password: 'pw' });
  try {
    const bad = nas(['search', '--queue', `redis://:nope@127.0.0.1:${redis.port}`, '--budget', '2', '--db', db, '--no-dashboard', '--backend', 'cpu']);
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /^nas: cannot use Redis at redis:\/\/127\.0\.0\.1:\d+: wrong password/);
    assert.equal(existsSync(db), false);
    const w = nas(['worker', '--queue', `redis://:nope@127.0.0.1:${redis.port}`]);
    assert.equal(w.status, 2, w.stderr);
    assert.match(w.stderr, /^nas: cannot use Redis .* wrong password/);
    assert.equal(nas(['worker']).status, 2);
    assert.equal(nas(['worker', '--queue', 'redis://x', '--concurrency', '0']).status, 2);
  } finally {
    await redis.stop();
  }
});
