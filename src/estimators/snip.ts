/**
 * snip: Lee, Ajanthan & Torr 2019, "SNIP: Single-shot Network Pruning based on Connection
 * Sensitivity" (ICLR), Eq. 6 (the connection sensitivity |∂L/∂c| at c = 1, c the weight mask);
 * summed over the network as a NAS proxy by Abdelfattah et al. 2021 (ICLR).
 * zero-cost-nas (`foresight/pruners/measures/snip.py`): a mask of ones on every conv/linear
 * weight, one batch, cross-entropy, backward, score = Σ |∂L/∂mask| = Σ |θ ⊙ ∂L/∂θ| (what is
 * computed here, without the mask: ∂L/∂mask = θ ⊙ ∂L/∂θ at mask = 1).
 * Batch norm in training mode, as zero-cost-nas.
 */
import type * as tf from '#tfjs';
import type { Estimator, EstimatorInput } from './types.js';
import { requireBatch } from './types.js';
import { crossEntropy, scoredWeights, sumAbsProduct, weightGradients } from './weights.js';

export const snip: Estimator = {
  name: 'snip',
  citation: 'Lee et al. 2019, "SNIP: Single-shot Network Pruning based on Connection Sensitivity" (ICLR); as a NAS proxy: Abdelfattah et al. 2021 (ICLR)',
  needsData: true,
  score(input: EstimatorInput): number {
    const { xs, ys } = requireBatch(input, 'snip');
    const built = input.build();
    try {
      const weights = scoredWeights(built.model);
      const grads = weightGradients(weights, () => crossEntropy(built.model.apply(xs, { training: true }) as tf.Tensor, ys, input.numClasses));
      return weights.reduce((s, w, i) => s + sumAbsProduct(w.variable.dataSync(), grads[i]), 0);
    } finally {
      built.model.dispose();
    }
  },
};
