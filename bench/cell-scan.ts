/**
 * Builds thousands of random cells and runs inference on each (the validation pass every child
 * ends with), counting failures, cells that sum one tensor twice, and tensors left behind.
 *
 *   npx tsc -p . && node dist/bench/cell-scan.js [--cells 5000] [--space nasnet|nas-bench-201] [--backend onednn] [--seed scan]
 */
import * as tf from '#tfjs';
import seedrandom from 'seedrandom';
import { selectBackend } from '../src/engine/backend.js';
import { loadSpace } from '../src/space/load.js';
import { buildModel } from '../src/model/build.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const cells = Number(arg('--cells', '5000'));
const space = loadSpace(arg('--space', 'nasnet'));
const backend = await selectBackend(arg('--backend', 'auto'));
const macro = space.family === 'nasnet' ? space.macro : { ...space.macro, stemChannels: 4, filters: 4, cellsPerStage: 1 };
const rng = seedrandom(arg('--seed', 'scan'));
const before = tf.memory().numTensors;
const x = tf.randomUniform([2, 14, 14, 1], -1, 1, 'float32', 7);
let failed = 0;
let doubled = 0;
const started = performance.now();
for (let i = 0; i < cells; i++) {
  const g = space.sample(rng);
  if (g.space === 'nasnet' && [...g.normal, ...g.reduce].some((b) => b.inputs[0] === b.inputs[1] && b.ops[0] === 'identity' && b.ops[1] === 'identity')) doubled++;
  const b = buildModel(space, g, macro, { inputShape: [14, 14, 1], numClasses: 10, seed: i });
  try {
    const out = tf.tidy(() => (b.model.predict(x) as tf.Tensor).dataSync());
    if (!out.every(Number.isFinite)) throw new Error('non-finite output');
  } catch (e) {
    failed++;
    console.log(`cell ${i} failed: ${(e as Error).message.split('\n')[0]}: ${space.describe(g)}`);
  } finally {
    b.model.dispose();
  }
}
x.dispose();
const seconds = (performance.now() - started) / 1000;
console.log(
  `${space.name} on ${backend.name}: ${cells} random cells built and run, ${failed} failed, ${doubled} with an identity + identity block on one input, ` +
    `${tf.memory().numTensors - before} tensors left behind, ${seconds.toFixed(1)} s (${((1000 * seconds) / cells).toFixed(1)} ms/cell)`,
);
process.exitCode = failed > 0 || tf.memory().numTensors !== before ? 1 : 0;
