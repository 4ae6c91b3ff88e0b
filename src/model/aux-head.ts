/**
 * The auxiliary classifier of NASNet replays (Szegedy et al. 2015, GoogLeNet §5; used at 2/3
 * of the depth by Zoph et al. 2018, appendix A.1, and DARTS' AuxiliaryHeadCIFAR): a side
 * branch whose loss, weighted (0.4 in NASNet/DARTS), strengthens the gradients of the lower
 * cells. Only the training model has it; the saved model is the plain one.
 *
 *   ReLU -> avg pool 5x5 stride 3 -> conv 1x1 (128) -> BN -> ReLU -> global avg pool -> dense
 * NOTE: DARTS follows the 1x1 conv with a 2x2 conv to 768 channels over the 2x2 map left by
 * the pool of an 8x8 input; 28x28 inputs leave 7x7 (pooled to 1x1), so we pool globally and
 * go straight to the classifier.
 */
import * as tf from '#tfjs';
import { UserError } from '../core/errors.js';
import { batchNormalization } from './batch-norm.js';
import { initializerSeed } from './context.js';

/** Logits of the auxiliary head on the feature map `x` (NHWC). Layer names start with `aux_`. */
export function auxHead(x: tf.SymbolicTensor, numClasses: number, seed = 0): tf.SymbolicTensor {
  const side = Math.min(x.shape[1] ?? 0, x.shape[2] ?? 0);
  let y = tf.layers.reLU({ name: 'aux_relu' }).apply(x) as tf.SymbolicTensor;
  if (side >= 5) y = tf.layers.averagePooling2d({ poolSize: 5, strides: 3, padding: 'valid', name: 'aux_pool' }).apply(y) as tf.SymbolicTensor;
  y = tf.layers
    .conv2d({ filters: 128, kernelSize: 1, useBias: false, name: 'aux_conv', kernelInitializer: tf.initializers.heNormal({ seed: initializerSeed(seed) }) })
    .apply(y) as tf.SymbolicTensor;
  y = batchNormalization({ name: 'aux_bn' }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.reLU({ name: 'aux_relu2' }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.globalAveragePooling2d({ name: 'aux_gap' }).apply(y) as tf.SymbolicTensor;
  return tf.layers.dense({ units: numClasses, name: 'aux_logits', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }).apply(y) as tf.SymbolicTensor;
}

/**
 * Index (as the builder's onCell hook counts cells) of the last reduction cell: the 2/3-depth point
 * of a three-stage NASNet network. With `fractalColumns` C each normal cell is 2^C - 1 cells.
 */
export function lastReductionCell(cellsPerStage: number, reductions: number, fractalColumns = 1): number {
  return reductions * (cellsPerStage * (2 ** fractalColumns - 1) + 1) - 1;
}

/**
 * A training model with outputs [logits, auxLogits], sharing all weights with `model`; `anchor`
 * is a cell output (the builder's onCell hook). UserError when that cell feeds nothing (a genotype
 * whose next cells read only h[i-2] leaves it out of the network).
 */
export function withAuxHead(model: tf.LayersModel, anchor: tf.SymbolicTensor, numClasses: number, seed = 0): tf.LayersModel {
  if (!model.layers.includes(anchor.sourceLayer as tf.layers.Layer)) {
    throw new UserError('--aux-weight: the cell at 2/3 depth feeds nothing in this network (the next cells read only h[i-2]); use --aux-weight 0');
  }
  const aux = auxHead(anchor, numClasses, seed);
  return tf.model({ inputs: model.inputs, outputs: [model.outputs[0], aux], name: model.name + '_with_aux' });
}
