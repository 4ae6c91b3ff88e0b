/**
 * jacob_cov: Mellor, Turner, Storkey & Crowley 2020, "Neural Architecture Search without
 * Training" (arXiv:2006.04647 v1, Sec. 3), as used by Abdelfattah et al. 2021 (ICLR).
 * zero-cost-nas (`foresight/pruners/measures/jacob_cov.py`): J_i = ∂(Σ outputs)/∂x_i for each
 * image of one batch (one backward with a seed of ones), Σ = corrcoef of the flattened J_i,
 * eigenvalues λ of Σ, score = −Σ_λ (log(λ + k) + 1/(λ + k)) with k = 1e-5.
 * Batch norm in training mode, as zero-cost-nas.
 * NaN when a J_i is constant (corrcoef divides by zero: numpy gives NaN and zero-cost-nas
 * catches the failed eig as NaN) or an eigenvalue is ≤ −k (log of a negative number).
 */
import * as tf from '#tfjs';
import type { Estimator, EstimatorInput } from './types.js';
import { requireBatch } from './types.js';
import { corrcoef, symmetricEigenvalues } from './linalg.js';

const K = 1e-5;

/** The jacob_cov score of N Jacobians (rows of length d, row-major). */
export function jacobCovScore(jacobians: ArrayLike<number>, n: number, d: number): number {
  const corr = corrcoef(jacobians, n, d);
  if (corr.some(Number.isNaN)) return NaN;
  let s = 0;
  for (const v of symmetricEigenvalues(corr, n)) {
    if (!(v + K > 0)) return NaN;
    s += Math.log(v + K) + 1 / (v + K);
  }
  return -s;
}

export const jacobCov: Estimator = {
  name: 'jacob_cov',
  citation: 'Mellor et al. 2020, "Neural Architecture Search without Training" (arXiv:2006.04647 v1); as a NAS proxy: Abdelfattah et al. 2021 (ICLR)',
  needsData: true,
  score(input: EstimatorInput): number {
    const { xs } = requireBatch(input, 'jacob_cov');
    const built = input.build();
    try {
      const jac = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(built.model.apply(x, { training: true }) as tf.Tensor))(xs).dataSync());
      const n = xs.shape[0];
      return jacobCovScore(jac, n, jac.length / n);
    } finally {
      built.model.dispose();
    }
  },
};
