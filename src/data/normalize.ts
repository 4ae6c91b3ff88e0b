import type { Normalization, Split } from './types.js';

/**
 * Per-channel mean and standard deviation of a split's pixels scaled to [0, 1]
 * (the usual input standardisation; CIFAR's well-known 0.49/0.25 come from the same formula).
 */
export function channelStats(split: Split): Normalization {
  const c = split.channels;
  const sum = new Float64Array(c);
  const sumSq = new Float64Array(c);
  const px = split.images;
  for (let i = 0; i < px.length; i++) {
    const v = px[i];
    sum[i % c] += v;
    sumSq[i % c] += v * v;
  }
  const n = px.length / c;
  const mean: number[] = [];
  const std: number[] = [];
  for (let k = 0; k < c; k++) {
    const m = n > 0 ? sum[k] / n : 0;
    const variance = n > 0 ? sumSq[k] / n - m * m : 0;
    mean.push(m / 255);
    // A constant channel would divide by zero; 1 leaves it merely centred.
    std.push(variance > 1e-6 ? Math.sqrt(variance) / 255 : 1);
  }
  return { mean, std };
}
