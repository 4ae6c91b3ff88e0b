/**
 * What the gradient-based estimators share: the weights they score and the loss.
 * zero-cost-nas (`foresight/pruners/p_utils.py`, get_layer_metric_array) scores the `weight`
 * of every nn.Conv2d and nn.Linear: no biases, no batch-norm parameters.
 */
import * as tf from '#tfjs';

/** Layer classes whose kernels are scored (tfjs' separable conv holds two: depthwise and pointwise). */
const SCORED = new Set(['Conv2D', 'GroupConv2D', 'AtrousConv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Dense']);

export interface ScoredWeight {
  layer: tf.layers.Layer;
  variable: tf.Variable;
}

/**
 * The trainable kernels of the conv and dense layers, in layer order. The frozen zero conv of
 * NB201's `none` op is not trainable and is skipped (zero-cost-nas' Zero op has no weight).
 */
export function scoredWeights(model: tf.LayersModel): ScoredWeight[] {
  const out: ScoredWeight[] = [];
  for (const layer of model.layers) {
    if (!SCORED.has(layer.getClassName()) || !layer.trainable) continue;
    for (const w of layer.trainableWeights) {
      if (/bias$/.test(w.originalName ?? w.name)) continue;
      out.push({ layer, variable: w.read() as tf.Variable });
    }
  }
  return out;
}

/** Mean softmax cross-entropy of logits against int labels (PyTorch's F.cross_entropy, zero-cost-nas' loss_fn). */
export function crossEntropy(logits: tf.Tensor, ys: tf.Tensor1D, numClasses: number): tf.Scalar {
  return tf.tidy(() => {
    const onehot = tf.oneHot(tf.cast(ys, 'int32'), numClasses);
    return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), -1))) as tf.Scalar;
  });
}

/** Σ |a_i · b_i| in float64 (a, b of equal length; b = null sums |a_i|). */
export function sumAbsProduct(a: ArrayLike<number>, b: ArrayLike<number> | null): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(b ? a[i] * b[i] : a[i]);
  return s;
}

/** √(Σ a_i²) in float64. */
export function l2(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** Gradients of `loss` w.r.t. the scored weights, as float32 arrays in scoredWeights order (no tensors left behind). */
export function weightGradients(weights: ScoredWeight[], loss: () => tf.Scalar): Float32Array[] {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(loss, weights.map((w) => w.variable));
    value.dispose();
    return weights.map((w) => {
      const g = grads[w.variable.name];
      return g ? (g.dataSync() as Float32Array).slice() : new Float32Array(w.variable.size);
    });
  });
}
