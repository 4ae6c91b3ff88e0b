/**
 * mult-adds: multiply-adds per image, the FLOPs baseline of Abdelfattah et al. 2021 (ICLR,
 * Table 1: "flops"). From the built model (src/model/cost.ts: convolutions, separable
 * convolutions and dense layers), no forward pass.
 */
import type { Estimator, EstimatorInput } from './types.js';

export const multAdds: Estimator = {
  name: 'mult-adds',
  citation: 'Abdelfattah et al. 2021, "Zero-Cost Proxies for Lightweight NAS" (ICLR), baseline flops',
  needsData: false,
  score(input: EstimatorInput): number {
    const built = input.build();
    try {
      return built.multAdds;
    } finally {
      built.model.dispose();
    }
  },
};
