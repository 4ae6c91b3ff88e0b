/**
 * Per-child cost of the search's proxy networks: params, mult-adds, layers and the time of
 * one training step (forward + backward + SGD update) on a batch of 32 images (28x28x1),
 * per backend, measured side by side (backends alternate per child so load hits them alike).
 *
 *   npx tsc -p . && node dist/bench/child-speed.js [--space nasnet] [--children 4] [--steps 3]
 *     [--backends cpu-stock,cpu] [--stem 16] [--filters 8] [--cells 1] [--reductions 2] [--size 28] [--per-op]
 *
 * --per-op builds, for every op, a child whose cells use only that op, to show what each costs.
 */
import * as tf from '#tfjs';
import seedrandom from 'seedrandom';
import { selectBackend } from '../src/engine/backend.js';
import { loadSpace } from '../src/space/load.js';
import { buildModel } from '../src/model/build.js';
import type { Genotype, MacroSettings, NasnetGenotype } from '../src/space/types.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Median wall ms and median CPU ms (this process, user + system) of one SGD step on a batch
 * of 32, after one warm-up step. CPU time is the fairer figure on a loaded machine: the JS
 * backends run on one thread, so it is what the step costs when it has a core to itself.
 */
function stepMs(model: tf.LayersModel, steps: number, size: number): { wall: number; cpu: number } {
  const xs = tf.randomNormal([32, size, size, 1], 0, 1, 'float32', 1);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 10), 'int32'), 10));
  const opt = tf.train.momentum(0.01, 0.9, true);
  const times: number[] = [];
  const cpus: number[] = [];
  for (let s = 0; s <= steps; s++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, true);
    loss!.dataSync();
    loss!.dispose();
    const c = process.cpuUsage(c0);
    if (s > 0) {
      times.push(performance.now() - t0);
      cpus.push((c.user + c.system) / 1000);
    }
  }
  opt.dispose();
  tf.dispose([xs, ys]);
  return { wall: median(times), cpu: median(cpus) };
}

async function main(): Promise<void> {
  const space = loadSpace(arg('--space', 'nasnet'));
  const macro: MacroSettings = {
    ...space.macro,
    stemChannels: Number(arg('--stem', String(space.macro.stemChannels))),
    filters: Number(arg('--filters', String(space.macro.filters))),
    cellsPerStage: Number(arg('--cells', String(space.macro.cellsPerStage))),
    reductions: Number(arg('--reductions', String(space.macro.reductions))),
  };
  const steps = Number(arg('--steps', '3'));
  const size = Number(arg('--size', '28'));
  const backends = arg('--backends', 'cpu-stock,cpu').split(',');
  const rng = seedrandom('child-speed');
  const children: [string, Genotype][] = [];
  if (process.argv.includes('--per-op') && space.family === 'nasnet') {
    for (const op of space.ops) {
      const cell = Array.from({ length: space.blocks }, (_, b) => ({ inputs: [b === 0 ? 0 : 1, b === 0 ? 1 : b + 1] as [number, number], ops: [op, op] as [string, string] }));
      children.push([op, { space: 'nasnet', normal: cell, reduce: cell } as NasnetGenotype]);
    }
  } else {
    for (let i = 0; i < Number(arg('--children', '4')); i++) children.push([`sample ${i}`, space.sample(rng)]);
  }
  console.log(`space ${space.name}, macro ${JSON.stringify(macro)}, batch 32 of ${size}x${size}x1, median of ${steps} steps`);
  console.log(['child', 'params', 'mult-adds', 'layers', ...backends.map((b) => `${b} wall/cpu ms/step`)].join('\t'));
  const sums = new Map<string, number>();
  for (const [label, g] of children) {
    const row: string[] = [];
    let info = '';
    for (const b of backends) {
      await selectBackend(b);
      const built = buildModel(space, g, macro, { inputShape: [size, size, 1], numClasses: 10, seed: 1 });
      info = `${built.params}\t${(built.multAdds / 1e6).toFixed(2)}M\t${built.layers}`;
      const ms = stepMs(built.model, steps, size);
      built.model.dispose();
      sums.set(b, (sums.get(b) ?? 0) + ms.cpu);
      row.push(`${ms.wall.toFixed(0)}/${ms.cpu.toFixed(0)}`);
    }
    console.log(`${label}\t${info}\t${row.join('\t')}`);
  }
  const base = sums.get(backends[0])!;
  console.log(`mean cpu ms/step: ${backends.map((b) => `${b} ${(sums.get(b)! / children.length).toFixed(0)} (${(base / sums.get(b)!).toFixed(2)}x vs ${backends[0]})`).join(', ')}`);
  console.log(`live tensors at the end: ${tf.memory().numTensors}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
