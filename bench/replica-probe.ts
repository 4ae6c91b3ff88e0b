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
import type * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { selectBackend } from '../src/engine/backend.js';
import { createRng } from '../src/core/rng.js';
import { buildReplayNetwork } from '../src/replay/network.js';
import { runTraining, type TrainingSettings } from '../src/training/loop.js';
import { ReplicaGroup } from '../src/training/replicas/group.js';
import { loadSpace } from '../src/space/load.js';
import { loadBaseline } from '../src/baselines/index.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};

async function main(): Promise<void> {
  const batch = Number(arg('--batch', '64'));
  const replicas = Number(arg('--replicas', '2'));
  const steps = Number(arg('--steps', '60'));
  await selectBackend('onednn', { threads: 1 });
  const space = loadSpace('nasnet');
  const genotype = loadBaseline('nasnet-a', space).genotype;
  const macro = { ...space.macro, stemChannels: 32, filters: 16, cellsPerStage: 2, reductions: 2, filterMultiplier: 2 };
  const settings: TrainingSettings = {
    epochs: 1, batchSize: batch, learningRate: 0.01, schedule: 'cosine', momentum: 0.9, nesterov: true, weightDecay: 5e-4,
    augment: { pad: 0, flip: false, cutout: 0, randomErasing: 0 }, dropPath: 0, auxWeight: 0, labelSmoothing: 0, seed: 1,
  };
  const input: [number, number, number] = [28, 28, 1];
  const net = buildReplayNetwork(space, genotype, macro, settings, input, 10);
  const count = steps * batch;
  const rng = seedrandom('replica-probe');
  const train = {
    images: Uint8Array.from({ length: count * 784 }, () => Math.floor(rng() * 256)),
    labels: Uint8Array.from({ length: count }, () => Math.floor(rng() * 10)), count, height: 28, width: 28, channels: 1,
  };
  const group = replicas > 1
    ? await ReplicaGroup.start(
      { spaceFile: space.file, genotype, macro, settings, inputShape: input, numClasses: 10, backend: 'onednn', engineThreads: 1 },
      replicas, batch, net.trainModel.trainableWeights.map((w) => w.read() as tf.Variable),
    )
    : undefined;
  const times: number[] = [];
  let prev = performance.now();
  try {
    await runTraining({
      model: net.built.model, trainModel: net.trainModel, train, norm: { mean: [127.5], std: [64] }, numClasses: 10, settings,
      startEpoch: 0, rng: createRng('replica-probe'), replicas: group,
      onBatch: () => { const t = performance.now(); times.push(t - prev); prev = t; },
      onEpoch: async () => {},
    });
  } finally {
    await group?.close();
    net.dispose();
  }
  const tail = times.slice(Math.floor(times.length / 3)).sort((a, b) => a - b);
  const med = tail[Math.floor(tail.length / 2)];
  console.log(`batch ${batch}, ${replicas} replica(s): median step ${med.toFixed(1)} ms over the last ${tail.length} steps ` +
    `(${((batch / med) * 1000).toFixed(1)} images/s); first 5 steps ${times.slice(0, 5).map((t) => t.toFixed(0)).join(' ')} ms`);
}

await main();
