/**
 * The measurements of `nas bench ops`: one op of a space, built exactly as a cell builds it (the op
 * registry's builder, its ReLU and BN included), on an input of C channels and H x H pixels, timed
 * forward in inference mode on every backend. Backends and ops are interleaved within each round
 * (round r: every shape, every op, every backend in a rotating order), so a burst of load from other
 * processes lands on all of them alike; each (op, shape, backend) pools its runs over the rounds.
 * Every measurement is one thread: tfjs' JS backends are single-threaded, oneDNN is set to 1
 * thread, onnxruntime to 1 intra-op and 1 inter-op thread.
 */
import { loadavg } from 'node:os';
import * as tf from '#tfjs';
import { selectBackend } from '../engine/backend.js';
import { BuildContext, type Sym } from '../model/context.js';
import { getOp } from '../model/ops/registry.js';
import { modelCost } from '../model/cost.js';
import { modelToOnnx } from '../export/onnx.js';
import { onnxSession, summarize, type OnnxSession, type RunTiming } from '../export/onnx-runtime.js';

export const ONNX_BACKEND = 'onnxruntime';

export interface OpShape {
  channels: number;
  size: number;
  stride: 1 | 2;
  batch: number;
}

export interface OpCase extends OpShape {
  op: string;
  /** Per image, as src/model/cost.ts counts them (convolutions and dense; pools 0). */
  multAdds: number;
  params: number;
}

export interface OpRow extends OpCase {
  /** Seconds per forward pass of the batch, by backend. */
  timings: Record<string, RunTiming>;
}

export interface MeasureOptions {
  ops: string[];
  shapes: OpShape[];
  backends: string[];
  rounds: number;
  /** Timed runs per round (after one warm-up run). */
  runs: number;
  onProgress?: (line: string) => void;
}

/** The op alone on a C x H x H input, its output as the model's output. */
export function opNetwork(op: string, s: Pick<OpShape, 'channels' | 'size' | 'stride'>): tf.LayersModel {
  const ctx = new BuildContext(7);
  const input = tf.input({ shape: [s.size, s.size, s.channels], name: 'x' });
  const out = getOp(op)(ctx, input, s.channels, s.stride) as Sym;
  return tf.model({ inputs: input, outputs: out, name: op });
}

/** Seeded inputs in [-1, 1] (speed does not depend on the values). */
function inputs(n: number): Float32Array {
  let seed = 12345;
  return Float32Array.from({ length: n }, () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return (seed / 2 ** 31) * 2 - 1;
  });
}

interface Runner {
  run(): Promise<void>;
  dispose(): Promise<void>;
}

/** A timed forward pass of the op on `backend`: the model is built (and its weights live) on that backend. */
async function runner(backend: string, op: string, s: OpShape, x: Float32Array): Promise<Runner> {
  if (backend === ONNX_BACKEND) {
    await selectBackend('cpu', { threads: 1 });
    const model = opNetwork(op, s);
    const { bytes } = modelToOnnx(model, { io: 'nchw' });
    model.dispose();
    const session: OnnxSession = await onnxSession(bytes, 1);
    const dims = [s.batch, s.channels, s.size, s.size];
    // NOTE: the ONNX model runs in NCHW (its native layout) on the same values taken as NCHW: speed does not depend on them.
    return { run: async () => void (await session.run(x, dims)), dispose: () => session.release() };
  }
  await selectBackend(backend, { threads: 1 });
  const model = opNetwork(op, s);
  const t = tf.tensor4d(x, [s.batch, s.size, s.size, s.channels]);
  return {
    run: async () => {
      const y = model.predict(t) as tf.Tensor;
      y.dataSync();
      if (y !== t) y.dispose();
    },
    dispose: async () => {
      t.dispose();
      model.dispose();
    },
  };
}

/** Mult-adds and parameters of each (op, shape), and every backend's timings. */
export async function measureOps(o: MeasureOptions): Promise<OpRow[]> {
  await selectBackend('cpu', { threads: 1 });
  const rows: OpRow[] = [];
  for (const s of o.shapes) {
    for (const op of o.ops) {
      const model = opNetwork(op, s);
      const cost = modelCost(model);
      model.dispose();
      rows.push({ op, ...s, multAdds: cost.multAdds, params: cost.params, timings: {} });
    }
  }
  const samples = new Map<OpRow, Map<string, number[]>>(rows.map((r) => [r, new Map(o.backends.map((b) => [b, []]))]));
  let turn = 0;
  for (let round = 0; round < o.rounds; round++) {
    o.onProgress?.(`round ${round + 1}/${o.rounds}: ${rows.length} cases x ${o.backends.length} backends, load ${loadAverage()}`);
    for (const row of rows) {
      const x = inputs(row.batch * row.size * row.size * row.channels);
      // A rotating backend order: none is always first after the previous case's work.
      const order = o.backends.map((_, i) => o.backends[(i + turn) % o.backends.length]);
      turn++;
      for (const b of order) {
        const r = await runner(b, row.op, row, x);
        try {
          await r.run(); // warm-up: first-call allocations, kernel selection
          const got = samples.get(row)!.get(b)!;
          for (let i = 0; i < o.runs; i++) {
            const t0 = performance.now();
            await r.run();
            got.push((performance.now() - t0) / 1000);
          }
        } finally {
          await r.dispose();
        }
      }
    }
  }
  for (const row of rows) for (const [b, got] of samples.get(row)!) row.timings[b] = summarize(got);
  return rows;
}

/** The 1-minute load average, to two decimals. */
export const loadAverage = (): string => loadavg()[0].toFixed(2);
