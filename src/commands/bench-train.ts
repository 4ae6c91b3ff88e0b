/**
 * `nas bench train [--backend B[,B...]] [--model nasnet-a|small-cnn|replay] [--threads T[,T...]] [--steps N] [--json]`
 *
 * Trains a fixed reference child for a fixed number of SGD steps on every available backend,
 * side by side in one process, at each engine thread count, and prints training images/s
 * (best, and min/median/max over the interleaved rounds), GFLOP/s, the scaling from the first
 * thread count and the ratios; when /usr/bin/python3 has torch it trains the same network in
 * PyTorch at the same thread counts (bench/train_reference.py, rebuilt from the tfjs model's
 * topology). A benchmark, not a test.
 */
import * as tf from '#tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { UserError } from '../core/errors.js';
import type { Genotype, MacroSettings } from '../space/types.js';
import { packageRoot, spacesDir } from '../core/paths.js';
import { availableBackends, backendNames, selectBackend, setEngineThreads } from '../engine/backend.js';
import { createRng } from '../core/rng.js';
import { buildReplayNetwork } from '../replay/network.js';
import { DATA_PARALLEL_BACKENDS, threadPlan } from '../replay/threads.js';
import { runTraining, type TrainingSettings } from '../training/loop.js';
import { ReplicaGroup } from '../training/replicas/group.js';
import { loadSpace } from '../space/load.js';
import { buildModel } from '../model/build.js';
import { batchNormalization } from '../model/batch-norm.js';
import { modelCost } from '../model/cost.js';
import { median } from '../stats/median.js';
import { parseCommand } from './args.js';
import { choiceOption, intOption } from './options.js';
import { checkOutputFile, writeOutputFile } from './output-file.js';

/** The fixed settings of the benchmark. */
const BATCH = 64;
const INPUT: [number, number, number] = [28, 28, 1];
const CLASSES = 10;
/** The reference network around the NASNet-A cells: fixed here, not read from the space file, so figures stay comparable. */
const REFERENCE_MACRO = { stemChannels: 16, filters: 8, cellsPerStage: 1, reductions: 2, filterMultiplier: 2 };
/** NASNet-A at the replay size of issue 16's table (N = 2, F = 16, stem 32). */
export const REPLAY_MACRO = { stemChannels: 32, filters: 16, cellsPerStage: 2, reductions: 2, filterMultiplier: 2 };
/** Untimed steps before the timed ones, for every backend (PyTorch's too): the engine's buffer pool,
 * oneDNN's primitive cache and a replica thread each need a few steps to reach their pace (one
 * warm-up step understated two replicas' rate by ~15 % at 6 timed steps). */
const WARMUP = 3;
/** Timed steps per backend: the slow backends get fewer. */
const STEPS: Record<string, number> = { onednn: 20, cpu: 5, 'cpu-stock': 1, tensorflow: 20, pytorch: 20 };
/** At replay size a step costs ~8x the bench child's. */
const REPLAY_STEPS: Record<string, number> = { onednn: 20, cpu: 2, 'cpu-stock': 1, tensorflow: 20, pytorch: 20 };
export const PYTHON = '/usr/bin/python3';
/** Backends are measured in this many interleaved rounds and the best round is kept, so a
 * burst of load from other processes does not land on one backend only. */
const ROUNDS = 2;

/** NASNet-A (Zoph et al. 2018, Fig. 4), as in search-spaces/baselines/nasnet-a.json. */
const NASNET_A: Genotype = {
  space: 'nasnet',
  normal: [
    { inputs: [1, 0], ops: ['sep_conv_5x5', 'sep_conv_3x3'] },
    { inputs: [0, 0], ops: ['sep_conv_5x5', 'sep_conv_3x3'] },
    { inputs: [1, 0], ops: ['avg_pool_3x3', 'identity'] },
    { inputs: [0, 0], ops: ['avg_pool_3x3', 'avg_pool_3x3'] },
    { inputs: [1, 1], ops: ['sep_conv_3x3', 'identity'] },
  ],
  reduce: [
    { inputs: [1, 0], ops: ['sep_conv_5x5', 'sep_conv_7x7'] },
    { inputs: [1, 0], ops: ['max_pool_3x3', 'sep_conv_7x7'] },
    { inputs: [1, 0], ops: ['avg_pool_3x3', 'sep_conv_5x5'] },
    { inputs: [3, 2], ops: ['identity', 'avg_pool_3x3'] },
    { inputs: [2, 1], ops: ['sep_conv_3x3', 'max_pool_3x3'] },
  ],
};

