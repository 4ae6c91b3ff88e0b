/**
 * Turning byte images into normalised float batches. Done in plain JS through a 256-entry
 * lookup table per channel: one pass over the bytes, one tensor per batch, no tf ops.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../core/types.js';
import type { Normalization, Split } from '../data/types.js';

/** lut[k * 256 + v] = (v / 255 - mean[k]) / std[k]. */
export function normalizationTable(norm: Normalization, channels: number): Float32Array {
  if (norm.mean.length !== channels || norm.std.length !== channels) {
    throw new Error(`normalisation has ${norm.mean.length} channels, the images ${channels}`);
  }
  const lut = new Float32Array(256 * channels);
  for (let k = 0; k < channels; k++) {
    for (let v = 0; v < 256; v++) lut[k * 256 + v] = (v / 255 - norm.mean[k]) / norm.std[k];
  }
  return lut;
}

/** A batch as tensors: NHWC float32 images and int32 labels. The caller disposes both. */
export interface Batch {
  xs: tf.Tensor4D;
  ys: tf.Tensor1D;
  size: number;
}

/** Builds the batch of `split` at `indices` (any order), normalised through `lut`. */
export function makeBatch(split: Split, indices: ArrayLike<number>, lut: Float32Array): Batch {
  const { height, width, channels } = split;
  const per = height * width * channels;
  const n = indices.length;
  const pixels = new Float32Array(n * per);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const src = indices[i] * per;
    const dst = i * per;
    if (channels === 1) {
      for (let p = 0; p < per; p++) pixels[dst + p] = lut[split.images[src + p]];
    } else {
      for (let p = 0; p < per; p++) pixels[dst + p] = lut[(p % channels) * 256 + split.images[src + p]];
    }
    labels[i] = split.labels[indices[i]];
  }
  return {
    xs: tf.tensor4d(pixels, [n, height, width, channels], 'float32'),
    ys: tf.tensor1d(labels, 'int32'),
    size: n,
  };
}

/** Shuffles in place (Fisher-Yates) with a seeded generator: the same seed, the same batches. */
export function shuffleInPlace(order: Int32Array, rng: Rng): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}
