/**
 * Throughput of real training through the queue: the same small search served by one `nas worker`
 * and then by two (each --concurrency 1), on one redis-server, measured side by side in one run.
 * Time is from the search's "starting run" line to its exit, so process start-up is not counted.
 *
 * usage: node dist/bench/queue-throughput.js [BUDGET=6] [REPEATS=1]
 * On one machine the two workers share its cores: the ratio shows the queue keeps both busy; on
 * separate machines it is the speed-up a second machine gives.
 */
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startRedis } from '../test/distributed/redis-server.js';
import { startNas, startWorker, stop, type Proc } from '../test/distributed/cli-helpers.js';

const budget = Number(process.argv[2] ?? 6);
const repeats = Number(process.argv[3] ?? 1);
/** A real-training proxy a little heavier than the tests', so training dominates the queue's cost. */
const PROXY = ['--train-size', '300', '--val-size', '100', '--epochs', '1', '--batch-size', '50', '--image-size', '14',
  '--cells', '0', '--reductions', '1', '--filters', '8', '--stem-channels', '8', '--backend', 'cpu', '--no-dashboard'];

async function timeSearch(workerCount: number, round: number): Promise<number> {
  const redis = await startRedis();
  const workers: Proc[] = [];
  try {
    workers.push(...(await Promise.all(Array.from({ length: workerCount }, (_, i) => startWorker(redis.url, `w${i}`)))));
    const db = join(mkdtempSync(join(tmpdir(), 'nas-bench-')), 'nas.db');
    const search = startNas(['search', '--queue', redis.url, '--strategy', 'random', '--seed', String(round + 1), '--budget', String(budget), '--db', db, ...PROXY]);
    await search.waitFor(/^starting run/, 120_000);
    const t0 = performance.now();
    const status = await search.exited;
    if (status !== 0) throw new Error(`search failed:\n${search.text()}`);
    return (performance.now() - t0) / 1000;
  } finally {
    for (const w of workers) await stop(w);
    await redis.stop();
  }
}

const rows: Array<[number, number, number]> = [];
for (let r = 0; r < repeats; r++) {
  // Alternate the order so a load change on the shared machine does not favour one side.
  const order = r % 2 === 0 ? [1, 2] : [2, 1];
  const t: Record<number, number> = {};
  for (const n of order) t[n] = await timeSearch(n, r);
  rows.push([t[1], t[2], t[1] / t[2]]);
}
console.log(`| round | 1 worker, s (${budget} children) | 2 workers, s | speed-up (2 vs 1) |`);
console.log('|---:|---:|---:|---:|');
for (const [i, [a, b, ratio]] of rows.entries()) console.log(`| ${i + 1} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${ratio.toFixed(2)}× |`);
