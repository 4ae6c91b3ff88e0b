/**
 * How noisy measured inference latency is (src/model/latency.ts): K random children of the NASNet
 * space at the search's default fidelity (SEARCH_DEFAULT_PROXY: stem 16, F8, N1, 2 reductions, the
 * default dataset at 14x14x1), each measured R times by measureInterleaved (R rounds, every child
 * once per round in a rotating order), and per child the pooled median, the repeat medians, their
 * max/min and their coefficient of variation.
 *
 * --load also measures the same children again while a second worker thread keeps a core busy,
 * as a search's other worker does: `--load train` (default) trains children at the same fidelity in
 * a loop, `--load conv` runs a tight tfjs convolution loop. The quiet pass runs first, then the
 * loaded one; the 1-minute load average is printed with each (other processes count too).
 *
 *   npx tsc -p . && node dist/bench/latency-noise.js [--children 4] [--repeats 3]
 *     [--backend onednn|cpu|onnx] [--runs 20] [--warmup 3] [--batch 1] [--threads 1]
 *     [--load [train|conv]] [--seed latency-noise] [--json]
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { availableParallelism, loadavg } from 'node:os';
import * as tf from '#tfjs';
import { installEngine, selectBackend } from '../src/engine/backend.js';
import { loadSpace } from '../src/space/load.js';
import { buildModel } from '../src/model/build.js';
import { createRng } from '../src/core/rng.js';
import { SEARCH_DEFAULT_PROXY } from '../src/fidelity/presets.js';
import { fidelityData } from '../src/training/data.js';
import { macroOf, trainCell } from '../src/training/train-cell.js';
import { DEFAULT_LATENCY, latencyBackendError, measureInterleaved, measureLatency, type LatencyBackend, type LatencySettings } from '../src/model/latency.js';
import type { Genotype } from '../src/space/types.js';

const DATASET = 'default';
const FIDELITY = SEARCH_DEFAULT_PROXY;
type LoadKind = 'train' | 'conv';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined && !process.argv[i + 1].startsWith('--') ? process.argv[i + 1] : fallback;
}

function intArg(name: string, fallback: number, min: number): number {
  const v = Number(arg(name, String(fallback)));
  if (!Number.isInteger(v) || v < min) fail(`${name}: expected an integer >= ${min}, got ${arg(name, '')}`);
  return v;
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const loadAverage = () => loadavg()[0];

// ---- the load worker --------------------------------------------------------------------------

/** Keeps one core busy until told to stop; posts 'busy' once the work is running. */
async function loadWorker(kind: LoadKind, backend: string): Promise<void> {
  await selectBackend(backend, { threads: 1 });
  let stop = false;
  const abort = new AbortController();
  parentPort!.on('message', (m) => {
    if (m === 'stop') {
      stop = true;
      abort.abort();
    }
  });
  let announced = false;
  const busy = () => {
    if (!announced) parentPort!.postMessage('busy');
    announced = true;
  };
  if (kind === 'conv') {
    const x = tf.randomNormal<tf.Rank.R4>([8, 28, 28, 16], 0, 1, 'float32', 1);
    const w = tf.randomNormal<tf.Rank.R4>([3, 3, 16, 16], 0, 0.1, 'float32', 2);
    while (!stop) {
      tf.tidy(() => tf.conv2d(x, w, 1, 'same').dataSync());
      busy();
      await new Promise((r) => setImmediate(r)); // lets 'stop' in
    }
    tf.dispose([x, w]);
    return;
  }
  const space = loadSpace('nasnet');
  const rng = createRng('latency-noise-load');
  for (let seed = 0; !stop; seed++) {
    try {
      await trainCell({ space, genotype: space.sample(rng), fidelity: FIDELITY, dataset: DATASET, seed, signal: abort.signal, onBatch: busy });
    } catch (e) {
      if (!stop) throw e;
    }
  }
}

