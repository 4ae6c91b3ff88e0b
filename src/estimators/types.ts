/** The contract every zero-cost estimator keeps (src/estimators/index.ts lists them). */
import type * as tf from '#tfjs';
import type { BuiltModel } from '../model/build.js';

export interface EstimatorInput {
  /**
   * Builds the untrained network (fixed seed); `batchNorm: false` leaves BN out (synflow).
   * Every call builds a fresh network; the estimator disposes what it builds.
   */
  build(opts?: { batchNorm?: boolean }): BuiltModel;
  /** [height, width, channels] of one image. */
  inputShape: [number, number, number];
  numClasses: number;
  /** Normalised training images and int32 labels, for the data-dependent estimators; the caller disposes them. */
  batch?: { xs: tf.Tensor4D; ys: tf.Tensor1D };
}

export interface Estimator {
  name: string;
  /** The paper the score comes from. */
  citation: string;
  /** True when score() needs `input.batch`. */
  needsData: boolean;
  /**
   * Higher = predicted better. Finite; -Infinity where a log-score's argument is exactly 0 (it
   * ranks below every other cell, as the raw score 0 would); NaN when it cannot be computed
   * (each estimator says when).
   */
  score(input: EstimatorInput): number;
}

/** The batch of a data-dependent estimator; throws (a programming error) when the caller gave none. */
export function requireBatch(input: EstimatorInput, name: string): { xs: tf.Tensor4D; ys: tf.Tensor1D } {
  if (!input.batch) throw new Error(`estimator ${name} needs a batch of training images`);
  return input.batch;
}
