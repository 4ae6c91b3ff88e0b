/**
 * The gradient of one batch (or one shard of it): forward in training mode, the smoothed
 * cross-entropy of the logits (plus the weighted auxiliary head's), backward to `vars`. The loop
 * and each data-parallel replica (src/training/replicas/) compute it with this one function.
 */
import * as tf from '#tfjs';
import type { TrainingSettings } from './loop.js';
import { smoothedCrossEntropy } from './loss.js';

export interface BatchGradients {
  /** The mean loss over the batch. */
  value: tf.Scalar;
  /** Images classified right (kept: the caller disposes). */
  correct: tf.Scalar;
  grads: tf.NamedTensorMap;
}

export function batchGradients(
  trainModel: tf.LayersModel, vars: tf.Variable[], xs: tf.Tensor4D, ys: tf.Tensor1D, numClasses: number,
  s: Pick<TrainingSettings, 'labelSmoothing' | 'auxWeight'>, probabilities: boolean,
): BatchGradients {
  let correct: tf.Scalar | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const outs = trainModel.apply(xs, { training: true }) as tf.Tensor | tf.Tensor[];
    const [main, aux] = Array.isArray(outs) ? outs : [outs];
    correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(main, -1), ys), 'float32')) as tf.Scalar);
    let loss = smoothedCrossEntropy(main, ys, numClasses, s.labelSmoothing, probabilities);
    if (aux && s.auxWeight > 0) loss = tf.add(loss, tf.mul(smoothedCrossEntropy(aux, ys, numClasses, s.labelSmoothing, false), s.auxWeight));
    return loss as tf.Scalar;
  }, vars);
  return { value, correct: correct!, grads };
}

/** The tensors of a BatchGradients, for one tf.dispose. */
export const gradientTensors = (g: BatchGradients): tf.Tensor[] => [g.value, g.correct, ...Object.values(g.grads)];
