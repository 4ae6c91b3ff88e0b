/**
 * How much the BullMQ queue adds per child, on loopback: a real redis-server, a `queue worker`
 * process answering from the NAS-Bench-201 table (no training), and the real queue evaluator
 * pushing N children. Compared side by side with the same table evaluator called directly.
 *
 * usage: node dist/bench/queue-overhead.js [N=300]
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import type { TrainTask } from '../src/evaluators/types.js';
import { packageRoot } from '../src/core/paths.js';
import { loadSpace } from '../src/space/load.js';
import { createTableEvaluator, loadTable } from '../src/evaluators/table/table.js';
import { createQueueEvaluator } from '../src/evaluators/queue/queue-evaluator.js';
import { startRedis } from '../test/evaluators/queue/redis-server.js';

const N = Number(process.argv[2] ?? 300);
const space = loadSpace('nas-bench-201');
const table = loadTable(join(packageRoot, 'data/nas-bench-201/nb201-12epoch.csv'), { rewardColumn: 'cifar10_valid_acc_12ep', space });
const rng = seedrandom('queue-bench');
let runId = 0;
const tasks = (n: number): TrainTask[] => {
  runId++;
  return Array.from({ length: n }, (_, i) => ({
    runId, trialId: i + 1, genotype: space.sample(rng), spaceFile: space.file, macro: space.macro,
    proxy: { trainSize: 0, valSize: 0, epochs: 1, batchSize: 1, learningRate: 0, imageSize: 0 }, dataset: 'table', seed: i, backend: 'cpu',
  }));
};

/** Runs `list` keeping `inFlight` children in flight, like the search loop. Returns ms per child and children/s. */
async function drive(evaluate: (t: TrainTask) => Promise<unknown>, list: TrainTask[], inFlight: number): Promise<{ perChildMs: number; perSecond: number }> {
  const start = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < list.length) await evaluate(list[next++]);
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const ms = performance.now() - start;
  return { perChildMs: (ms / list.length) * inFlight, perSecond: (list.length / ms) * 1000 };
}

const redis = await startRedis();
const worker = spawn(process.execPath, [fileURLToPath(new URL('./queue-table-worker.js', import.meta.url)), redis.url, '8'], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise<void>((resolve) => worker.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
const queue = await createQueueEvaluator({ url: redis.url, capacity: 8 });
const direct = createTableEvaluator(table);
try {
  await drive((t) => queue.evaluate(t), tasks(30), 1); // warm-up: connections, scripts, JIT
  const rows: string[] = [];
  for (const inFlight of [1, 8]) {
    const d = await drive((t) => direct.evaluate(t), tasks(N), inFlight);
    const q = await drive((t) => queue.evaluate(t), tasks(N), inFlight);
    rows.push(`| ${inFlight} | ${N} | ${d.perChildMs.toFixed(3)} | ${q.perChildMs.toFixed(2)} | ${(q.perChildMs - d.perChildMs).toFixed(2)} | ${q.perSecond.toFixed(0)} |`);
  }
  console.log('| children in flight | children | direct table, ms/child | through the queue, ms/child (latency) | queue overhead, ms/child | queue throughput, children/s |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
} finally {
  await queue.close();
  worker.kill('SIGTERM');
  await redis.stop();
}
