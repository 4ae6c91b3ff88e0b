/**
 * tfjs-layers' BatchNormalization with a fused training path: on the backends that register
 * the engine's NasBatchNorm kernels (src/engine/batchnorm-kernels.ts: cpu and onednn) a
 * training-mode call is one forward kernel and one backward kernel (its registered gradient);
 * inference, and every other backend (tfjs-node, webgl, cpu-stock), runs
 * tfjs-layers' own code. The moving statistics are updated exactly as tfjs-layers does
 * (biased batch variance, `moving -= (moving - batch)·(1 - momentum)`).
 *
 * The class keeps tfjs' class name, so a saved model is a plain BatchNormalization to anyone
 * who loads it with tf.loadLayersModel.
 */
import * as tf from '#tfjs';
import { BN_GRAD, BN_TRAIN } from '../engine/batchnorm-kernels.js';

type Kwargs = Record<string, unknown>;
interface BatchNormLayer extends tf.layers.Layer {
  axis: number | number[];
  epsilon: number;
  momentum: number;
  center: boolean;
  scale: boolean;
  gamma: tf.LayerVariable;
  beta: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}
type BatchNormClass = new (args: object) => BatchNormLayer;

const TfjsBatchNormalization = Object.getPrototypeOf(tf.layers.batchNormalization({})).constructor as BatchNormClass;

/** y, and the batch mean and variance, of a training-mode batch norm over the last axis; null where the kernels are not registered. */
export function fusedBatchNormTrain(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } | null {
  const backend = tf.getBackend();
  if (!tf.getKernel(BN_TRAIN, backend) || !tf.getKernel(BN_GRAD, backend) || x.dtype !== 'float32') return null;
  const [y, mean, variance] = tf.engine().runKernel(BN_TRAIN, { x, gamma, beta }, { epsilon }) as tf.Tensor[];
  return { y, mean, variance };
}

export class BatchNorm extends TfjsBatchNormalization {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const axes = Array.isArray(this.axis) ? this.axis : [this.axis];
    const lastAxis = axes.length === 1 && (axes[0] === -1 || axes[0] === x.rank - 1);
    if (kwargs?.training !== true || !this.center || !this.scale || !lastAxis) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const r = fusedBatchNormTrain(x, this.gamma.read(), this.beta.read(), this.epsilon);
      if (!r) return super.call(inputs, kwargs) as tf.Tensor;
      const decay = 1 - this.momentum;
      for (const [moving, batch] of [[this.movingMean, r.mean], [this.movingVariance, r.variance]] as const) {
        tf.tidy(() => {
          const orig = moving.read();
          moving.write(tf.sub(orig, tf.mul(tf.sub(orig, batch), decay)));
        });
      }
      return r.y;
    });
  }
}

/** tf.layers.batchNormalization, with the fused training path. */
export const batchNormalization = (args: object): tf.layers.Layer => new BatchNorm(args);