export interface BenchRow {
  backend: string;
  description: string;
  /** Engine threads (PyTorch: torch.set_num_threads). */
  threads: number;
  /** The best round's images/s. */
  imagesPerSec: number;
  /** Every round's images/s, in round order. */
  rounds: number[];
  /** Training GFLOP/s, counting a step as 3 × the forward pass (2 FLOPs per multiply-add). */
  gflops: number;
  steps: number;
}

export function buildReference(model: string): { model: tf.LayersModel; multAdds: number } {
  if (model === 'small-cnn') {
    // The CNN of issue 6: 3x3 conv 16, 3x3 conv 16, max pool, 3x3 conv 32, BN, GAP, dense 10.
    const init = (seed: number) => tf.initializers.heNormal({ seed });
    // Functional (not sequential) so its topology has the inbound nodes train_reference.py reads.
    const input = tf.input({ shape: INPUT });
    let h = tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }).apply(input) as tf.SymbolicTensor;
    h = tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2) }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.maxPooling2d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', kernelInitializer: init(3) }).apply(h) as tf.SymbolicTensor;
    h = batchNormalization({}).apply(h) as tf.SymbolicTensor; // the builder's batch norm (fused training kernels)
    h = tf.layers.reLU().apply(h) as tf.SymbolicTensor;
    h = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
    const m = tf.model({ inputs: input, outputs: tf.layers.dense({ units: CLASSES, kernelInitializer: init(4) }).apply(h) as tf.SymbolicTensor });
    return { model: m, multAdds: modelCost(m).multAdds };
  }
  const space = loadSpace('nasnet');
  const built = buildModel(space, NASNET_A, model === 'replay' ? REPLAY_MACRO : REFERENCE_MACRO, { inputShape: INPUT, numClasses: CLASSES, seed: 1 });
  return { model: built.model, multAdds: built.multAdds };
}

/** Seeded images and labels (speed does not depend on the data). */
function batch(): { x: tf.Tensor; y: tf.Tensor } {
  const rng = seedrandom('bench-train');
  const n = BATCH * INPUT[0] * INPUT[1] * INPUT[2];
  const xv = new Float32Array(n);
  for (let i = 0; i < n; i++) xv[i] = rng() * 2 - 1;
  const labels = Int32Array.from({ length: BATCH }, () => Math.floor(rng() * CLASSES));
  return { x: tf.tensor4d(xv, [BATCH, ...INPUT]), y: tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES) };
}

const stepsFor = (model: string, backend: string, override: number | undefined) => override ?? (model === 'replay' ? REPLAY_STEPS : STEPS)[backend] ?? 5;

async function benchBackend(name: string, model: string, threads: number, stepsOverride: number | undefined): Promise<BenchRow> {
  const chosen = await selectBackend(name, { threads });
  const { model: net, multAdds } = buildReference(model);
  const { x, y } = batch();
  const opt = tf.train.sgd(0.01);
  const step = () => opt.minimize(() => tf.losses.softmaxCrossEntropy(y, net.apply(x, { training: true }) as tf.Tensor), true)!;
  for (let i = 0; i < WARMUP; i++) step().dispose();
  const steps = stepsFor(model, chosen.name, stepsOverride);
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step().dispose();
  const seconds = (performance.now() - t0) / 1000;
  tf.dispose([x, y]);
  net.dispose();
  opt.dispose();
  const imagesPerSec = (BATCH * steps) / seconds;
  return { backend: chosen.name, description: chosen.description, threads, imagesPerSec, rounds: [imagesPerSec], gflops: (imagesPerSec * 3 * 2 * multAdds) / 1e9, steps };
}

/**
 * NASNet-A trained by the replay's loop (src/training/loop.ts: momentum SGD, its loss, its batches)
 * for `batches` batches of seeded random images, as `replicas` data-parallel replicas (1: this thread
 * alone) of `engineThreads` engine threads each, on the backend already selected; `onBatch` gets each
 * batch's number and the time it ended. `nas bench train --loop` and bench/replica-probe.ts time it.
 */
