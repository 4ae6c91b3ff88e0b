/**
 * The exported ONNX model against the tfjs model it came from, on real images: both run the same
 * normalised batches (the training statistics, as evaluate() feeds them), and we report the largest
 * absolute difference of their outputs and each one's accuracy.
 */
import * as tf from '#tfjs';
import { channelStats } from '../data/normalize.js';
import type { Split } from '../data/types.js';
import { gatherBatch } from '../training/batches.js';
import { onnxSession } from './onnx-runtime.js';

export interface OnnxAgreement {
  images: number;
  /** max |tfjs - onnxruntime| over every output of every image. */
  maxAbsDiff: number;
  /** max |tfjs output|: the scale the difference is to be read against. */
  maxAbsOutput: number;
  tfjsAccuracy: number;
  onnxAccuracy: number;
  /** Images where the two predict different classes. */
  disagreements: number;
}

const argmax = (v: ArrayLike<number>, at: number, n: number) => {
  let best = 0;
  for (let k = 1; k < n; k++) if (v[at + k] > v[at + best]) best = k;
  return best;
};

/** Runs the first `count` images of `split` (all when omitted) through both models, `batch` at a time. */
export async function compareWithOnnx(model: tf.LayersModel, bytes: Uint8Array, split: Split, o: { count?: number; batch?: number; threads?: number } = {}): Promise<OnnxAgreement> {
  const count = Math.min(o.count ?? split.count, split.count);
  const batch = o.batch ?? 100;
  const norm = split.norm ?? channelStats(split);
  const { height: h, width: w, channels: c } = split;
  const session = await onnxSession(bytes, o.threads ?? 1);
  let maxAbsDiff = 0;
  let maxAbsOutput = 0;
  let tfjsRight = 0;
  let onnxRight = 0;
  let disagreements = 0;
  try {
    for (let start = 0; start < count; start += batch) {
      const n = Math.min(batch, count - start);
      const { x, y } = gatherBatch(split, Int32Array.from({ length: n }, (_, i) => start + i), norm);
      const ref = tf.tidy(() => (model.predict(tf.tensor4d(x, [n, h, w, c])) as tf.Tensor).dataSync() as Float32Array);
      const out = await session.run(x, [n, h, w, c]);
      if (out.data.length !== ref.length) throw new Error(`onnxruntime returned ${out.dims.join('x')}, tfjs ${ref.length / n} values per image`);
      const classes = ref.length / n;
      for (let i = 0; i < ref.length; i++) {
        maxAbsDiff = Math.max(maxAbsDiff, Math.abs(ref[i] - out.data[i]));
        maxAbsOutput = Math.max(maxAbsOutput, Math.abs(ref[i]));
      }
      for (let i = 0; i < n; i++) {
        const a = argmax(ref, i * classes, classes);
        const b = argmax(out.data, i * classes, classes);
        if (a === y[i]) tfjsRight++;
        if (b === y[i]) onnxRight++;
        if (a !== b) disagreements++;
      }
    }
  } finally {
    await session.release();
  }
  return { images: count, maxAbsDiff, maxAbsOutput, tfjsAccuracy: tfjsRight / count, onnxAccuracy: onnxRight / count, disagreements };
}
