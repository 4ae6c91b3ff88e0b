/**
 * Measured inference latency of a child network: the median wall time of one forward pass of a
 * batch (predict + reading the output) after warm-up, at a fixed thread count, on a named backend:
 *
 *   onednn   tfjs with the oneDNN addon's kernels, `threads` oneDNN (OpenMP) threads
 *   cpu      tfjs's JS cpu backend with this project's fast kernels (always 1 thread)
 *   onnx     the model exported by src/export/onnx.ts, run in onnxruntime-node (CPU provider),
 *            `threads` intra-op threads, 1 inter-op thread
 *
 * Timing is what `nas bench ops` does per op (src/commands/bench-ops-measure.ts), applied to a
 * whole child: seeded inputs, untimed warm-up runs (first-call allocations, oneDNN primitive
 * creation, onnxruntime's arena), then `runs` timed runs summarised by median and quartiles.
 *
 * On a loaded machine wall time includes the time the thread waited for a core; the median drops
 * the runs a burst of load hit, but not a load that lasts the whole measurement. measureInterleaved
 * is the stable form: it re-measures several children in rounds, in a rotating order, so load from
 * elsewhere lands on all of them alike, and returns every round's median to show the spread.
 * (Per-run CPU time of the thread was tried as a load-free figure: /proc/thread-self/schedstat is
 * only updated at scheduler ticks and switches, too coarse for 1-5 ms passes, and Node 20 has no
 * per-thread CPU clock.)
 */
import * as tf from '#tfjs';
import { UserError } from '../core/errors.js';
import { installEngine, selectBackend } from '../engine/backend.js';
import { modelToOnnx } from '../export/onnx.js';
import { onnxRuntimeError, onnxSession, summarize } from '../export/onnx-runtime.js';
import type { Genotype, MacroSettings, SearchSpace } from '../space/types.js';
import { fidelityData } from '../training/data.js';
import type { Fidelity } from '../training/fidelity.js';
import { macroOf } from '../training/train-cell.js';
import { CIFAR10_INPUT, NB201_BENCHMARK_MACRO } from '../estimators/score-cell.js';
import { buildModel } from './build.js';

export const LATENCY_BACKENDS = ['onednn', 'cpu', 'onnx'] as const;
export type LatencyBackend = (typeof LATENCY_BACKENDS)[number];

export interface LatencySettings {
  backend: LatencyBackend;
  /** Images per forward pass. */
  batch: number;
  /** oneDNN threads (onednn) or onnxruntime intra-op threads (onnx); the cpu backend is always 1 thread. */
  threads: number;
  /** Timed runs. */
  runs: number;
  /** Untimed runs before them. */
  warmup: number;
}

/**
 * Batch 1, one thread; 20 timed runs after 3 warm-up runs. Measured on the search's default child
 * (nasnet, stem 8, F4, N1, 2 reductions, 14x14x1; one forward pass ~1.5-4 ms) on the 2-core
 * development machine while an experiment kept its load average at 5-7: over 5 random children per
 * backend (after one child to warm the process), run 1 and 2 took a median 1.5-2.3x the steady
 * median and runs 3+ 1.0-1.2x, so 3 warm-up runs; the median of consecutive windows of n runs
 * varied (coefficient of variation, median over children) by 4.1 / 2.7 / 2.3 / 2.2 % (onednn) and
 * 6.2 / 3.2 / 2.7 / 2.6 % (cpu) for n = 10 / 20 / 30 / 40: beyond 20 runs more runs buy little
 * against the load's own variation. 23 passes take ~40-90 ms, 1-2 % of a child's ~4 s of training.
 */
export const DEFAULT_LATENCY: Omit<LatencySettings, 'backend'> = { batch: 1, threads: 1, runs: 20, warmup: 3 };

export interface Latency {
  backend: string;
  batch: number;
  /** Threads the measurement ran on (1 for cpu, whatever was asked). */
  threads: number;
  /** Median ms per forward pass of the batch. */
  ms: number;
  q1Ms: number;
  q3Ms: number;
  minMs: number;
  runs: number;
}

export interface LatencyOptions {
  /**
   * oneDNN threads to set back after an onednn measurement. The addon's thread count is per JS
   * thread and has no getter, so a caller that runs oneDNN at another count (a worker at cores /
   * workers) passes its own here; without it the thread is left at `s.threads`.
   */
  restoreThreads?: number;
}

/** '' when `name` can be measured on this machine, else one line saying why not. */
export function latencyBackendError(name: string): string {
  if (!(LATENCY_BACKENDS as readonly string[]).includes(name)) return `unknown latency backend '${name}' (expected one of: ${LATENCY_BACKENDS.join(', ')})`;
  if (name === 'onednn') {
    const { onednn, onednnError } = installEngine();
    return onednn ? '' : `latency backend 'onednn' is not available: ${onednnError}; install libdnnl-dev and run: node scripts/build-native.mjs`;
  }
  if (name === 'onnx') {
    const why = onnxRuntimeError();
    return why === '' ? '' : `latency backend 'onnx' is not available: ${why}`;
  }
  return '';
}

