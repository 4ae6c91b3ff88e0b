/**
 * Cross-entropy with label smoothing (Szegedy et al. 2016, "Rethinking the Inception
 * Architecture", §7): the target puts 1 - s on the true class and s / K on every class.
 */
import * as tf from '#tfjs';

/** Mean smoothed cross-entropy of a batch from logits, or from softmax probabilities (clipped). */
export function smoothedCrossEntropy(out: tf.Tensor, labels: tf.Tensor1D, numClasses: number, smoothing: number, probabilities: boolean): tf.Scalar {
  return tf.tidy(() => {
    const target = tf.add(tf.mul(tf.oneHot(labels, numClasses), 1 - smoothing), smoothing / numClasses);
    const logP = probabilities ? tf.log(tf.clipByValue(out, 1e-7, 1)) : tf.logSoftmax(out);
    return tf.neg(tf.mean(tf.sum(tf.mul(target, logP), -1))) as tf.Scalar;
  });
}

/** True when a model ends in a softmax (outputs probabilities rather than logits). */
export function endsInSoftmax(model: tf.LayersModel): boolean {
  const last = model.layers[model.layers.length - 1];
  return (last?.getConfig() as { activation?: unknown }).activation === 'softmax';
}
