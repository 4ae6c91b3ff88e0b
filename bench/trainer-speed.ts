/**
 * Trainer throughput (training images/s) of a small conv net, per backend, measured side by
 * side in one process: rounds alternate the backends so machine load hits them alike.
 *
 *   npx tsc -p . && node dist/bench/trainer-speed.js [--images 256] [--rounds 2] [--backends cpu-stock,cpu,onednn]
 *
 * With --lrs it instead sweeps the peak learning rate on the first backend and prints the
 * validation accuracy after one epoch (the proxy's default sizes: 2,000 train, 1,000 val, batch 32):
 *
 *   node dist/bench/trainer-speed.js --backends cpu --lrs 0.01,0.02,0.05,0.1,0.2 --images 2000
 */
import * as tf from '#tfjs';
import { selectBackend } from '../src/engine/backend.js';
import { loadDataset } from '../src/data/datasets.js';
import { splitForSearch } from '../src/data/split.js';
import { trainProxy } from '../src/training/train-cell.js';

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

async function sweep(backend: string, lrs: number[], images: number, batchSize: number): Promise<void> {
  const chosen = await selectBackend(backend, { threads: 1 });
  const data = splitForSearch(loadDataset('default'), { trainSize: images, valSize: 1000, seed: 'nas-search' });
  console.log(`| peak lr | val accuracy | val loss | train loss |  (${chosen.name}, ${images} images, batch ${batchSize}, 1 epoch)\n| ---: | ---: | ---: | ---: |`);
  for (const learningRate of lrs) {
    const model = smallNet();
    const r = await trainProxy(model, data, { epochs: 1, batchSize, learningRate, seed: 1 });
    model.dispose();
    console.log(`| ${learningRate} | ${r.accuracy.toFixed(3)} | ${r.loss.toFixed(3)} | ${r.trainLoss.toFixed(3)} |`);
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--lrs')) {
    const lrs = arg('--lrs', '0.05').split(',').map(Number);
    return sweep(arg('--backends', 'cpu').split(',')[0], lrs, Number(arg('--images', '2000')), Number(arg('--batch', '32')));
  }
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
      const res = await trainProxy(model, data, { epochs: 1, batchSize: 64, learningRate: 0.05, seed: 1 });
      model.dispose();
      rates.set(name, [...(rates.get(name) ?? []), res.imagesPerSec]);
      console.log(`round ${r + 1} ${name}: ${res.imagesPerSec.toFixed(1)} images/s (val acc ${res.accuracy.toFixed(3)})`);
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
