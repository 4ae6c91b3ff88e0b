/**
 * A piscina worker of the table study: scores a chunk of NB201 cells with the data-free
 * estimators. The backend and the space are set up once per thread.
 */
import * as tf from '#tfjs';
import type { MacroSettings, SearchSpace } from '../space/types.js';
import { selectBackend } from '../engine/backend.js';
import { getEstimator } from '../estimators/index.js';
import { buildModel } from '../model/build.js';
import { loadSpace } from '../space/load.js';

export interface StudyChunk {
  archs: string[];
  estimators: string[];
  space: string;
  macro: MacroSettings;
  inputShape: [number, number, number];
  numClasses: number;
  seed: number;
  backend: string;
  threads: number;
}

export interface ChunkScores {
  /** scores[e][i]: estimator e on archs[i]. */
  scores: number[][];
  /** seconds[e]: summed wall time of estimator e over the chunk (build + score). */
  seconds: number[];
  backend: string;
  /** Live tensors after the chunk: constant from chunk to chunk unless something leaks. */
  liveTensors: number;
}

let backend: { requested: string; name: string } | undefined;
const spaces = new Map<string, SearchSpace>();

export function scoreChunk(c: StudyChunk, backendName: string): ChunkScores {
  let space = spaces.get(c.space);
  if (!space) spaces.set(c.space, (space = loadSpace(c.space)));
  const sp = space;
  const estimators = c.estimators.map(getEstimator);
  const scores = estimators.map(() => new Array<number>(c.archs.length));
  const seconds = estimators.map(() => 0);
  c.archs.forEach((arch, i) => {
    const genotype = { space: 'nas-bench-201' as const, arch };
    const input = {
      inputShape: c.inputShape,
      numClasses: c.numClasses,
      build: (o: { batchNorm?: boolean } = {}) => buildModel(sp, genotype, c.macro, { inputShape: c.inputShape, numClasses: c.numClasses, seed: c.seed, batchNorm: o.batchNorm }),
    };
    estimators.forEach((e, j) => {
      const t0 = performance.now();
      scores[j][i] = e.score(input);
      seconds[j] += (performance.now() - t0) / 1000;
    });
  });
  return { scores, seconds, backend: backendName, liveTensors: tf.memory().numTensors };
}

export default async function run(c: StudyChunk): Promise<ChunkScores> {
  if (!backend || backend.requested !== c.backend) {
    const chosen = await selectBackend(c.backend, { threads: c.threads });
    backend = { requested: c.backend, name: chosen.name };
  }
  return scoreChunk(c, backend.name);
}
