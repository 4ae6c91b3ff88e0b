/**
 * The in-memory shape of an image-classification dataset. Pixels stay as bytes (NHWC,
 * 0..255) until the trainer builds a batch: 10k Fashion-MNIST images are 7.8 MB this way
 * instead of 31 MB as float32, which matters when every worker thread holds a copy.
 */

/** Per-channel statistics of pixel values scaled to [0, 1], used to normalise inputs. */
export interface Normalization {
  mean: number[];
  std: number[];
}

/** A set of labelled images, NHWC bytes. */
export interface Split {
  /** count * height * width * channels bytes, NHWC. */
  images: Uint8Array;
  /** count class indices in 0..numClasses-1. */
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
  /**
   * Normalisation to apply (the training split's statistics, so train, validation and test
   * are shifted identically). Absent: the trainer computes it from the split it trains on.
   */
  norm?: Normalization;
}

/** A loaded dataset: a train and a test split of the same image shape. */
export interface Dataset {
  /** The name it was loaded by (e.g. "default", "cifar10:/data/cifar"). */
  name: string;
  /** Short sha256 of the decoded content (shapes, pixels and labels of both splits). */
  hash: string;
  height: number;
  width: number;
  channels: number;
  numClasses: number;
  classNames: string[];
  train: Split;
  test: Split;
}
