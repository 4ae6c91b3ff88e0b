/**
 * How far two data-parallel replicas are from twice one thread, on a long run: the replay's loop
 * (src/training/loop.ts) trains NASNet-A at replay size (N 2, F 16, stem 32, 28×28×1) on onednn,
 * one engine thread per replica, and prints the median step time over the last two thirds of the
 * steps (the first steps fill the buffer pool and oneDNN's primitive cache, more slowly in a fresh
 * replica thread than in a warmed process). Compare `--batch 32 --replicas 1` (one shard alone),
 * `--batch 64 --replicas 1` and `--batch 64 --replicas 2`, one process each, in turn.
 *
 *   npx tsc -p . && node dist/bench/replica-probe.js --batch 64 --replicas 2 [--steps 60]
 */
import { selectBackend } from '../src/engine/backend.js';
import { REPLAY_MACRO, trainLoopBatches } from '../src/commands/bench-train.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};

async function main(): Promise<void> {
  const batch = Number(arg('--batch', '64'));
  const replicas = Number(arg('--replicas', '2'));
  const steps = Number(arg('--steps', '60'));
  await selectBackend('onednn', { threads: 1 });
  const times: number[] = [];
  let prev = performance.now();
  await trainLoopBatches({
    backend: 'onednn', macro: REPLAY_MACRO, batchSize: batch, batches: steps, replicas, engineThreads: 1,
    onBatch: (_, at) => { times.push(at - prev); prev = at; },
  });
  const tail = times.slice(Math.floor(times.length / 3)).sort((a, b) => a - b);
  const med = tail[Math.floor(tail.length / 2)];
  console.log(`batch ${batch}, ${replicas} replica(s): median step ${med.toFixed(1)} ms over the last ${tail.length} steps ` +
    `(${((batch / med) * 1000).toFixed(1)} images/s); first 5 steps ${times.slice(0, 5).map((t) => t.toFixed(0)).join(' ')} ms`);
}

await main();
