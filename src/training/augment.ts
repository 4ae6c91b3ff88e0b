/**
 * Training-time augmentation on normalised NHWC float batches, in plain loops (28x28 and
 * 32x32 images are cheap; this keeps the pixel work out of the tfjs graph).
 *  - random crop with zero padding of `pad` pixels + horizontal flip: the CIFAR protocol of
 *    He et al. 2016 (§4.2) and NASNet/DARTS replays.
 *  - cutout: one size x size square set to zero, its centre anywhere in the image (so it may be
 *    clipped) — DeVries & Taylor 2017, "Improved Regularization of CNNs with Cutout", arXiv:1708.04552.
 *  - random erasing: with probability p, a rectangle of area in [0.02, 0.4] of the image and
 *    aspect ratio in [0.3, 1/0.3] is filled with random values — Zhong et al., AAAI 2020, Alg. 1.
 * Zero is the per-channel mean after normalisation, so padding and cutout fill with the mean.
 * NOTE: He et al. pad raw pixels with zeros (black); we pad normalised pixels with 0 (the mean).
 */
import type { Rng } from '../core/rng.js';

export interface AugmentOptions {
  /** Padding of the random crop (0 = no crop). */
  pad: number;
  flip: boolean;
  /** Side of the cutout square (0 = off). */
  cutout: number;
  /** Probability of random erasing (0 = off). */
  randomErasing: number;
}

/** Augments `count` images of h x w x c in place (`x` is NHWC float32, normalised). */
export function augmentBatch(x: Float32Array, count: number, h: number, w: number, c: number, o: AugmentOptions, rng: Rng): void {
  const size = h * w * c;
  const tmp = new Float32Array(size);
  for (let n = 0; n < count; n++) {
    const img = x.subarray(n * size, (n + 1) * size);
    if (o.pad > 0 || o.flip) cropAndFlip(img, tmp, h, w, c, o.pad, o.flip && rng() < 0.5, rng);
    if (o.cutout > 0) cutout(img, h, w, c, o.cutout, rng);
    if (o.randomErasing > 0 && rng() < o.randomErasing) randomErase(img, h, w, c, rng);
  }
}

/** Shifts the image by a random offset in [-pad, pad] (zero fill), optionally mirrored. */
function cropAndFlip(img: Float32Array, tmp: Float32Array, h: number, w: number, c: number, pad: number, flip: boolean, rng: Rng): void {
  const dy = Math.floor(rng() * (2 * pad + 1)) - pad;
  const dx = Math.floor(rng() * (2 * pad + 1)) - pad;
  tmp.set(img);
  for (let y = 0; y < h; y++) {
    const sy = y + dy;
    for (let x = 0; x < w; x++) {
      const sxRaw = x + dx;
      const sx = flip ? w - 1 - sxRaw : sxRaw;
      const dst = (y * w + x) * c;
      if (sy < 0 || sy >= h || sxRaw < 0 || sxRaw >= w) {
        for (let k = 0; k < c; k++) img[dst + k] = 0;
      } else {
        const src = (sy * w + sx) * c;
        for (let k = 0; k < c; k++) img[dst + k] = tmp[src + k];
      }
    }
  }
}

function fillRect(img: Float32Array, w: number, c: number, y0: number, y1: number, x0: number, x1: number, value: () => number): void {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let k = 0; k < c; k++) img[(y * w + x) * c + k] = value();
}

function cutout(img: Float32Array, h: number, w: number, c: number, size: number, rng: Rng): void {
  const cy = Math.floor(rng() * h);
  const cx = Math.floor(rng() * w);
  const half = Math.floor(size / 2);
  fillRect(img, w, c, Math.max(0, cy - half), Math.min(h, cy - half + size), Math.max(0, cx - half), Math.min(w, cx - half + size), () => 0);
}

function randomErase(img: Float32Array, h: number, w: number, c: number, rng: Rng): void {
  const area = h * w;
  for (let attempt = 0; attempt < 100; attempt++) {
    const target = area * (0.02 + rng() * (0.4 - 0.02));
    // Aspect ratio log-uniform in [0.3, 1/0.3] (the reference code samples it uniformly; NOTE: log-uniform keeps it symmetric).
    const ratio = Math.exp(Math.log(0.3) + rng() * (Math.log(1 / 0.3) - Math.log(0.3)));
    const eh = Math.round(Math.sqrt(target * ratio));
    const ew = Math.round(Math.sqrt(target / ratio));
    if (eh < 1 || ew < 1 || eh >= h || ew >= w) continue;
    const y0 = Math.floor(rng() * (h - eh));
    const x0 = Math.floor(rng() * (w - ew));
    // Random values with the spread of normalised pixels (unit variance around the mean).
    fillRect(img, w, c, y0, y0 + eh, x0, x0 + ew, () => (rng() * 2 - 1) * 1.7);
    return;
  }
}

/** Sensible defaults per dataset: no horizontal flip for digits (a mirrored 2 is no 2). */
export function defaultAugment(datasetName: string): AugmentOptions {
  const digits = /(^|[/:])mnist$/i.test(datasetName) && !/fashion/i.test(datasetName);
  return { pad: 4, flip: !digits, cutout: 0, randomErasing: 0 };
}
