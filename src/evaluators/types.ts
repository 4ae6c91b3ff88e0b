/**
 * What an evaluator is given and returns: a TrainTask (plain JSON: it crosses threads and machines) and
 * a TrialResult. Evaluators (pool, table, queue, zero-cost) train or look up children; src/evaluators/index.ts lists them.
 */
import type { Fidelity } from '../training/fidelity.js';
import type { Genotype, MacroSettings } from '../space/types.js';
import type { Latency, LatencySettings } from '../model/latency.js';
import type { Constraints } from '../objectives/objectives.js';
import type { RegulariserSettings } from '../model/regularisers/index.js';

/** How a child's latency is measured: the settings, and the network it is measured on. */
export interface LatencyTask extends LatencySettings {
  /** The network timed: the child's own (its fidelity) or the replay network `nas train` would deploy. */
  network: 'search' | 'replay';
  /** The replay network's macro (network 'replay'). */
  replayMacro?: MacroSettings;
  /** The replay network's input [H, W, C]: the dataset's own size (the child's is its fidelity's). */
  replayInput?: [number, number, number];
}

/** Settings of the proxy task children are trained on. */
export interface ProxySettings {
  /** Images taken from the training split for training (0 = all but the validation images). */
  trainSize: number;
  /** Images taken from the training split for validation (never the test split). */
  valSize: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Side of the (square) input after resizing; 0 = the dataset's own. */
  imageSize: number;
}

/** Everything a worker needs to train one child. Plain JSON: crosses threads and machines. */
export interface TrainTask {
  runId: number;
  trialId: number;
  genotype: Genotype;
  /** Absolute path of the search space file. */
  spaceFile: string;
  macro: MacroSettings;
  proxy: ProxySettings;
  /** Dataset name or path, as given on the command line. */
  dataset: string;
  /** Content hash of the dataset the search was started with; a worker with other data refuses. */
  datasetHash?: string;
  seed: number;
  /** Requested backend ('auto' | 'gpu' | 'node' | 'onednn' | 'cpu'). */
  backend: string;
  /** Multi-fidelity runs: the rung this task trains (0 = the cheapest) and its fidelity (overrides macro and proxy). */
  rung?: number;
  fidelity?: Fidelity;
  /** The trained state (base64 of src/training/state.ts) of the rung this promotion continues. */
  from?: string;
  /** Return the trained state with the result: a higher rung will continue it. */
  keepState?: boolean;
  /** A block regulariser in the child's NASNet blocks (a child it cannot apply to fails, saying why). */
  regulariser?: RegulariserSettings;
  /** Measure the child's inference latency before training it (first rung only). */
  latency?: LatencyTask;
  /** Refuse (do not train) a child that breaks one: `--max-params`, `--max-mult-adds`, `--max-latency-ms`. */
  constraints?: Constraints;
  /** Score with this zero-cost estimator instead of training (src/estimators/): the zero-cost evaluator and the warm-up. */
  estimator?: string;
}

export interface TrialMetrics {
  valAccuracy: number;
  valLoss: number;
  trainAccuracy: number;
  trainLoss: number;
  params: number;
  multAdds: number;
  /** Wall time of the child, seconds (simulated cost for tabular evaluators). */
  seconds: number;
  imagesPerSec: number;
  backend: string;
  epochs: number;
  /** Where it ran (host/worker), for the dashboard. */
  worker?: string;
  /** Inference latency measured in the worker before training (--latency-backend …). */
  latency?: Latency;
  /** The same re-measured in the quiet pass after the search (the front's members). */
  quietLatency?: Latency;
  /** Extra columns (tabular evaluators: the other columns of the row). */
  extra?: Record<string, number | string>;
}

export interface TrialResult {
  trialId: number;
  status: 'complete' | 'failed';
  /** The reward the strategy sees (validation accuracy in [0, 1]); null when failed. */
  reward: number | null;
  metrics?: TrialMetrics;
  error?: string;
  /** Refused by a constraint before training: not a child of the budget. */
  rejected?: boolean;
  /** The trained state (base64), when the task asked to keep it. */
  state?: string;
}

/** Progress of one child, sent from a worker to the main thread (throttled). */
export interface TrialProgress {
  trialId: number;
  worker: string;
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  imagesPerSec: number;
}

/** Trains (or looks up) children. The search loop keeps `capacity` tasks in flight. */
export interface Evaluator {
  readonly name: string;
  readonly capacity: number;
  evaluate(task: TrainTask, onProgress?: (p: TrialProgress) => void, signal?: AbortSignal): Promise<TrialResult>;
  close(): Promise<void>;
}
