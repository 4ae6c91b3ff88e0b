/**
 * Throughput of real training through the queue: the same small search served by one `nas worker`
 * and then by two (each --concurrency 1), on one redis-server, measured side by side in one run.
 * As a control, the same search on the local pool with --workers 1 and 2: on one shared machine,
 * that is the most a second worker can give, so queue ratio ≈ pool ratio means the queue is not
 * the bottleneck. Time is from the search's "starting run" line to its exit (no process start-up).
 *
 * "Busy" is the sum of the children's own wall times over the search's wall time: how many workers
 * were training on average (ideal: 1 and 2). It shows whether the queue keeps every worker fed even
 * when the machine's cores are oversubscribed and the wall-time ratio cannot reach 2.
 *
 * usage: node dist/bench/queue-throughput.js [BUDGET=8] [REPEATS=1]
 */
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Store } from '../src/store/store.js';
import { startRedis } from '../test/evaluators/queue/redis-server.js';
import { startNas, startWorker, stop, type Proc } from '../test/evaluators/queue/cli-helpers.js';

const budget = Number(process.argv[2] ?? 8);
const repeats = Number(process.argv[3] ?? 1);
/** A real-training proxy a little heavier than the tests', so training dominates the queue's cost. */
const PROXY = ['--train-size', '300', '--val-size', '100', '--epochs', '1', '--batch-size', '50', '--image-size', '14',
  '--cells', '0', '--reductions', '1', '--filters', '8', '--stem-channels', '8', '--backend', 'cpu', '--no-dashboard'];

interface Timing { seconds: number; busy: number }

async function timeSearch(workerCount: number, round: number, mode: 'queue' | 'pool'): Promise<Timing> {
  if (mode === 'pool') {
    const db = join(mkdtempSync(join(tmpdir(), 'nas-bench-')), 'nas.db');
    return timed(db, startNas(['search', '--workers', String(workerCount), '--strategy', 'random', '--seed', String(round + 1), '--budget', String(budget), '--db', db, ...PROXY]));
  }
  const redis = await startRedis();
  const workers: Proc[] = [];
  try {
    workers.push(...(await Promise.all(Array.from({ length: workerCount }, (_, i) => startWorker(redis.url, `w${i}`)))));
    const db = join(mkdtempSync(join(tmpdir(), 'nas-bench-')), 'nas.db');
    return await timed(db, startNas(['search', '--queue', redis.url, '--strategy', 'random', '--seed', String(round + 1), '--budget', String(budget), '--db', db, ...PROXY]));
  } finally {
    for (const w of workers) await stop(w);
    await redis.stop();
  }
}

/** Seconds from the search's "starting run" line to its exit. */
async function timed(db: string, search: Proc): Promise<Timing> {
  await search.waitFor(/^starting run/, 120_000);
  const t0 = performance.now();
  const status = await search.exited;
  if (status !== 0) throw new Error(`search failed:\n${search.text()}`);
  const seconds = (performance.now() - t0) / 1000;
  const store = Store.open(db, { readonly: true });
  const trained = store.trials(1).reduce((sum, t) => sum + (t.metrics?.seconds ?? 0), 0);
  store.close();
  return { seconds, busy: trained / seconds };
}

console.log(`| round | evaluator | 1 worker, s (${budget} children) | 2 workers, s | speed-up (2 vs 1) | busy workers, 1 / 2 |`);
console.log('|---:|---|---:|---:|---:|---:|');
for (let r = 0; r < repeats; r++) {
  for (const mode of ['queue', 'pool'] as const) {
    // Alternate the order so a load change on the shared machine does not favour one side.
    const order = r % 2 === 0 ? [1, 2] : [2, 1];
    const t: Record<number, Timing> = {};
    for (const n of order) t[n] = await timeSearch(n, r, mode);
    const label = mode === 'queue' ? 'queue: `nas worker` processes' : 'local pool (control)';
    console.log(`| ${r + 1} | ${label} | ${t[1].seconds.toFixed(1)} | ${t[2].seconds.toFixed(1)} | ${(t[1].seconds / t[2].seconds).toFixed(2)}× | ${t[1].busy.toFixed(2)} / ${t[2].busy.toFixed(2)} |`);
  }
}
