/**
 * The end-to-end tests with real processes: a real redis-server, `nas worker` processes
 * training real tfjs children, `nas search --queue` writing a real SQLite store.
 */
import { needs } from '../../helpers/system.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Store } from '../../../src/store/store.js';
import { startRedis } from './redis-server.js';
import { QUEUE_TINY, completedTrials, startNas, startWorker, startedTrials, stop, tempDir, type Proc } from './cli-helpers.js';

function countBy(xs: number[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

async function jobCounts(url: string): Promise<Record<string, number>> {
  const c = new Redis(url);
  try {
    const [completed, failed, wait, active] = await Promise.all(['completed', 'failed', 'wait', 'active'].map((k) =>
      k === 'completed' || k === 'failed' ? c.zcard(`bull:nas-trials:${k}`) : c.llen(`bull:nas-trials:${k}`)));
    return { completed, failed, wait, active };
  } finally {
    c.disconnect();
  }
}

function storeTrials(db: string) {
  const store = Store.open(db, { readonly: true });
  try {
    return store.trials(1);
  } finally {
    store.close();
  }
}

test('a search served by two nas worker processes trains every child exactly once', { ...needs('redis-server'), timeout: 120_000 }, async () => {
  const redis = await startRedis();
  const workers: Proc[] = [];
  try {
    workers.push(...(await Promise.all([startWorker(redis.url, 'alpha'), startWorker(redis.url, 'beta')])));
    const db = join(tempDir(), 'nas.db');
    const search = startNas(['search', '--queue', redis.url, '--strategy', 'random', '--budget', '6', '--db', db, ...QUEUE_TINY]);
    assert.equal(await search.exited, 0, search.text());
    assert.match(search.text(), /2 worker\(s\), evaluator queue/, 'capacity follows the two live workers');

    const trials = storeTrials(db);
    assert.equal(trials.length, 6);
    assert.ok(trials.every((t) => t.status === 'complete'), JSON.stringify(trials.map((t) => [t.status, t.error])));
    const started = workers.flatMap(startedTrials);
    assert.deepEqual([...countBy(started).entries()].sort((a, b) => a[0] - b[0]), trials.map((t) => [t.id, 1]), 'each child trained once, by one worker');
    for (const [i, w] of workers.entries()) assert.ok(startedTrials(w).length >= 1, `worker ${i} trained something:\n${w.text()}`);
    // The dashboard's worker column: the process name, then the pool thread.
    assert.ok(trials.every((t) => /^(alpha|beta)\/w\d+$/.test(t.metrics?.worker ?? '')), trials.map((t) => t.metrics?.worker).join(' '));
    assert.deepEqual(await jobCounts(redis.url), { completed: 6, failed: 0, wait: 0, active: 0 });
    for (const w of workers.splice(0)) assert.equal(await stop(w), 0, 'SIGTERM closes a worker gracefully');
  } finally {
    for (const w of workers) w.proc.kill('SIGKILL');
    await redis.stop();
  }
});

test('a worker killed with SIGKILL mid-child: the child completes on the other worker, nothing lost or duplicated', { ...needs('redis-server'), timeout: 120_000 }, async () => {
  const redis = await startRedis();
  const workers: Proc[] = [];
  try {
    workers.push(...(await Promise.all([startWorker(redis.url, 'alpha'), startWorker(redis.url, 'beta')])));
    const db = join(tempDir(), 'nas.db');
    // One child in flight at a time, so the killed worker holds the only running child.
    const search = startNas(['search', '--queue', redis.url, '--queue-capacity', '1', '--strategy', 'random', '--budget', '2', '--db', db, ...QUEUE_TINY]);
    const first = await Promise.race(workers.map((w, i) => w.waitFor(/trial (\d+) \(job \S+, attempt \d+\) started/, 90_000).then((m) => ({ i, trial: Number(m[1]) }))))
      .catch((err: Error) => assert.fail(`${err.message}\nsearch:\n${search.text()}`));
    const victim = workers[first.i];
    const survivor = workers[1 - first.i];
    victim.proc.kill('SIGKILL');
    assert.equal(await victim.exited, 'SIGKILL');
    assert.deepEqual(completedTrials(victim), [], 'killed before the child finished');

    assert.equal(await search.exited, 0, search.text());
    assert.match(search.text(), /1 worker\(s\), evaluator queue/, '--queue-capacity 1 fixed the capacity although two workers are live');
    const trials = storeTrials(db);
    assert.equal(trials.length, 2, 'no trial lost or added');
    assert.ok(trials.every((t) => t.status === 'complete'), JSON.stringify(trials.map((t) => [t.status, t.error])));
    assert.equal(new Set(trials.map((t) => t.key)).size, 2);
    const moved = trials.find((t) => t.id === first.trial)!;
    assert.match(moved.metrics?.worker ?? '', survivor === workers[0] ? /^alpha\// : /^beta\//, 'the survivor finished the killed worker\'s child');
    assert.deepEqual(completedTrials(survivor).sort(), trials.map((t) => t.id).sort(), 'each child completed exactly once');
    assert.deepEqual(await jobCounts(redis.url), { completed: 2, failed: 0, wait: 0, active: 0 });
  } finally {
    for (const w of workers) await stop(w);
    await redis.stop();
  }
});

test('a search restarted with --resume picks up children that finished while it was down, enqueuing none twice', { ...needs('redis-server'), timeout: 150_000 }, async () => {
  const redis = await startRedis();
  const workers: Proc[] = [];
  try {
    workers.push(...(await Promise.all([startWorker(redis.url, 'alpha'), startWorker(redis.url, 'beta')])));
    const db = join(tempDir(), 'nas.db');
    const args = ['--db', db, ...QUEUE_TINY];
    const first = startNas(['search', '--queue', redis.url, '--strategy', 'evolution', '--population', '2', '--sample', '2', '--budget', '5', ...args]);
    await first.waitFor(/^\[1\/5\] trial \d+ reward/);
    first.proc.kill('SIGKILL');
    await first.exited;
    const down = storeTrials(db);
    const wasRunning = down.filter((t) => t.status === 'running').map((t) => t.id);
    assert.ok(wasRunning.length >= 1, 'children were in flight when the search died');

    // The workers finish what was queued while no search is listening.
    const deadline = Date.now() + 60_000;
    const counts = () => ({ started: workers.flatMap(startedTrials).length, done: workers.flatMap(completedTrials).length });
    while ((counts().done < counts().started || (await jobCounts(redis.url)).wait > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const finishedWhileDown = workers.flatMap(completedTrials).filter((id) => wasRunning.includes(id));
    assert.ok(finishedWhileDown.length >= 1, 'some child finished while the search was down');

    // A resume keeps the run's settings: it takes only the store, the backend and --no-dashboard.
    const resumed = startNas(['search', '--resume', '1', '--db', db, '--backend', 'cpu', '--no-dashboard']);
    assert.equal(await resumed.exited, 0, resumed.text());
    assert.match(resumed.text(), /resuming run 1/);
    const trials = storeTrials(db);
    assert.equal(trials.length, 5);
    assert.ok(trials.every((t) => t.status === 'complete'), JSON.stringify(trials.map((t) => [t.id, t.status, t.error])));
    const started = workers.flatMap(startedTrials);
    assert.deepEqual([...countBy(started).entries()].sort((a, b) => a[0] - b[0]), trials.map((t) => [t.id, 1]), 'no child trained twice');
    assert.deepEqual(await jobCounts(redis.url), { completed: 5, failed: 0, wait: 0, active: 0 });
  } finally {
    for (const w of workers) await stop(w);
    await redis.stop();
  }
});
