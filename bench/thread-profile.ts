/**
 * Why more engine threads do not make a NASNet step faster: `tf.profile` of one training step of
 * NASNet-A at replay size (N 2, F 16, stem 32, 28×28×1, batch 64) on onednn at 1 and at 2
 * intra-op threads, kernel time summed by kernel name, plus the step's wall time and how much of
 * it no kernel accounts for (JavaScript between kernels: tape, tidy, allocation).
 *
 *   npx tsc -p . && node dist/bench/thread-profile.js [--steps 3] [--threads 1,2] [--batch 64]
 */
import * as tf from '#tfjs';
import seedrandom from 'seedrandom';
import { selectBackend, setEngineThreads } from '../src/engine/backend.js';
import { loadSpace } from '../src/space/load.js';
import { loadBaseline } from '../src/baselines/index.js';
import { buildModel } from '../src/model/build.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};

async function main(): Promise<void> {
  const steps = Number(arg('--steps', '3'));
  const counts = arg('--threads', '1,2').split(',').map(Number);
  const batch = Number(arg('--batch', '64'));
  await selectBackend('onednn', { threads: 1 });
  const space = loadSpace('nasnet');
  const genotype = loadBaseline('nasnet-a', space).genotype;
  const { model } = buildModel(space, genotype, { ...space.macro, stemChannels: 32, filters: 16, cellsPerStage: 2, reductions: 2 }, { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
  const rng = seedrandom('thread-profile');
  const x = tf.tensor4d(Float32Array.from({ length: batch * 784 }, () => rng() * 2 - 1), [batch, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: batch }, () => Math.floor(rng() * 10)), 'int32'), 10);
  const opt = tf.train.sgd(0.01);
  const step = () => opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor), true)!;
  const byCount = new Map<number, { wall: number; kernels: Map<string, number> }>();
  for (const t of counts) {
    setEngineThreads(t);
    step().dispose();
    const kernels = new Map<string, number>();
    let wall = 0;
    for (let s = 0; s < steps; s++) {
      const t0 = performance.now();
      const info = await tf.profile(() => step());
      wall += performance.now() - t0;
      for (const k of info.kernels) kernels.set(k.name, (kernels.get(k.name) ?? 0) + (k.kernelTimeMs as number));
      tf.dispose(info.result as tf.Tensor);
    }
    for (const [k, v] of kernels) kernels.set(k, v / steps);
    byCount.set(t, { wall: wall / steps, kernels });
  }
  const first = byCount.get(counts[0])!;
  const names = [...first.kernels.keys()].sort((a, b) => first.kernels.get(b)! - first.kernels.get(a)!);
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  console.log(`NASNet-A, N 2, F 16, stem 32, batch ${batch}, onednn; ms per step (mean of ${steps}), profiled`);
  console.log(['kernel', ...counts.map((t) => `${t} thr`), ...counts.slice(1).map((t) => `${t}/${counts[0]}`)].map((c, i) => (i ? c.padStart(9) : c.padEnd(28))).join(''));
  const row = (label: string, vals: number[]) => console.log([label.padEnd(28), ...vals.map((v) => v.toFixed(1).padStart(9)), ...vals.slice(1).map((v) => (v / vals[0]).toFixed(2).padStart(9))].join(''));
  for (const k of names.slice(0, 14)) row(k, counts.map((t) => byCount.get(t)!.kernels.get(k) ?? 0));
  row('other kernels', counts.map((t) => { const m = byCount.get(t)!.kernels; return sum(m) - names.slice(0, 14).reduce((a, k) => a + (m.get(k) ?? 0), 0); }));
  row('all kernels', counts.map((t) => sum(byCount.get(t)!.kernels)));
  row('between kernels', counts.map((t) => byCount.get(t)!.wall - sum(byCount.get(t)!.kernels)));
  row('step (wall)', counts.map((t) => byCount.get(t)!.wall));
  tf.dispose([x, y]);
  model.dispose();
  opt.dispose();
}

await main();
