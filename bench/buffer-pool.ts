/**
 * The engine's buffer pool (src/engine/buffer-pool.ts) at work: trains the `nas bench train`
 * reference child (NASNet-A, stem 16, F = 8, N = 1, 2 reductions, 28×28×1, batch 64, SGD) for
 * a number of steps and prints images/s, CPU seconds, V8 GC counts and pause time, the pool's
 * counters and the tensor count before and after. NAS_BUFFER_POOL_MB=0 runs the same without a pool.
 *
 *   npx tsc -p . && node dist/bench/buffer-pool.js [--backend onednn|cpu] [--steps 20]
 *   NAS_BUFFER_POOL_MB=0 node dist/bench/buffer-pool.js --backend onednn
 */
import * as tf from '#tfjs';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import seedrandom from 'seedrandom';
import { selectBackend } from '../src/engine/backend.js';
import { poolOf, poolConfig } from '../src/engine/buffer-pool.js';
import type { Genotype } from '../src/space/types.js';
import { loadSpace } from '../src/space/load.js';
import { buildModel } from '../src/model/build.js';

/** NASNet-A (Zoph et al. 2018, Fig. 4), as in src/commands/bench-train.ts. */
const NASNET_A: Genotype = {
  space: 'nasnet',
  normal: [
    { inputs: [1, 0], ops: ['sep_conv_5x5', 'sep_conv_3x3'] }, { inputs: [0, 0], ops: ['sep_conv_5x5', 'sep_conv_3x3'] },
    { inputs: [1, 0], ops: ['avg_pool_3x3', 'identity'] }, { inputs: [0, 0], ops: ['avg_pool_3x3', 'avg_pool_3x3'] },
    { inputs: [1, 1], ops: ['sep_conv_3x3', 'identity'] },
  ],
  reduce: [
    { inputs: [1, 0], ops: ['sep_conv_5x5', 'sep_conv_7x7'] }, { inputs: [1, 0], ops: ['max_pool_3x3', 'sep_conv_7x7'] },
    { inputs: [1, 0], ops: ['avg_pool_3x3', 'sep_conv_5x5'] }, { inputs: [3, 2], ops: ['identity', 'avg_pool_3x3'] },
    { inputs: [2, 1], ops: ['sep_conv_3x3', 'max_pool_3x3'] },
  ],
};

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};

async function main(): Promise<void> {
  const backend = arg('--backend', 'onednn'), steps = Number(arg('--steps', '20'));
  await selectBackend(backend, { threads: 1 });
  const { model } = buildModel(loadSpace('nasnet'), NASNET_A,
    { stemChannels: 16, filters: 8, cellsPerStage: 1, reductions: 2, filterMultiplier: 2 },
    { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
  const rng = seedrandom('bench-pool');
  const x = tf.tensor4d(Float32Array.from({ length: 64 * 28 * 28 }, () => rng() * 2 - 1), [64, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: 64 }, () => Math.floor(rng() * 10)), 'int32'), 10);
  const opt = tf.train.sgd(0.01);
  const step = () => opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor), true)!;
  step().dispose(); // warm-up (builds the optimizer's variables)
  const tensors = tf.memory().numTensors;

  const gc = { minor: 0, major: 0, ms: 0 };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) gc.minor++;
      else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.major++;
      gc.ms += e.duration;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  const cpu0 = process.cpuUsage(), t0 = performance.now();
  for (let i = 0; i < steps; i++) step().dispose();
  const seconds = (performance.now() - t0) / 1000, cpu = process.cpuUsage(cpu0);
  await new Promise((r) => setTimeout(r, 50)); // let the observer deliver the last entries
  obs.disconnect();

  const s = poolOf(tf.backend())?.stats;
  console.log(`${backend}: ${steps} steps, ${((64 * steps) / seconds).toFixed(1)} images/s, ${seconds.toFixed(2)} s wall, ` +
    `${((cpu.user + cpu.system) / 1e6).toFixed(2)} s cpu (user ${(cpu.user / 1e6).toFixed(2)})`);
  console.log(`  gc: ${gc.minor} scavenges, ${gc.major} mark-compacts, ${gc.ms.toFixed(0)} ms of pauses`);
  console.log(s ? `  pool (cap ${poolConfig.capBytes / 2 ** 20} MB): ${s.fresh} fresh, ${s.reused} reused, ${s.recycled} recycled, ` +
    `${s.escaped} escaped, ${s.dropped} dropped, peak free ${(s.peakFreeBytes / 2 ** 20).toFixed(1)} MB` : '  no pool');
  console.log(`  memory: max RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  console.log(`  tensors: ${tensors} after the warm-up step, ${tf.memory().numTensors} after the timed steps`);
  tf.dispose([x, y]);
  model.dispose();
  opt.dispose();
}

await main();