function checkSettings(s: LatencySettings): void {
  const why = latencyBackendError(s?.backend);
  if (why) throw new UserError(why);
  const int = (k: 'batch' | 'threads' | 'runs' | 'warmup', min: number) => {
    if (!Number.isInteger(s[k]) || s[k] < min) throw new UserError(`latency ${k}: expected an integer >= ${min}, got ${JSON.stringify(s[k])}`);
  };
  int('batch', 1);
  int('threads', 1);
  int('runs', 1);
  int('warmup', 0);
}

/** Seeded inputs in [-1, 1] (speed does not depend on the values). */
function seededInputs(n: number): Float32Array {
  let seed = 12345;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    out[i] = (seed / 2 ** 31) * 2 - 1;
  }
  return out;
}

/** [H, W, C] of the model's one image input. */
function imageShape(model: tf.LayersModel): [number, number, number] {
  const shape = model.inputs.length === 1 ? model.inputs[0].shape : [];
  if (shape.length !== 4 || shape.slice(1).some((d) => d === null)) {
    throw new UserError(`latency: expected a model with one image input [batch, H, W, C], got ${JSON.stringify(model.inputs.map((i) => i.shape))}`);
  }
  return shape.slice(1) as [number, number, number];
}

interface EngineInternals {
  registry: Record<string, tf.KernelBackend>;
  state: { tensorInfo: WeakMap<object, { backend: tf.KernelBackend }> };
}

/** The tfjs backend holding `t`'s data, or undefined when the engine's internals are not as expected. */
function backendOf(t: tf.Tensor): string | undefined {
  const e = tf.engine() as unknown as EngineInternals;
  const held = e.state?.tensorInfo?.get(t.dataId)?.backend;
  if (!held) return undefined;
  return Object.entries(e.registry ?? {}).find(([, b]) => b === held)?.[0];
}

