/**
 * fisher: Theis, Korshunova, Tejani & Huszár 2018, "Faster gaze prediction with dense networks
 * and Fisher pruning" (arXiv:1801.05787), Eq. 5 (per-channel Fisher information of a mask on
 * the activations); as a NAS proxy in Abdelfattah et al. 2021 (ICLR).
 * zero-cost-nas (`foresight/pruners/measures/fisher.py`): for the output a of every conv/linear
 * layer and g = ∂L/∂a (one batch, cross-entropy, train mode), g_nk = Σ_spatial a·g per image n
 * and channel k, Δ_k = ½ mean_n g_nk²; Δ_k is broadcast over that channel's weights
 * (`weight.shape[1:]`, the fan-in of one output channel) and the score sums it all:
 * Σ_layers Σ_k Δ_k · fanIn.
 * NOTE: tfjs' separable conv is one layer (PyTorch: a depthwise and a pointwise nn.Conv2d); its
 * output is the pointwise one's, with the pointwise fan-in; the depthwise output is not seen.
 */
import * as tf from '#tfjs';
import type { Estimator, EstimatorInput } from './types.js';
import { requireBatch } from './types.js';
import { runLayers } from './layer-run.js';
import { crossEntropy, scoredWeights } from './weights.js';

/** Weights one output channel of `layer` has (PyTorch's weight.shape[1:] product). */
function fanInPerChannel(layer: tf.layers.Layer): number {
  const kernels = scoredWeights({ layers: [layer] } as unknown as tf.LayersModel).map((w) => w.variable.shape);
  const last = kernels[kernels.length - 1]; // conv [kh, kw, in, out], dense [in, out], separable's pointwise [1, 1, in, out]
  return last.slice(0, -1).reduce((a, b) => a * b, 1);
}

export const fisher: Estimator = {
  name: 'fisher',
  citation: 'Theis et al. 2018, "Faster gaze prediction with dense networks and Fisher pruning" (arXiv:1801.05787); as a NAS proxy: Abdelfattah et al. 2021 (ICLR)',
  needsData: true,
  score(input: EstimatorInput): number {
    const { xs, ys } = requireBatch(input, 'fisher');
    const built = input.build();
    try {
      const scored = scoredWeights(built.model).map((w) => w.layer).filter((l, i, all) => all.indexOf(l) === i);
      const index = new Map(scored.map((l, i) => [l, i]));
      const n = xs.shape[0];
      const zeros = scored.map((l) => tf.zeros([n, ...(l.outputShape as number[]).slice(1)]));
      const acts: tf.Tensor[] = [];
      try {
        // A zero added to each scored layer's output a: ∂L/∂zero = ∂L/∂a.
        const loss = (...z: tf.Tensor[]) => {
          const logits = runLayers(built.model, xs, {
            training: true,
            after: (layer, out) => {
              const i = index.get(layer);
              if (i === undefined) return out;
              acts[i] = tf.keep(out);
              return tf.add(out, z[i]);
            },
          });
          return crossEntropy(logits, ys, input.numClasses);
        };
        return tf.tidy(() => {
          const grads = tf.grads(loss)(zeros);
          let score = 0;
          scored.forEach((layer, i) => {
            const a = acts[i];
            // g_nk: a·g summed over the spatial axes (NHWC 1, 2); a dense layer has none.
            const gnk = a.rank > 2 ? tf.sum(tf.mul(a, grads[i]), [1, 2]) : tf.mul(a, grads[i]);
            const delta = tf.mul(tf.mean(tf.square(gnk), 0), 0.5).dataSync();
            let s = 0;
            for (const d of delta) s += Math.abs(d);
            score += s * fanInPerChannel(layer);
          });
          return score;
        });
      } finally {
        tf.dispose([...zeros, ...acts]);
      }
    } finally {
      built.model.dispose();
    }
  },
};
