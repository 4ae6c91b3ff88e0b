/**
 * naswot: Mellor, Turner, Storkey & Crowley 2021, "Neural Architecture Search without Training"
 * (ICML), Sec. 3: for a batch of N images, the binary code c_i of image i is which ReLUs it
 * switches on; K = N_A − Hamming(c_i, c_j) = c cᵀ + (1−c)(1−c)ᵀ summed over every ReLU; the
 * score is log|det K| (their code: numpy slogdet). The NASWOT code and the zero-cost-nas forks
 * that carry it hook every ReLU module, one network forward in train mode.
 * NOTE: the builder shares one ReLU layer among the ops that read the same tensor (NB201's code
 * has one nn.ReLU per ReLU-conv-BN edge); a ReLU layer's codes are counted once per layer that
 * reads it, which gives the same K as one hook per module. Ops of dead branches (whose output
 * nothing reads) are not built, so their ReLUs are not counted.
 * Batch norm runs in training mode (batch statistics), as in those codes.
 * -Infinity when K is singular (two images with identical codes everywhere).
 */
import * as tf from '#tfjs';
import type { Estimator, EstimatorInput } from './types.js';
import { requireBatch } from './types.js';
import { runLayers } from './layer-run.js';
import { logAbsDet } from './linalg.js';

interface NodeLike { inboundLayers: tf.layers.Layer[] }

/** How many layers of the model read each layer's output. */
function readers(model: tf.LayersModel): Map<tf.layers.Layer, number> {
  const count = new Map<tf.layers.Layer, number>();
  for (const layer of model.layers) {
    for (const node of (layer as unknown as { inboundNodes: NodeLike[] }).inboundNodes) {
      for (const src of node.inboundLayers) count.set(src, (count.get(src) ?? 0) + 1);
    }
  }
  return count;
}

/** The NASWOT kernel K (N × N, float64) of `model` on images xs. */
export function naswotKernel(model: tf.LayersModel, xs: tf.Tensor4D): Float64Array {
  const n = xs.shape[0];
  const K = new Float64Array(n * n);
  const reads = readers(model);
  tf.tidy(() => {
    runLayers(model, xs, {
      training: true,
      after: (layer, out) => {
        const weight = layer.getClassName() === 'ReLU' ? reads.get(layer) ?? 0 : 0;
        if (weight === 0) return out;
        tf.tidy(() => {
          const c = tf.cast(tf.greater(tf.reshape(out, [n, -1]), 0), 'float32');
          const off = tf.sub(1, c);
          // Entries are counts ≤ the features of one layer: exact in float32 below 2^24.
          const k = tf.add(tf.matMul(c, c, false, true), tf.matMul(off, off, false, true)).dataSync();
          for (let i = 0; i < n * n; i++) K[i] += weight * k[i];
        });
        return out;
      },
    });
  });
  return K;
}

export const naswot: Estimator = {
  name: 'naswot',
  citation: 'Mellor et al. 2021, "Neural Architecture Search without Training" (ICML)',
  needsData: true,
  score(input: EstimatorInput): number {
    const { xs } = requireBatch(input, 'naswot');
    const built = input.build();
    try {
      return logAbsDet(naswotKernel(built.model, xs), xs.shape[0]);
    } finally {
      built.model.dispose();
    }
  },
};
