/** Turns byte images into normalised float batches and shuffles epochs reproducibly. */
import type { Rng } from '../core/rng.js';
import type { Normalization, Split } from '../data/types.js';

/** A permutation of 0..n-1 (Fisher-Yates with `rng`). */
export function shuffled(n: number, rng: Rng): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** Normalised NHWC float32 pixels and labels of the images `idx` of `split`. */
export function gatherBatch(split: Split, idx: ArrayLike<number>, norm: Normalization): { x: Float32Array; y: Int32Array } {
  const c = split.channels;
  const size = split.height * split.width * c;
  const x = new Float32Array(idx.length * size);
  const y = new Int32Array(idx.length);
  const scale = norm.mean.map((_, k) => 1 / (255 * norm.std[k]));
  const shift = norm.mean.map((m, k) => m / norm.std[k]);
  for (let n = 0; n < idx.length; n++) {
    const src = idx[n] * size;
    const dst = n * size;
    for (let i = 0; i < size; i++) {
      const k = i % c;
      x[dst + i] = split.images[src + i] * scale[k] - shift[k];
    }
    y[n] = split.labels[idx[n]];
  }
  return { x, y };
}