export async function trainLoopBatches(o: {
  backend: string; macro: Partial<MacroSettings>; batchSize: number; batches: number; replicas: number; engineThreads: number;
  onBatch: (batch: number, endedAt: number) => void;
}): Promise<{ multAdds: number }> {
  setEngineThreads(o.engineThreads);
  const space = loadSpace('nasnet');
  const macro = { ...space.macro, ...o.macro };
  const settings: TrainingSettings = {
    epochs: 1, batchSize: o.batchSize, learningRate: 0.01, schedule: 'cosine', momentum: 0.9, nesterov: true, weightDecay: 5e-4,
    augment: { pad: 0, flip: false, cutout: 0, randomErasing: 0 }, dropPath: 0, auxWeight: 0, labelSmoothing: 0, seed: 1,
  };
  const net = buildReplayNetwork(space, NASNET_A, macro, settings, INPUT, CLASSES);
  const count = o.batches * o.batchSize;
  const rng = seedrandom('bench-train');
  const train = {
    images: Uint8Array.from({ length: count * INPUT[0] * INPUT[1] * INPUT[2] }, () => Math.floor(rng() * 256)),
    labels: Uint8Array.from({ length: count }, () => Math.floor(rng() * CLASSES)), count, height: INPUT[0], width: INPUT[1], channels: INPUT[2],
  };
  let group: ReplicaGroup | undefined;
  try {
    if (o.replicas > 1) {
      group = await ReplicaGroup.start(
        { spaceFile: space.file, genotype: NASNET_A, macro, settings, inputShape: INPUT, numClasses: CLASSES, backend: o.backend, engineThreads: o.engineThreads },
        o.replicas, o.batchSize, net.trainModel.trainableWeights.map((w) => w.read() as tf.Variable),
      );
    }
    await runTraining({
      model: net.built.model, trainModel: net.trainModel, train, norm: { mean: [127.5], std: [64] }, numClasses: CLASSES, settings, startEpoch: 0,
      rng: createRng('bench-train'), replicas: group,
      onBatch: (b) => o.onBatch(b.batch, performance.now()),
      onEpoch: async () => {},
    });
    return { multAdds: net.built.multAdds };
  } finally {
    await group?.close();
    net.dispose();
  }
}

/**
 * The replay's loop at `threads` as the replay spends them (src/replay/threads.ts): data-parallel
 * replicas first. WARMUP batches, then `steps` timed.
 */
async function benchLoop(name: string, model: string, threads: number, stepsOverride: number | undefined): Promise<BenchRow> {
  const chosen = await selectBackend(name, { threads: 1 });
  const plan = threadPlan(threads, BATCH);
  const steps = stepsFor(model, chosen.name, stepsOverride);
  let first = 0;
  let last = 0;
  const { multAdds } = await trainLoopBatches({
    backend: chosen.name, macro: model === 'replay' ? REPLAY_MACRO : REFERENCE_MACRO, batchSize: BATCH, batches: steps + WARMUP,
    replicas: plan.replicas, engineThreads: plan.engineThreads,
    onBatch: (batch, at) => {
      if (batch === WARMUP) first = at;
      else if (batch > WARMUP) last = at;
    },
  });
  const imagesPerSec = (BATCH * steps) / ((last - first) / 1000);
  const how = plan.replicas > 1 ? `${plan.replicas} data-parallel replicas × ${plan.engineThreads} engine thread(s)` : `${plan.engineThreads} engine thread(s)`;
  return {
    backend: `${chosen.name}+loop`, description: `the replay's loop on ${chosen.name}; threads spent as the replay does (${how} at the last count)`, threads, imagesPerSec,
    rounds: [imagesPerSec], gflops: (imagesPerSec * 3 * 2 * multAdds) / 1e9, steps,
  };
}

