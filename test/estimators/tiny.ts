/**
 * A tiny network with weights set by hand, and its forward and backward worked out in plain
 * arithmetic (no tfjs): the reference every estimator's test compares against.
 *
 *   x: N images 2×2×1 → conv 1×1, F filters w_f, no bias → ReLU → global average pool → dense F→2 (W, zero bias)
 */
import * as tf from '#tfjs';
import type { BuiltModel } from '../../src/model/build.js';
import type { EstimatorInput } from '../../src/estimators/index.js';

export const W_CONV = [0.5, -1];
export const W_DENSE = [[1, -1], [2, 0.5]]; // [f][k]
export const IMAGES = [[1, 2, 3, 4], [-1, 2, -3, 0], [0.5, -2, 1, 1]]; // pixels of each 2×2 image
export const LABELS = [0, 1, 1];
const F = W_CONV.length;

/** The tfjs model of the network above (`abs`: the weights as given, or their negatives, to see synflow take |w|). */
export function tinyModel(negate = false): BuiltModel {
  const s = negate ? -1 : 1;
  const input = tf.input({ shape: [2, 2, 1] });
  const conv = tf.layers.conv2d({ filters: F, kernelSize: 1, useBias: false });
  const dense = tf.layers.dense({ units: 2 });
  const out = dense.apply(tf.layers.globalAveragePooling2d({}).apply(tf.layers.reLU().apply(conv.apply(input)))) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  tf.tidy(() => {
    conv.setWeights([tf.tensor4d(W_CONV.map((w) => s * w), [1, 1, 1, F])]);
    dense.setWeights([tf.tensor2d(W_DENSE.map((r) => r.map((w) => s * w))), tf.zeros([2])]);
  });
  return { model, params: F + 2 * F + 2, multAdds: 4 * F + 2 * F, layers: 4 };
}

/** The EstimatorInput of the tiny network; `images` picks the batch. The caller disposes input.batch. */
export function tinyInput(images = [0, 1, 2]): EstimatorInput {
  return {
    build: () => tinyModel(),
    inputShape: [2, 2, 1],
    numClasses: 2,
    batch: {
      xs: tf.tensor4d(images.flatMap((i) => IMAGES[i]), [images.length, 2, 2, 1]),
      ys: tf.tensor1d(images.map((i) => LABELS[i]), 'int32'),
    },
  };
}

/** Everything the estimators need, by hand, for the images `images`. */
export function reference(images = [0, 1, 2]) {
  const n = images.length;
  const pre = images.map((i) => IMAGES[i].map((x) => W_CONV.map((w) => w * x))); // [n][p][f]
  const h = pre.map((img) => W_CONV.map((_, f) => img.reduce((s, px) => s + Math.max(0, px[f]), 0) / 4)); // [n][f]
  const z = h.map((hn) => [0, 1].map((k) => hn.reduce((s, v, f) => s + v * W_DENSE[f][k], 0))); // [n][k]
  const p = z.map((zn) => {
    const m = Math.max(...zn);
    const e = zn.map((v) => Math.exp(v - m));
    return e.map((v) => v / (e[0] + e[1]));
  });
  const dz = p.map((pn, i) => pn.map((v, k) => (v - (LABELS[images[i]] === k ? 1 : 0)) / n)); // ∂L/∂z, L the mean CE
  const gDense = W_DENSE.map((_, f) => [0, 1].map((k) => h.reduce((s, hn, i) => s + hn[f] * dz[i][k], 0)));
  const dh = dz.map((d) => W_CONV.map((_, f) => d[0] * W_DENSE[f][0] + d[1] * W_DENSE[f][1])); // ∂L/∂h [n][f]
  // ∂L/∂pre[n][p][f] = dh/4 where the ReLU is on; ∂L/∂w_f = Σ_n Σ_p that · x.
  const gConv = W_CONV.map((_, f) => images.reduce((s, img, i) => s + IMAGES[img].reduce((t, x, px) => t + (pre[i][px][f] > 0 ? (dh[i][f] / 4) * x : 0), 0), 0));
  // Fisher: g_nk = Σ_spatial a·∂L/∂a per image and channel, Δ_k = ½ mean_n g_nk², times the fan-in of a channel.
  const convG = W_CONV.map((_, f) => pre.map((img, i) => img.reduce((s, px) => s + (px[f] > 0 ? px[f] * (dh[i][f] / 4) : 0), 0)));
  const denseG = [0, 1].map((k) => z.map((zn, i) => zn[k] * dz[i][k]));
  const delta = (g: number[]) => 0.5 * (g.reduce((s, v) => s + v * v, 0) / n);
  const fisher = convG.reduce((s, g) => s + delta(g) * 1, 0) + denseG.reduce((s, g) => s + delta(g) * F, 0);
  // ReLU codes: 8 features per image (4 pixels × 2 filters).
  const codes: number[][] = pre.map((img) => img.flatMap((px) => px.map((v) => (v > 0 ? 1 : 0))));
  const K = codes.map((a) => codes.map((b) => a.reduce((s, v, j) => s + (v === b[j] ? 1 : 0), 0)));
  // Jacobian of Σ_k z_nk w.r.t. the pixels of image n.
  const jac = pre.map((img, i) => IMAGES[images[i]].map((_, px) => W_CONV.reduce((s, w, f) => s + (img[px][f] > 0 ? (w * (W_DENSE[f][0] + W_DENSE[f][1])) / 4 : 0), 0)));
  return { h, z, p, gDense, gConv, fisher, K, jac };
}
