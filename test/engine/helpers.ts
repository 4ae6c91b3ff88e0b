/** Shared helpers for engine tests: seeded data and a relative-error comparison. */
import * as tf from '#tfjs';
import seedrandom from 'seedrandom';

/** A seeded uniform(-1, 1) tensor on the active backend. */
export function rand(shape: number[], seed: string): tf.Tensor {
  const rng = seedrandom(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng() * 2 - 1;
  return tf.tensor(v, shape);
}

/** max |a - b| / max |b|: the relative error the issue asks to keep under 1e-4. */
export function relErr(a: Float32Array | number[], b: Float32Array | number[]): number {
  if (a.length !== b.length) return Infinity;
  let num = 0, den = 1e-12;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

/** Runs fn with `backend` active and returns the data of its tensors, leaking nothing. */
export async function onBackend(backend: string, fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outs = tf.tidy(fn);
  const data = outs.map((t) => t.dataSync() as Float32Array);
  tf.dispose(outs);
  return data;
}