/** The model itself when its weights live on the active backend; else a copy built there with the same weights. */
async function onActiveBackend(model: tf.LayersModel): Promise<{ model: tf.LayersModel; copy: boolean }> {
  const weights = model.weights;
  if (weights.length === 0 || backendOf(weights[0].read()) === tf.getBackend()) return { model, copy: false };
  const values = model.getWeights().map((w) => ({ data: w.dataSync().slice(), shape: w.shape, dtype: w.dtype }));
  const copy = await tf.models.modelFromJSON({ modelTopology: model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'] });
  const tensors = values.map((v) => tf.tensor(v.data as Float32Array, v.shape, v.dtype));
  copy.setWeights(tensors);
  tf.dispose(tensors);
  return { model: copy, copy: true };
}

/** One prepared forward pass on the requested backend. */
interface Runner {
  run(): Promise<void>;
  dispose(): Promise<void>;
}

/** Prepares the forward pass of `model` on `s.backend`; a tfjs backend must already be active. */
async function prepare(model: tf.LayersModel, s: LatencySettings): Promise<Runner> {
  const [h, w, c] = imageShape(model);
  const x = seededInputs(s.batch * h * w * c);
  const dims = [s.batch, h, w, c];
  if (s.backend === 'onnx') {
    const { bytes } = modelToOnnx(model);
    const session = await onnxSession(bytes, s.threads);
    return { run: async () => void (await session.run(x, dims)), dispose: () => session.release() };
  }
  const placed = await onActiveBackend(model);
  const input = tf.tensor4d(x, dims as [number, number, number, number]);
  return {
    run: async () => {
      const y = placed.model.predict(input) as tf.Tensor | tf.Tensor[];
      const ys = Array.isArray(y) ? y : [y];
      for (const t of ys) t.dataSync();
      for (const t of ys) if (t !== input) t.dispose();
    },
    dispose: async () => {
      input.dispose();
      if (placed.copy) placed.model.dispose();
    },
  };
}

/** `warmup` untimed runs, then `runs` timed ones: wall ms of each. */
async function timeRuns(r: Runner, s: LatencySettings): Promise<number[]> {
  for (let i = 0; i < s.warmup; i++) await r.run();
  const wall: number[] = [];
  for (let i = 0; i < s.runs; i++) {
    const t0 = performance.now();
    await r.run();
    wall.push(performance.now() - t0);
  }
  return wall;
}

function latencyOf(s: LatencySettings, wall: number[]): Latency {
  const t = summarize(wall);
  return {
    backend: s.backend, batch: s.batch, threads: s.backend === 'cpu' ? 1 : s.threads,
    ms: t.median, q1Ms: t.q1, q3Ms: t.q3, minMs: Math.min(...wall), runs: wall.length,
  };
}

/** Runs `fn` with s.backend's tfjs backend active (for onnx: the caller's), then gives the caller its backend back. */
async function withBackend<T>(s: LatencySettings, o: LatencyOptions, fn: () => Promise<T>): Promise<T> {
  const previous = tf.getBackend();
  try {
    if (s.backend !== 'onnx') await selectBackend(s.backend, { threads: s.threads });
    return await fn();
  } finally {
    // A thread that had no backend yet (a fresh process) keeps the one selected here.
    if (previous !== undefined && tf.getBackend() !== previous) await tf.setBackend(previous);
    if (s.backend === 'onednn' && o.restoreThreads !== undefined) installEngine().onednn?.setThreads(o.restoreThreads);
  }
}

/**
 * Times inference of `model` on seeded inputs of its input shape, batch `s.batch`, on `s.backend`.
 * The model is not changed: if its weights live on another tfjs backend, a copy is built on the
 * requested one (and disposed). The caller's tfjs backend is active again on return.
 */
export async function measureLatency(model: tf.LayersModel, s: LatencySettings, o: LatencyOptions = {}): Promise<Latency> {
  checkSettings(s);
  imageShape(model);
  return withBackend(s, o, async () => {
    const r = await prepare(model, s);
    try {
      return latencyOf(s, await timeRuns(r, s));
    } finally {
      await r.dispose();
    }
  });
}

/**
 * The network a child is trained as: a fidelity over a dataset (built exactly as trainCell builds it:
 * macroOf(fidelity, space), the dataset's input at the fidelity's image size, its classes; a
 * 'table:…' dataset the benchmark's network at CIFAR-10's input, as the zero-cost scorer does), or
 * explicit macro settings and input.
 */
export type LatencyNet =
  | { fidelity: Fidelity; dataset: string; datasetHash?: string; seed?: number }
  | { macro: MacroSettings; inputShape: [number, number, number]; numClasses: number; seed?: number };

function resolveNet(space: SearchSpace, net: LatencyNet): { macro: MacroSettings; inputShape: [number, number, number]; numClasses: number; seed: number } {
  const seed = net.seed ?? 0;
  if ('macro' in net) return { macro: net.macro, inputShape: net.inputShape, numClasses: net.numClasses, seed };
  if (net.dataset.startsWith('table:')) {
    return { macro: space.family === 'nas-bench-201' ? NB201_BENCHMARK_MACRO : macroOf(net.fidelity, space), inputShape: CIFAR10_INPUT, numClasses: 10, seed };
  }
  const data = fidelityData(net.dataset, net.fidelity, net.datasetHash);
  return { macro: macroOf(net.fidelity, space), inputShape: data.inputShape, numClasses: data.numClasses, seed };
}

/** Builds the child of `genotype` as the trainer does, on the backend it is timed on, and measures it (with its params and mult-adds). */
export async function measureGenotypeLatency(
  space: SearchSpace, genotype: Genotype, net: LatencyNet, s: LatencySettings, o: LatencyOptions = {},
): Promise<Latency & { params: number; multAdds: number }> {
  checkSettings(s);
  const n = resolveNet(space, net);
  return withBackend(s, o, async () => {
    const built = buildModel(space, genotype, n.macro, { inputShape: n.inputShape, numClasses: n.numClasses, seed: n.seed });
    try {
      const r = await prepare(built.model, s);
      try {
        return { ...latencyOf(s, await timeRuns(r, s)), params: built.params, multAdds: built.multAdds };
      } finally {
        await r.dispose();
      }
    } finally {
      built.model.dispose();
    }
  });
}

/**
 * A quiet re-measuring pass over several children: `rounds` rounds, each visiting every item once in
 * a rotating order (round r starts at item r), so a burst of load from elsewhere lands on all of
 * them alike. A visit builds the item's model (on the backend it is timed on; untimed), runs
 * `s.warmup` + `s.runs` passes and disposes it. Each item's runs are pooled over the rounds
 * (`runs` = rounds × s.runs); `roundMs` holds every round's median, in round order, so callers can
 * report the repeat-to-repeat spread.
 */
export async function measureInterleaved(
  items: Array<{ id: number; build: () => tf.LayersModel | Promise<tf.LayersModel> }>, s: LatencySettings, rounds: number, o: LatencyOptions = {},
): Promise<Map<number, Latency & { roundMs: number[] }>> {
  checkSettings(s);
  if (!Number.isInteger(rounds) || rounds < 1) throw new UserError(`latency rounds: expected an integer >= 1, got ${JSON.stringify(rounds)}`);
  if (new Set(items.map((i) => i.id)).size !== items.length) throw new UserError('latency: item ids must be unique');
  const pooled = new Map(items.map((i) => [i.id, { wall: [] as number[], roundMs: [] as number[] }]));
  await withBackend(s, o, async () => {
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < items.length; k++) {
        const item = items[(k + round) % items.length];
        const model = await item.build();
        try {
          const r = await prepare(model, s);
          try {
            const wall = await timeRuns(r, s);
            const p = pooled.get(item.id)!;
            p.wall.push(...wall);
            p.roundMs.push(summarize(wall).median);
          } finally {
            await r.dispose();
          }
        } finally {
          model.dispose();
        }
      }
    }
  });
  const out = new Map<number, Latency & { roundMs: number[] }>();
  for (const item of items) {
    const p = pooled.get(item.id)!;
    out.set(item.id, { ...latencyOf(s, p.wall), roundMs: p.roundMs });
  }
  return out;
}