async function startLoad(kind: LoadKind, backend: string): Promise<{ stop(): Promise<void> }> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { role: 'load', kind, backend } });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the load worker exited (${code}) before it was busy`)));
  });
  return {
    async stop() {
      const exited = new Promise((r) => worker.once('exit', r));
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---- the measurement ------------------------------------------------------------------------

interface ChildRow {
  id: number;
  params: number;
  multAdds: number;
  ms: number;
  q1Ms: number;
  q3Ms: number;
  repeatMs: number[];
  /** max / min of the repeat medians. */
  spread: number;
  /** Standard deviation / mean of the repeat medians. */
  cv: number;
}

interface Phase {
  phase: 'quiet' | 'loaded';
  load?: LoadKind;
  loadAvgStart: number;
  loadAvgEnd: number;
  seconds: number;
  children: ChildRow[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function cv(xs: number[]): number {
  if (xs.length < 2) return 0;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) / mean;
}

async function main(): Promise<void> {
  const defaultBackend = installEngine().onednn ? 'onednn' : 'cpu';
  const backend = arg('--backend', defaultBackend);
  const why = latencyBackendError(backend);
  if (why) fail(why);
  const s: LatencySettings = {
    backend: backend as LatencyBackend,
    batch: intArg('--batch', DEFAULT_LATENCY.batch, 1), threads: intArg('--threads', DEFAULT_LATENCY.threads, 1),
    runs: intArg('--runs', DEFAULT_LATENCY.runs, 1), warmup: intArg('--warmup', DEFAULT_LATENCY.warmup, 0),
  };
  const k = intArg('--children', 4, 1);
  const repeats = intArg('--repeats', 3, 1);
  const loadAt = process.argv.indexOf('--load');
  const loadKind = loadAt < 0 ? undefined : (arg('--load', 'train') as LoadKind);
  if (loadKind !== undefined && loadKind !== 'train' && loadKind !== 'conv') fail(`--load: expected train or conv, got ${loadKind}`);
  const json = process.argv.includes('--json');
  // The load worker trains on a tfjs backend: the one measured, or for onnx the engine's best.
  const loadBackend = backend === 'onnx' ? defaultBackend : backend;

  await selectBackend(loadBackend, { threads: 1 });
  const space = loadSpace('nasnet');
  const data = fidelityData(DATASET, FIDELITY);
  const macro = macroOf(FIDELITY, space);
  const rng = createRng(arg('--seed', 'latency-noise'));
  const genotypes: Genotype[] = Array.from({ length: k }, () => space.sample(rng));
  const build = (g: Genotype) => buildModel(space, g, macro, { inputShape: data.inputShape, numClasses: data.numClasses, seed: 0 });
  const sizes = genotypes.map((g) => {
    const b = build(g);
    b.model.dispose();
    return { params: b.params, multAdds: b.multAdds };
  });
  const items = genotypes.map((g, id) => ({ id, build: () => build(g).model }));

  // One untimed measurement first: the process's first inference (JIT, first allocations) is slow for many passes.
  const first = build(genotypes[0]);
  await measureLatency(first.model, s);
  first.model.dispose();

  const phases: Phase[] = [];
  for (const phase of loadKind === undefined ? (['quiet'] as const) : (['quiet', 'loaded'] as const)) {
    const load = phase === 'loaded' ? await startLoad(loadKind!, loadBackend) : undefined;
    const loadAvgStart = loadAverage();
    const t0 = performance.now();
    let got: Awaited<ReturnType<typeof measureInterleaved>>;
    let seconds: number;
    let loadAvgEnd: number;
    try {
      got = await measureInterleaved(items, s, repeats);
    } finally {
      seconds = (performance.now() - t0) / 1000;
      loadAvgEnd = loadAverage();
      await load?.stop();
    }
    const children = items.map(({ id }) => {
      const l = got.get(id)!;
      return { id, ...sizes[id], ms: l.ms, q1Ms: l.q1Ms, q3Ms: l.q3Ms, repeatMs: l.roundMs, spread: Math.max(...l.roundMs) / Math.min(...l.roundMs), cv: cv(l.roundMs) };
    });
    phases.push({ phase, ...(phase === 'loaded' ? { load: loadKind } : {}), loadAvgStart, loadAvgEnd, seconds, children });
  }

  const settings = { ...s, children: k, repeats, fidelity: FIDELITY, dataset: DATASET, inputShape: data.inputShape, cores: availableParallelism() };
  if (json) {
    console.log(JSON.stringify({ settings, phases, liveTensors: tf.memory().numTensors }, null, 2));
    return;
  }
  console.log(`latency of ${k} random nasnet children at the default fidelity (${data.inputShape.join('x')} input, stem ${macro.stemChannels}, F${macro.filters}, N${macro.cellsPerStage}, ${macro.reductions} reductions)`);
  console.log(`backend ${s.backend}, batch ${s.batch}, ${s.threads} thread(s), ${s.runs} runs after ${s.warmup} warm-up per repeat, ${repeats} interleaved repeats`);
  for (const p of phases) {
    console.log(`\n${p.phase}${p.load ? ` (a second thread: ${p.load === 'train' ? 'training children' : 'conv loop'})` : ''}: load average ${p.loadAvgStart.toFixed(2)} -> ${p.loadAvgEnd.toFixed(2)}, ${p.seconds.toFixed(1)} s`);
    console.log(['child', 'params', 'mult-adds', 'median ms', 'q1-q3 ms', 'repeat medians ms', 'max/min', 'cv'].join('\t'));
    for (const c of p.children) {
      console.log([c.id, c.params, `${(c.multAdds / 1e6).toFixed(2)}M`, c.ms.toFixed(3), `${c.q1Ms.toFixed(2)}-${c.q3Ms.toFixed(2)}`, c.repeatMs.map((v) => v.toFixed(2)).join(' '), c.spread.toFixed(3), `${(c.cv * 100).toFixed(1)}%`].join('\t'));
    }
    console.log(`median over children: max/min ${median(p.children.map((c) => c.spread)).toFixed(3)}, cv ${(median(p.children.map((c) => c.cv)) * 100).toFixed(1)}%`);
  }
  if (phases.length === 2) {
    const ratio = median(phases[1].children.map((c, i) => c.ms / phases[0].children[i].ms));
    console.log(`\nloaded / quiet median ms, median over children: ${ratio.toFixed(3)}`);
  }
}

if (isMainThread) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
} else if ((workerData as { role?: string })?.role === 'load') {
  const { kind, backend } = workerData as { kind: LoadKind; backend: string };
  loadWorker(kind, backend).catch((e) => {
    console.error(`load worker: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  });
}