/** The same network in PyTorch on `threads` threads, or why not. */
function benchTorch(model: string, multAdds: number, topology: unknown, threads: number, stepsOverride?: number): BenchRow | string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return `${PYTHON} has no torch (apt install python3-torch)`;
  const dir = mkdtempSync(join(tmpdir(), 'nas-bench-'));
  try {
    const file = join(dir, `${model}.json`);
    writeFileSync(file, JSON.stringify(topology));
    const steps = stepsFor(model, 'pytorch', stepsOverride);
    const r = spawnSync(PYTHON, [join(packageRoot, 'bench', 'train_reference.py'), file, '--batch', String(BATCH), '--steps', String(steps), '--warmup', String(WARMUP), '--threads', String(threads)], { encoding: 'utf8' });
    if (r.status !== 0) return `bench/train_reference.py failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`;
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    return { backend: 'pytorch', description: `PyTorch ${out.torch} (${PYTHON})`, threads, imagesPerSec: out.imagesPerSec, rounds: [out.imagesPerSec], gflops: (out.imagesPerSec * 3 * 2 * multAdds) / 1e9, steps };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const HELP = `usage: nas bench train [--backend B[,B...]] [--model nasnet-a|small-cnn|replay] [--threads T[,T...]] [--steps N] [--rounds N] [--loop] [--no-torch] [--json] [--out FILE]
  trains a fixed reference child for a fixed number of SGD steps on every backend, side by side
  --backend B[,B...]   ${[...backendNames.filter((b) => b !== 'auto'), 'pytorch'].join(', ')} (default: every available one, and pytorch)
  --model M            nasnet-a (default: the bench child, stem 16, F 8, N 1) | small-cnn | replay (NASNet-A at N 2, F 16, stem 32)
  --threads T[,T...]   engine threads of each backend and of PyTorch, each count measured (default 1);
                       the scaling column divides by the first count
  --steps N            timed steps per backend (default: per backend)
  --rounds N           interleaved rounds, the best kept (default ${ROUNDS})
  --loop               also train the NASNet-A models with the replay's loop, its threads spent as the
                       replay spends them (data-parallel replicas first): rows onednn+loop, cpu+loop
  --no-torch           skip the PyTorch reference
  --json               the results as JSON instead of the table
  --out FILE           write the output to FILE instead of stdout`;

function parse(argv: string[]) {
  const parsed = parseCommand(argv, {
    verb: 'nas bench train', usage: HELP,
    options: {
      backend: { type: 'string' }, model: { type: 'string' }, steps: { type: 'string' }, rounds: { type: 'string' }, threads: { type: 'string' },
      'no-torch': { type: 'boolean' }, loop: { type: 'boolean' }, json: { type: 'boolean' }, out: { type: 'string' },
    },
  });
  if (!parsed) return undefined;
  const v = parsed.values;
  const model = choiceOption(v.model, 'model', ['nasnet-a', 'small-cnn', 'replay'] as const, 'nasnet-a');
  const threads = (v.threads ?? '1').split(',').map((t) => intOption(t.trim(), 'threads', 1, 1, 1024));
  if (new Set(threads).size !== threads.length) throw new UserError(`--threads: a count is given twice in "${v.threads}"`);
  const backends = v.backend?.split(',').map((b) => b.trim());
  for (const b of backends ?? []) {
    if (!(backendNames as readonly string[]).includes(b) && b !== 'pytorch') throw new UserError(`--backend: unknown backend "${b}" (expected: ${[...backendNames, 'pytorch'].join(', ')})`);
  }
  if (v.out !== undefined) checkOutputFile(v.out);
  return {
    backends, model, threads, json: v.json ?? false, torch: !v['no-torch'], loop: v.loop ?? false, out: v.out,
    steps: v.steps === undefined ? undefined : intOption(v.steps, 'steps', 1, 1, 100_000),
    rounds: intOption(v.rounds, 'rounds', ROUNDS, 1, 1000),
  };
}

/** Entry point of `nas bench train`. */
export async function benchTrain(argv: string[]): Promise<void> {
  const o = parse(argv);
  if (!o) return;
  // With --out the lines go to the file; progress still shows on stdout.
  const printed: string[] = [];
  const print = (line: string) => (o.out ? printed.push(line) : console.log(line));
  const wanted = o.backends ?? [...availableBackends(), 'pytorch'];
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const say = (line: string) => { if (!o.json) console.log(line); };
  say(`nas bench train: ${o.model}, ${INPUT.join('x')} input, batch ${BATCH}, SGD; ${o.threads.join(', ')} thread(s), backends side by side, best of ${o.rounds} interleaved rounds`);
  const best = new Map<string, BenchRow>();
  const keep = (r: BenchRow) => {
    const key = `${r.backend}\n${r.threads}`;
    const prev = best.get(key);
    if (!prev) best.set(key, r);
    else best.set(key, { ...(r.imagesPerSec > prev.imagesPerSec ? r : prev), rounds: [...prev.rounds, r.imagesPerSec] });
  };
  let topology: unknown;
  let multAdds = 0;
  if (o.torch && wanted.includes('pytorch')) {
    // Built on a backend we chose (not tfjs' default, which would print its "install tfjs-node" banner).
    await selectBackend('cpu', { threads: 1 });
    const ref = buildReference(o.model);
    topology = ref.model.toJSON(null, false);
    multAdds = ref.multAdds;
    ref.model.dispose();
  }
  // Rounds outermost, then thread counts, then backends: load from other processes spreads over all.
  for (let round = 0; round < o.rounds; round++) {
    for (const t of o.threads) {
      for (const b of wanted.filter((w) => w !== 'pytorch')) {
        // The stock backend is ~100x slower and its speed is not in question: measure it once.
        if (b === 'cpu-stock' && (round > 0 || t !== o.threads[0])) continue;
        say(`  round ${round + 1}, ${t} thread(s): ${b} …`);
        keep(await benchBackend(b, o.model, t, o.steps));
        // The replay's loop on every backend the replay splits, but the ~100x slower stock one.
        if (o.loop && o.model !== 'small-cnn' && b !== 'cpu-stock' && DATA_PARALLEL_BACKENDS.includes(b)) {
          say(`  round ${round + 1}, ${t} thread(s): ${b}, the replay's loop …`);
          keep(await benchLoop(b, o.model, t, o.steps));
        }
      }
      if (topology) {
        say(`  round ${round + 1}, ${t} thread(s): pytorch …`);
        const r = benchTorch(o.model, multAdds, topology, t, o.steps);
        if (typeof r === 'string') {
          notes.push(`pytorch: skipped, ${r}`);
          topology = undefined;
        } else keep(r);
      }
    }
  }
  rows.push(...best.values());
  const stock = rows.find((r) => r.backend === 'cpu-stock')?.imagesPerSec;
  const torchAt = (t: number) => rows.find((r) => r.backend === 'pytorch' && r.threads === t)?.imagesPerSec;
  const firstOf = (r: BenchRow) => rows.find((q) => q.backend === r.backend && q.threads === o.threads[0])?.imagesPerSec;
  const extra = (r: BenchRow) => {
    const torch = torchAt(r.threads);
    const first = firstOf(r);
    return { vsStockCpu: stock ? r.imagesPerSec / stock : null, vsPytorch: torch ? r.imagesPerSec / torch : null, scaling: first ? r.imagesPerSec / first : null };
  };
  if (o.json) print(JSON.stringify({ model: o.model, batch: BATCH, input: INPUT, threads: o.threads, rows: rows.map((r) => ({ ...r, ...extra(r) })), notes }));
  else printTable(rows.map((r) => ({ ...r, ...extra(r) })), notes, print);
  if (o.out) {
    writeOutputFile(o.out, printed.join('\n') + '\n');
    console.log(`wrote ${o.out}`);
  }
}

type Row = BenchRow & { vsStockCpu: number | null; vsPytorch: number | null; scaling: number | null };

function printTable(rows: Row[], notes: string[], print: (line: string) => void): void {
  const fmt = (v: number | null | undefined, d = 1) => (v === null || v === undefined ? '-' : v.toFixed(d));
  const spread = (v: number[]) => `${fmt(Math.min(...v), 0)}/${fmt(median(v), 0)}/${fmt(Math.max(...v), 0)}`;
  const lines = [['backend', 'threads', 'images/s', 'min/median/max', 'GFLOP/s', 'x stock cpu', 'x pytorch', 'scaling', 'steps']];
  for (const r of rows) {
    lines.push([r.backend, String(r.threads), fmt(r.imagesPerSec), spread(r.rounds), fmt(r.gflops, 2), fmt(r.vsStockCpu, 1), fmt(r.vsPytorch, 2), fmt(r.scaling, 2), String(r.steps)]);
  }
  const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  for (const l of lines) print(l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  for (const r of new Map(rows.map((x) => [x.backend, x])).values()) print(`  ${r.backend}: ${r.description}`);
  for (const n of notes) print(`  ${n}`);
}

// Keep the hard-coded genotype honest: it must match the baseline file when that exists.
export function nasnetAMatchesBaseline(): boolean {
  const f = join(spacesDir, 'baselines', 'nasnet-a.json');
  return !existsSync(f) || JSON.stringify(JSON.parse(readFileSync(f, 'utf8')).genotype) === JSON.stringify(NASNET_A);
}
