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
import * as tf from '@tensorflow/tfjs';
import { batchNormalization } from './batch-norm.js';

/** Logits of the auxiliary head on the feature map `x` (NHWC). Layer names start with `aux_`. */
export function auxHead(x: tf.SymbolicTensor, numClasses: number, seed = 0): tf.SymbolicTensor {
  const side = Math.min(x.shape[1] ?? 0, x.shape[2] ?? 0);
  let y = tf.layers.reLU({ name: 'aux_relu' }).apply(x) as tf.SymbolicTensor;
  if (side >= 5) y = tf.layers.averagePooling2d({ poolSize: 5, strides: 3, padding: 'valid', name: 'aux_pool' }).apply(y) as tf.SymbolicTensor;
  y = tf.layers
    .conv2d({ filters: 128, kernelSize: 1, useBias: false, name: 'aux_conv', kernelInitializer: tf.initializers.heNormal({ seed }) })
    .apply(y) as tf.SymbolicTensor;
  y = batchNormalization({ name: 'aux_bn' }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.reLU({ name: 'aux_relu2' }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.globalAveragePooling2d({ name: 'aux_gap' }).apply(y) as tf.SymbolicTensor;
  return tf.layers.dense({ units: numClasses, name: 'aux_logits', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }).apply(y) as tf.SymbolicTensor;
}

type LayerWithNodes = tf.layers.Layer & { outboundNodes: Array<{ outboundLayer: tf.layers.Layer }> };
const consumers = (l: tf.layers.Layer) => (l as LayerWithNodes).outboundNodes.map((n) => n.outboundLayer);

/**
 * The output of a cell, found from the op outputs of its blocks (as the builder's wrapPath hook
 * sees them, by block): the sum each block's paths feed; then the one unused block's sum, or the
 * concatenation that joins the unused blocks' sums.
 */
export function cellOutput(blockPaths: tf.SymbolicTensor[][], unusedBlocks: number[]): tf.SymbolicTensor {
  const sumOf = (paths: tf.SymbolicTensor[]) => {
    const sets = paths.map((t) => consumers(t.sourceLayer as tf.layers.Layer).filter((c) => c.getClassName() === 'Add'));
    const common = sets[0]?.filter((a) => sets.every((s) => s.includes(a))) ?? [];
    if (common.length !== 1) throw new Error('auxiliary head: cannot find a block sum of the cell');
    return common[0];
  };
  const sums = unusedBlocks.map((j) => sumOf(blockPaths[j] ?? []));
  if (sums.length === 1) return sums[0].output as tf.SymbolicTensor;
  const joins = consumers(sums[0]).filter((c) => c.getClassName() === 'Concatenate' && sums.every((a) => consumers(a).includes(c)));
  if (joins.length !== 1) throw new Error('auxiliary head: cannot find the cell output');
  return joins[0].output as tf.SymbolicTensor;
}

/** Index of the last reduction cell: the 2/3-depth point of a three-stage NASNet network. */
export function lastReductionCell(cellsPerStage: number, reductions: number): number {
  return reductions * (cellsPerStage + 1) - 1;
}

/** A training model with outputs [logits, auxLogits], sharing all weights with `model`. */
export function withAuxHead(model: tf.LayersModel, anchor: tf.SymbolicTensor, numClasses: number, seed = 0): tf.LayersModel {
  const aux = auxHead(anchor, numClasses, seed);
  return tf.model({ inputs: model.inputs, outputs: [model.outputs[0], aux], name: model.name + '_with_aux' });
}
