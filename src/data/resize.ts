import type { Split } from './types.js';

/**
 * Bilinear resize of every image of a split, with half-pixel centres (the convention of
 * tf.image.resizeBilinear(halfPixelCenters=true) and OpenCV's INTER_LINEAR), on bytes.
 * NOTE: no anti-aliasing when shrinking: proxies shrink at most ~2x (28 -> 16), where
 * bilinear still reads every source pixel.
 */
export function resizeSplit(split: Split, height: number, width: number): Split {
  const { height: h, width: w, channels: c, count } = split;
  const src = split.images;
  const out = new Uint8Array(count * height * width * c);
  const ys = axis(h, height);
  const xs = axis(w, width);
  for (let n = 0; n < count; n++) {
    const sBase = n * h * w * c;
    const dBase = n * height * width * c;
    for (let y = 0; y < height; y++) {
      const { i0: y0, i1: y1, t: ty } = ys[y];
      for (let x = 0; x < width; x++) {
        const { i0: x0, i1: x1, t: tx } = xs[x];
        for (let k = 0; k < c; k++) {
          const a = src[sBase + (y0 * w + x0) * c + k];
          const b = src[sBase + (y0 * w + x1) * c + k];
          const d = src[sBase + (y1 * w + x0) * c + k];
          const e = src[sBase + (y1 * w + x1) * c + k];
          const top = a + (b - a) * tx;
          const bottom = d + (e - d) * tx;
          out[dBase + (y * width + x) * c + k] = Math.round(top + (bottom - top) * ty);
        }
      }
    }
  }
  return { ...split, images: out, height, width };
}

/** For each output coordinate: the two source coordinates and the weight of the second. */
function axis(inSize: number, outSize: number): { i0: number; i1: number; t: number }[] {
  const scale = inSize / outSize;
  return Array.from({ length: outSize }, (_, o) => {
    const s = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), inSize - 1);
    const i0 = Math.floor(s);
    const i1 = Math.min(i0 + 1, inSize - 1);
    return { i0, i1, t: s - i0 };
  });
}
