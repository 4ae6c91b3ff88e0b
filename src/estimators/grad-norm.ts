/**
 * grad_norm: Abdelfattah, Mehrotra, Dudziak & Lane 2021, "Zero-Cost Proxies for Lightweight NAS"
 * (ICLR), Sec. 3. zero-cost-nas (`foresight/pruners/measures/grad_norm.py`): one batch, the
 * cross-entropy loss, backward; per conv/linear layer the Euclidean norm of ∂L/∂W
 * (`l.weight.grad.norm()`), and the score is the sum of those per-layer norms.
 * Batch norm in training mode (batch statistics), as zero-cost-nas scores the net in train mode.
 * NOTE: a separable conv holds two kernels (depthwise, pointwise); each counts as a layer here,
 * as PyTorch's separable convs are two nn.Conv2d.
 */
import type { Estimator, EstimatorInput } from './types.js';
import { requireBatch } from './types.js';
import { crossEntropy, l2, scoredWeights, weightGradients } from './weights.js';
import type * as tf from '#tfjs';

export const gradNorm: Estimator = {
  name: 'grad_norm',
  citation: 'Abdelfattah et al. 2021, "Zero-Cost Proxies for Lightweight NAS" (ICLR)',
  needsData: true,
  score(input: EstimatorInput): number {
    const { xs, ys } = requireBatch(input, 'grad_norm');
    const built = input.build();
    try {
      const weights = scoredWeights(built.model);
      const grads = weightGradients(weights, () => crossEntropy(built.model.apply(xs, { training: true }) as tf.Tensor, ys, input.numClasses));
      return grads.reduce((s, g) => s + l2(g), 0);
    } finally {
      built.model.dispose();
    }
  },
};
