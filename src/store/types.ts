/**
 * The store's public shapes. One SQLite file (better-sqlite3, WAL) holds everything a run
 * needs to resume: its config, trials with lineage, the strategy's state, learning curves.
 * The search's main thread is the only writer; dashboards open it read-only.
 */
import type { Genotype, MacroSettings, Mutation } from '../space/types.js';
import type { Ladder } from '../search/ladder.js';
import type { WarmupRecord, WarmupSpec } from '../search/warmup.js';
import type { LatencyTask, ProxySettings, TrialMetrics, TrialProgress } from '../evaluators/types.js';
import type { ObjectivesConfig } from '../objectives/objectives.js';
import type { RegulariserSettings } from '../model/regularisers/index.js';

export type RunStatus = 'running' | 'complete' | 'interrupted' | 'failed';
export type TrialStatus = 'running' | 'complete' | 'failed' | 'interrupted';

/** Everything needed to resume a run exactly as it was started. Plain JSON. */
export interface RunConfig {
  strategy: string;
  strategyOptions: Record<string, number | string | boolean>;
  /** Search space name as given (e.g. "nasnet") and its resolved file. */
  space: string;
  spaceFile: string;
  dataset: string;
  datasetHash?: string;
  seed: number;
  /** Number of trials (children) to evaluate. */
  budget: number;
  /** Optional budget in (simulated) seconds: the sum of trial seconds. */
  budgetSeconds?: number;
  /** Optional budget in CPU seconds of the training threads (every rung counts): equal-cost comparisons. */
  budgetCpuSeconds?: number;
  /** Multi-fidelity: the rungs of successive halving or Hyperband (`--fidelity`); absent = one fidelity. */
  ladder?: Ladder;
  /** Zero-cost warm-up (`--warmup`): asked for, then what it did. */
  warmup?: WarmupSpec | WarmupRecord;
  /** Multi-objective search (`--objectives`, `--max-…`); absent = accuracy alone. */
  objectives?: ObjectivesConfig;
  /** A block regulariser in every child's NASNet blocks (`--regulariser`; src/model/regularisers/). */
  regulariser?: RegulariserSettings;
  /** Measure every child's latency (`--latency-backend`; implied by a latency objective or constraint). */
  latency?: LatencyTask;
  workers: number;
  backend: string;
  macro: MacroSettings;
  proxy: ProxySettings;
  /** 'pool' (piscina), 'table' (tabular lookup), 'queue' (BullMQ) and their settings. */
  evaluator: { kind: string; [k: string]: unknown };
  allowDuplicates?: boolean;
  withBaselines?: boolean;
}

export interface RunRow {
  id: number;
  status: RunStatus;
  config: RunConfig;
  createdAt: string;
  updatedAt: string;
  /** The backend actually used (after 'auto' resolved), once known. */
  backend: string | null;
  /** The process that started or last resumed it, "host:pid:start" (src/store/owner.ts). */
  owner: string | null;
}

/** A run with its counts, for `nas runs`. */
export interface RunSummary extends RunRow {
  trials: number;
  completed: number;
  failed: number;
  best: number | null;
}

export interface TrialRow {
  id: number;
  runId: number;
  /** 1-based order within its run. */
  number: number;
  key: string;
  genotype: Genotype;
  status: TrialStatus;
  reward: number | null;
  metrics: TrialMetrics | null;
  params: number | null;
  multAdds: number | null;
  seconds: number | null;
  error: string | null;
  /** Lineage: the trial this one was born from, and by what mutation. */
  parentId: number | null;
  mutation: Mutation | null;
  origin: string;
  /** Set for hand-designed baselines trained in the run (e.g. "resnet"). */
  baseline: string | null;
  /** Highest rung with a result (multi-fidelity runs); null in a single-fidelity run. */
  rung: number | null;
  worker: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface NewTrial {
  runId: number;
  genotype: Genotype;
  key: string;
  parentId?: number | null;
  mutation?: Mutation | null;
  origin: string;
  baseline?: string | null;
}

/** One point of a learning curve (replays and, optionally, children). */
export interface CurvePoint {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss?: number | null;
  valAccuracy?: number | null;
  seconds: number;
}

/** A full-training replay of a cell (`nas train`). */
export interface ReplayRow {
  id: number;
  runId: number | null;
  trialId: number | null;
  /** What was trained: "trial 17", "baseline resnet", a genotype file. */
  label: string;
  genotype: Genotype;
  config: unknown;
  status: 'running' | 'complete' | 'interrupted' | 'failed';
  testAccuracy: number | null;
  params: number | null;
  multAdds: number | null;
  seconds: number | null;
  backend: string | null;
  checkpointDir: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** The process that started or last resumed it, "host:pid:start" (src/store/owner.ts). */
  owner: string | null;
}

/** Live progress of one worker, written (throttled) by the search so that an attached dashboard can show it. */
export interface WorkerProgressRow extends TrialProgress {
  runId: number;
  updatedAt: string;
}

/** A replay to record before training starts (`nas train`); it begins as 'running'. */
export interface NewReplay {
  runId?: number | null;
  trialId?: number | null;
  label: string;
  genotype: Genotype;
  config: unknown;
  checkpointDir?: string | null;
}

/** Whose learning curve: a replay's or a trial's (exactly one of the two). */
export interface CurveOwner {
  replayId?: number;
  trialId?: number;
}

/** What setWorkerProgress takes: the store stamps updatedAt itself. */
export type NewWorkerProgress = Omit<WorkerProgressRow, 'updatedAt'>;

/** One rung of a trial in a multi-fidelity run (its trained state is read apart: rungState). */
export interface RungRow {
  trialId: number;
  rung: number;
  status: TrialStatus;
  reward: number | null;
  metrics: TrialMetrics | null;
  seconds: number | null;
  cpuSeconds: number | null;
  error: string | null;
  worker: string | null;
  hasState: boolean;
  createdAt: string;
  finishedAt: string | null;
}
