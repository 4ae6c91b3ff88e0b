/**
 * The few concepts every part of nas shares. Small on purpose: a strategy never
 * sees a network, a trainer never chooses, the store is the only writer.
 *
 *   SearchSpace  — a parsed, validated data file (search-spaces/*.json)
 *   Genotype     — the one JSON representation of an architecture, with a canonical key
 *   Strategy     — ask() / tell() / state() / restore()
 *   Evaluator    — (task) => Promise<TrialResult>: piscina pool, tabular lookup, remote queue
 *   SearchEvent  — what the dashboard and the plain logger consume
 */

/** A seeded generator in [0, 1): always a `seedrandom` prng, so a seed fixes a search. */
export type Rng = () => number;

// ---------------------------------------------------------------- genotypes

/** One block of a NASNet cell: two (input, op) pairs whose results are added. */
export interface NasnetBlock {
  /** 0 = h[i-2] (the cell before the previous), 1 = h[i-1] (previous cell), 2 + j = output of block j. */
  inputs: [number, number];
  ops: [string, string];
}

/** A NASNet-style architecture: a normal and a reduction cell (Zoph et al. 2018). */
export interface NasnetGenotype {
  space: 'nasnet';
  normal: NasnetBlock[];
  reduce: NasnetBlock[];
}

/**
 * A NAS-Bench-201 cell (Dong & Yang 2020): 4 nodes, 6 edges, in the standard order
 * 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2. `arch` is the standard string
 * `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`.
 */
export interface Nb201Genotype {
  space: 'nas-bench-201';
  arch: string;
}

export type Genotype = NasnetGenotype | Nb201Genotype;
export type SpaceFamily = Genotype['space'];

/** How a child was derived from its parent (AmoebaNet mutations: change one op, change one input). */
export interface Mutation {
  kind: 'op' | 'input' | 'identity' | string;
  /** Human-readable: e.g. "normal block 2 op 1: sep_conv_3x3 -> max_pool_3x3". */
  detail: string;
}

/** One categorical choice in a genotype, in the order a controller emits them. */
export interface Decision {
  name: string;
  kind: 'input' | 'op';
  /** Number of options; inputs of block b have 2 + b options. */
  options: number;
  /** Block / node index, for progressive (PNAS) search. */
  stage: number;
  /** Which cell the decision belongs to ('normal' | 'reduce' | 'cell'). */
  cell: string;
  /** Option labels (op names, or input names like "h[i-1]", "block 0"). */
  labels: string[];
}

/** A loaded, validated search space. Its genotypes are plain JSON. */
export interface SearchSpace {
  readonly name: string;
  readonly family: SpaceFamily;
  /** The file it was loaded from (absolute path), for messages and for workers to reload. */
  readonly file: string;
  /** Allowed operation names, each a key of the op registry. */
  readonly ops: readonly string[];
  /** B: blocks per cell (NASNet) or intermediate nodes (NAS-Bench-201: 3). */
  readonly blocks: number;
  /** Macro settings the file recommends for proxy training (see MacroSettings). */
  readonly macro: MacroSettings;

  /** The decisions of a genotype with `stages` blocks (default: all). */
  decisions(stages?: number): Decision[];
  /** Genotype -> choice indices, one per decision, in decisions() order. */
  encode(g: Genotype): number[];
  /** Choice indices -> genotype; the length selects the number of stages. Throws on out-of-range. */
  decode(choices: number[]): Genotype;
  /** Number of blocks the genotype uses (PNAS grows cells one block at a time). */
  stagesOf(g: Genotype): number;
  /** Canonical key for de-duplication: a block's two (input, op) pairs are unordered. */
  key(g: Genotype): string;
  /** Checks an untrusted value; returns the canonical genotype or throws SpaceError naming the fault. */
  validate(g: unknown): Genotype;
  /** A uniformly random genotype (all choices drawn from rng). */
  sample(rng: Rng, stages?: number): Genotype;
  /** One AmoebaNet mutation (op or input), never the identity unless nothing else exists. */
  mutate(g: Genotype, rng: Rng): { genotype: Genotype; mutation: Mutation };
  /** A short one-line rendering for logs and tables. */
  describe(g: Genotype): string;
}

// ---------------------------------------------------------------- training

/** The network around the cells: NASNet's "N cells per stage, reductions between stages". */
export interface MacroSettings {
  /** Channels of the stem convolution. */
  stemChannels: number;
  /** Filters of the first stage's cells (F in the NASNet paper). */
  filters: number;
  /** Normal cells per stage (N). */
  cellsPerStage: number;
  /** Reduction cells (stages = reductions + 1). */
  reductions: number;
  /** Filters multiply by this after every reduction (2 in NASNet). */
  filterMultiplier: number;
  /** Scheduled drop-path probability at the end of training (0 = off). */
  dropPath?: number;
  /** Auxiliary head weight (0 = off). */
  auxWeight?: number;
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

// ---------------------------------------------------------------- strategies

/** What a strategy proposes; parent and mutation become the trial's lineage. */
export interface Proposal {
  genotype: Genotype;
  /** Trial id of the parent (mutation-based strategies). */
  parentId?: number | null;
  mutation?: Mutation | null;
  /** 'random' | 'mutation' | 'controller' | 'predictor' | 'baseline' ... */
  origin: string;
}

/** A finished trial, told back to the strategy that proposed it. */
export interface Observation {
  trialId: number;
  genotype: Genotype;
  /** null when the child failed or its reward is not a finite number: skip it. */
  reward: number | null;
}

/**
 * A search strategy (Optuna's sampler / NNI's strategy). `ask()` returns undefined when it
 * cannot propose anything until more results arrive (or it has exhausted the space).
 * state()/restore() round-trip through JSON so a run resumes with the same next proposals.
 */
export interface Strategy {
  readonly name: string;
  ask(): Proposal | undefined;
  tell(obs: Observation): void;
  state(): unknown;
  restore(state: unknown): void;
  /** Optional resource release (tfjs variables of controllers / predictors). */
  dispose?(): void;
}

export interface StrategyContext {
  space: SearchSpace;
  seed: number;
  /** Strategy options from the command line, already parsed. */
  options: Record<string, number | string | boolean>;
  /** Allow duplicate proposals (default false). */
  allowDuplicates?: boolean;
  /** Log lines a strategy wants to show (e.g. SMBO's rank correlation per round). */
  log?: (line: string) => void;
}

// ---------------------------------------------------------------- events

export type SearchEvent =
  | { type: 'start'; runId: number; strategy: string; space: string; backend: string; workers: number; budget: number; resumed: boolean }
  | { type: 'trial-start'; runId: number; trialId: number; key: string; genotype: Genotype; parentId: number | null; worker?: string }
  | { type: 'progress'; runId: number; progress: TrialProgress }
  | { type: 'trial-end'; runId: number; trialId: number; result: TrialResult; done: number; budget: number; best: number | null }
  | { type: 'log'; runId: number; line: string }
  | { type: 'paused'; runId: number; paused: boolean }
  | { type: 'end'; runId: number; status: 'complete' | 'interrupted' | 'failed'; done: number };

/** A bad-input error: the CLI prints its message on one line and exits with status 2. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
