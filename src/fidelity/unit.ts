/**
 * One unit of a fidelity study: a cell scored by one estimator at one seed. Plain JSON, so it crosses
 * into the worker threads that compute it (src/fidelity/worker.ts).
 */
import type { Genotype } from '../space/types.js';
import type { Fidelity } from '../training/fidelity.js';

/**
 * What scores a cell. 'trained': trained at `fidelity` and scored by its protocol (the reference is
 * one); 'static': counted on the untrained network ('params', 'mult-adds'); 'zero-cost': a
 * zero-cost estimator of src/estimators/ on the untrained network.
 */
export interface EstimatorSpec {
  name: string;
  kind: 'trained' | 'static' | 'zero-cost';
  fidelity?: Fidelity;
}

export interface UnitTask {
  cellId: number;
  genotype: Genotype;
  spaceFile: string;
  dataset: string;
  datasetHash: string;
  estimator: EstimatorSpec;
  /** The network and input that 'static' and 'zero-cost' estimators score: the reference's. */
  reference: Fidelity;
  seed: number;
  backend: string;
  threads: number;
}

/** Where a long training is (1-based epoch and batch), sent from the worker now and then. */
export interface UnitProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  imagesPerSec: number;
}

export interface UnitResult {
  status: 'complete' | 'failed';
  value: number | null;
  /** CPU seconds of the thread that computed it (the unit's cost, whatever else runs). */
  cpuSeconds: number | null;
  seconds: number;
  metrics: Record<string, number | string>;
  error: string | null;
}

/** The name a unit is stored under: 'reference', 'proxy:<name>', or the estimator's own name. */
export const REFERENCE = 'reference';
