/**
 * Loading a saved child model: registers the custom layers first (see ./layers/index.ts),
 * then calls tf.loadLayersModel.
 */
import * as tf from '#tfjs';
import './layers/index.js';

/** Loads a model saved with model.save(url); `url` is any tfjs IO url or handler. */
export async function loadModel(url: string | tf.io.IOHandler): Promise<tf.LayersModel> {
  return tf.loadLayersModel(url);
}
