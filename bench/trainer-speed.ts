/**
 * Trainer throughput (training images/s) of a small conv net, per backend, measured side by
 * side in one process: rounds alternate the backends so machine load hits them alike.
 *
 *   npx tsc -p . && node dist/bench/trainer-speed.js [--images 256] [--rounds 2] [--backends cpu-stock,cpu,onednn]
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/engine/backend.js';
import { loadDataset } from '../src/data/datasets.js';
import { splitForSearch } from '../src/data/split.js';
import { trainChild } from '../src/train/trainer.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** conv3x3(16)-relu-maxpool-conv3x3(32)-relu-maxpool-dense(10): 23k parameters. */
function smallNet(): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 1 }) }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 2 }) }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
  return m;
}

async function main(): Promise<void> {
  const images = Number(arg('--images', '256'));
  const rounds = Number(arg('--rounds', '2'));
  const wanted = arg('--backends', 'cpu-stock,cpu,onednn').split(',');
  const data = splitForSearch(loadDataset('default'), { trainSize: images, valSize: 64, seed: 1 });
  const rates = new Map<string, number[]>();
  const labels = new Map<string, string>();
  for (let r = 0; r < rounds; r++) {
    for (const name of wanted) {
      let chosen;
      try {
        chosen = await selectBackend(name, { threads: 1 });
      } catch (e) {
        if (r === 0) console.log(`${name}: skipped (${(e as Error).message})`);
        continue;
      }
      labels.set(name, chosen.description);
      const model = smallNet();
      const res = await trainChild(model, data, { epochs: 1, batchSize: 64, learningRate: 0.05, seed: 1 });
      model.dispose();
      rates.set(name, [...(rates.get(name) ?? []), res.imagesPerSec]);
      console.log(`round ${r + 1} ${name}: ${res.imagesPerSec.toFixed(1)} images/s (val acc ${res.valAccuracy.toFixed(3)})`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const base = rates.get('cpu-stock') ? median(rates.get('cpu-stock')!) : undefined;
  console.log(`\n| backend | images/s (median of ${rounds}) | vs cpu-stock |\n| --- | ---: | ---: |`);
  for (const [name, xs] of rates) {
    const m = median(xs);
    console.log(`| ${name} (${labels.get(name)}) | ${m.toFixed(1)} | ${base ? (m / base).toFixed(1) + 'x' : '-'} |`);
  }
}

await main();
