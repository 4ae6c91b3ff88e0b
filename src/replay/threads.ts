/**
 * How many engine threads a long training should use, found by timing it. More threads are not
 * always faster: on this project's 2-core machines the best searched cell at replay size trains at
 * 69.0 images/s on one oneDNN thread and 57.5 on two (its convolutions and batch norms get slower
 * when both cores share the vector units and memory bandwidth). So before a replay we time a few
 * training steps of a throwaway copy of the network at 1, 2, 4, … and all cores, and keep the
 * fastest. The copy leaves the real network's weights, statistics and random streams untouched,
 * so the replay trains exactly as it would with that count given by --threads.
 */
import * as tf from '@tensorflow/tfjs';

export interface ThreadRate {
  threads: number;
  imagesPerSec: number;
}

export interface ThreadProbe {
  /** Builds a fresh copy of the network (disposed after the probe). */
  build: () => tf.LayersModel;
  inputShape: number[];
  numClasses: number;
  batchSize: number;
  maxThreads: number;
  setThreads: (n: number) => void;
  /** Timed steps per candidate, after one untimed warm-up step. */
  steps?: number;
}

/** 1, 2, 4, … below max, then max. */
export function threadCandidates(max: number): number[] {
  const out: number[] = [];
  for (let n = 1; n < max; n *= 2) out.push(n);
  out.push(max);
  return out;
}

/** Times each candidate; leaves the engine at the fastest and returns it with every rate. */
export function probeThreads(p: ThreadProbe): { threads: number; rates: ThreadRate[] } {
  const model = p.build();
  const x = tf.randomNormal([p.batchSize, ...p.inputShape]);
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([p.batchSize], 0, p.numClasses, 'int32'), p.numClasses));
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
      value.dataSync();
      tf.dispose(Object.values(grads));
    });
  const steps = p.steps ?? 2;
  const rates: ThreadRate[] = [];
  try {
    for (const threads of threadCandidates(p.maxThreads)) {
      p.setThreads(threads);
      step();
      const started = performance.now();
      for (let i = 0; i < steps; i++) step();
      rates.push({ threads, imagesPerSec: (steps * p.batchSize) / ((performance.now() - started) / 1000) });
    }
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
  const best = rates.reduce((a, b) => (b.imagesPerSec > a.imagesPerSec ? b : a));
  p.setThreads(best.threads);
  return { threads: best.threads, rates };
}
