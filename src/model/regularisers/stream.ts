/**
 * The random stream of a block-regulariser layer. Like drop-path's masks (src/model/drop-path.ts)
 * every draw is a tfjs random op with an explicit seed, so a layer seed fixes the whole sequence;
 * unlike drop-path the seed of a draw is (layer seed, epoch, draw within the epoch), and the
 * trainer restarts every stream at each epoch (restartStreams), so a replay resumed from an
 * epoch's checkpoint draws exactly what the uninterrupted one drew.
 */
import * as tf from '#tfjs';

/** A layer that draws from a StochasticStream. */
export interface Streamed {
  readonly stream: StochasticStream;
}

export class StochasticStream {
  private epoch = 0;
  private draws = 0;
  /** The seed of the last draw (tests recompute the draw from it). */
  last: string | undefined;

  constructor(readonly kind: string, readonly seed: number) {}

  /** The seed of the next draw: a string tfjs' seeded generators (seedrandom's alea) take as is. */
  next(): string {
    this.last = `${this.kind}:${this.seed}:${this.epoch}:${this.draws++}`;
    return this.last;
  }

  restart(epoch: number): void {
    this.epoch = epoch;
    this.draws = 0;
  }
}

const isStreamed = (l: tf.layers.Layer): l is tf.layers.Layer & Streamed => (l as Partial<Streamed>).stream instanceof StochasticStream;

/** Restarts the stream of every block-regulariser layer of `model` at `epoch`; returns how many it found. */
export function restartStreams(model: tf.LayersModel, epoch: number): number {
  let n = 0;
  for (const layer of model.layers) {
    if (isStreamed(layer)) {
      layer.stream.restart(epoch);
      n++;
    }
  }
  return n;
}

/** Uniform draws in [lo, hi), one per image: shape [n, 1, 1, 1] (broadcasts over an NHWC tensor). */
export function perImage(n: number, lo: number, hi: number, seed: string): tf.Tensor4D {
  return tf.randomUniform([n, 1, 1, 1], lo, hi, 'float32', seed) as tf.Tensor4D;
}

/** Bernoulli(p) draws of `shape`: 1 with probability p (floor(u + p), u ~ U[0, 1)). */
export function bernoulli(shape: number[], p: number, seed: string): tf.Tensor {
  return tf.tidy(() => tf.floor(tf.randomUniform(shape, p, 1 + p, 'float32', seed)));
}
