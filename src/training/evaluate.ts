/**
 * Accuracy and mean cross-entropy of a model on a split, in inference mode: the validation score of a
 * search child and the test score of a replay.
 */
import * as tf from '#tfjs';
import { UserError } from '../core/errors.js';
import { channelStats } from '../data/normalize.js';
import type { Split } from '../data/types.js';
import { gatherBatch } from './batches.js';
import { endsInSoftmax, smoothedCrossEntropy } from './loss.js';

/**
 * `batchSize` images at a time, normalised with `split.norm` (the training statistics, set by
 * loadDataset) or else the split's own. Throws when the model's input or classes do not fit the split.
 */
export function evaluate(model: tf.LayersModel, split: Split, batchSize = 256): { accuracy: number; loss: number } {
  if (split.count === 0) throw new UserError('no images to evaluate on: the split is empty');
  const numClasses = outputClasses(model);
  checkShapes(model, split, numClasses);
  const norm = split.norm ?? channelStats(split);
  const probabilities = endsInSoftmax(model);
  const { height: h, width: w, channels: c } = split;
  let lossSum = 0;
  let correctSum = 0;
  for (let start = 0; start < split.count; start += batchSize) {
    const end = Math.min(start + batchSize, split.count);
    const idx = Int32Array.from({ length: end - start }, (_, i) => start + i);
    const { x, y } = gatherBatch(split, idx, norm);
    const [loss, correct] = tf.tidy(() => {
      const ys = tf.tensor1d(y, 'int32');
      const out = model.predict(tf.tensor4d(x, [idx.length, h, w, c])) as tf.Tensor2D;
      return [smoothedCrossEntropy(out, ys, numClasses, 0, probabilities), tf.sum(tf.cast(tf.equal(tf.argMax(out, -1), ys), 'float32'))];
    });
    lossSum += loss.dataSync()[0] * idx.length;
    correctSum += correct.dataSync()[0];
    tf.dispose([loss, correct]);
  }
  return { accuracy: correctSum / split.count, loss: lossSum / split.count };
}

export function outputClasses(model: tf.LayersModel): number {
  const shape = model.outputs[0].shape;
  return shape[shape.length - 1] as number;
}

/** The model fits the images and the classes: one output of `numClasses`, input of the split's shape. */
export function checkShapes(model: tf.LayersModel, split: Pick<Split, 'height' | 'width' | 'channels'>, numClasses: number): void {
  if (model.outputs.length !== 1) throw new Error(`expected a model with one output (class scores), it has ${model.outputs.length}`);
  const [, h, w, c] = model.inputs[0].shape;
  if (h !== split.height || w !== split.width || c !== split.channels) {
    throw new Error(`model input is ${h}x${w}x${c} but the images are ${split.height}x${split.width}x${split.channels}`);
  }
  const classes = outputClasses(model);
  if (classes !== numClasses) throw new Error(`model outputs ${classes} classes but the data has ${numClasses}`);
}
