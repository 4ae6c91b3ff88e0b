/**
 * onnxruntime (the optional npm package onnxruntime-node, CPU execution provider) as a second
 * runtime for exported models: run a model on a batch of NHWC images, and time run() the way
 * `nas bench ops` times every backend (warm-up, then the median of N runs, a fixed thread count).
 * The package is loaded on first use; without it the functions throw a one-line UserError.
 */
import { createRequire } from 'node:module';
import { UserError } from '../core/errors.js';

// The few parts of onnxruntime-node's API used here, typed locally: the package is optional, so
// the build must not need its type declarations.
interface OrtTensor { data: unknown; dims: readonly number[] }
interface Session {
  inputNames: readonly string[];
  outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface Ort {
  InferenceSession: { create(model: Uint8Array, options: Record<string, unknown>): Promise<Session> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  env: { versions: Record<string, string> };
}

let ort: Ort | null | undefined;
let loadError = '';

/** onnxruntime-node, or null when it is not installed (or its binary does not load here). */
export function loadOnnxRuntime(): Ort | null {
  if (ort !== undefined) return ort;
  try {
    // CommonJS package: require keeps its native binding out of the ESM loader's way.
    ort = createRequire(import.meta.url)('onnxruntime-node') as Ort;
  } catch (e) {
    ort = null;
    loadError = (e as Error).message.split('\n')[0];
  }
  return ort;
}

/** Why onnxruntime is not available ('' when it is). */
export function onnxRuntimeError(): string {
  loadOnnxRuntime();
  return ort ? '' : `onnxruntime-node is not installed (${loadError}); npm install onnxruntime-node`;
}

function requireOrt(): Ort {
  const o = loadOnnxRuntime();
  if (!o) throw new UserError(onnxRuntimeError());
  return o;
}

export interface OnnxSession {
  /** Output of one batch [n, H, W, C] (NHWC, as the tfjs model takes it): a flat Float32Array and its dims. */
  run(images: Float32Array, dims: number[]): Promise<{ data: Float32Array; dims: number[] }>;
  release(): Promise<void>;
}

/**
 * Loads model bytes into an inference session: CPU provider, `threads` intra-op threads (default 1),
 * one inter-op thread, sequential execution, all graph optimizations.
 */
export async function onnxSession(bytes: Uint8Array, threads = 1): Promise<OnnxSession> {
  const o = requireOrt();
  const session: Session = await o.InferenceSession.create(bytes, {
    executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  const [input] = session.inputNames;
  const [output] = session.outputNames;
  return {
    async run(images, dims) {
      const result = await session.run({ [input]: new o.Tensor('float32', images, dims) });
      const t = result[output];
      return { data: t.data as Float32Array, dims: [...t.dims] };
    },
    release: () => session.release(),
  };
}

export interface RunTiming {
  /** Seconds per run: every timed run, then the median and the quartiles. */
  samples: number[];
  median: number;
  q1: number;
  q3: number;
}

/** Median and quartiles of seconds (linear interpolation between order statistics, R's type 7). */
export function summarize(samples: number[]): RunTiming {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => {
    const at = (s.length - 1) * p;
    const lo = Math.floor(at);
    return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (at - lo);
  };
  return { samples, median: q(0.5), q1: q(0.25), q3: q(0.75) };
}

/** Times session.run on `images`: `warmup` untimed runs, then `runs` timed ones. */
export async function timeOnnxRun(session: OnnxSession, images: Float32Array, dims: number[], runs: number, warmup = 2): Promise<RunTiming> {
  for (let i = 0; i < warmup; i++) await session.run(images, dims);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await session.run(images, dims);
    samples.push((performance.now() - t0) / 1000);
  }
  return summarize(samples);
}

/** Loads `bytes` with `threads` intra-op threads and times run() (the session is released after). */
export async function timeOnnxModel(bytes: Uint8Array, images: Float32Array, dims: number[], o: { runs: number; warmup?: number; threads?: number }): Promise<RunTiming> {
  const session = await onnxSession(bytes, o.threads ?? 1);
  try {
    return await timeOnnxRun(session, images, dims, o.runs, o.warmup ?? 2);
  } finally {
    await session.release();
  }
}
