/**
 * params: the trainable parameter count, the baseline of Abdelfattah et al. 2021 (ICLR, Table 1:
 * "#params"; Ning et al. 2021 and others report it beside every zero-cost proxy). From the built
 * model (src/model/cost.ts), no forward pass. Includes batch-norm γ and β.
 */
import type { Estimator, EstimatorInput } from './types.js';

export const params: Estimator = {
  name: 'params',
  citation: 'Abdelfattah et al. 2021, "Zero-Cost Proxies for Lightweight NAS" (ICLR), baseline #params',
  needsData: false,
  score(input: EstimatorInput): number {
    const built = input.build();
    try {
      return built.params;
    } finally {
      built.model.dispose();
    }
  },
};
