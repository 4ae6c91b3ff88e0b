/**
 * Row mappers: SQLite rows (snake_case, JSON text) to the store's typed shapes (camelCase, parsed
 * objects). The only place that knows column names on the way out, and where what is read is
 * checked: JSON that does not parse, or has the wrong shape, is a DamagedRowError (row-shapes.ts).
 */
import type { Mutation } from '../space/types.js';
import type { TrialMetrics } from '../evaluators/types.js';
import { checkGenotype, checkObjectOrNull, checkRunConfig, checkStatus, parseJsonColumn } from './row-shapes.js';
import type { CurvePoint, ReplayRow, RungRow, RunRow, RunStatus, RunSummary, TrialRow, TrialStatus, WorkerProgressRow } from './types.js';

const RUN_STATUSES: readonly RunStatus[] = ['running', 'complete', 'interrupted', 'failed'];
const TRIAL_STATUSES: readonly TrialStatus[] = ['running', 'complete', 'failed', 'interrupted'];

/** Value -> JSON column; undefined/null become NULL. */
export function toJson(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** A number fit for a REAL/INTEGER column: NaN and ±Infinity become NULL. */
export function finiteOrNull(x: number | null | undefined): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

export interface RunRecord {
  id: number;
  status: string;
  config: string;
  backend: string | null;
  created_at: string;
  updated_at: string;
  /** Absent in a schema-1 store read as it is. */
  owner?: string | null;
}

export function toRun(r: RunRecord): RunRow {
  return {
    id: r.id,
    status: checkStatus(r.status, RUN_STATUSES, `run ${r.id}`),
    config: checkRunConfig(parseJsonColumn(r.config, `the config of run ${r.id}`), `the config of run ${r.id}`),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    backend: r.backend,
    owner: r.owner ?? null,
  };
}

export interface RunSummaryRecord extends RunRecord {
  trials: number;
  completed: number;
  failed: number;
  best: number | null;
}

export function toRunSummary(r: RunSummaryRecord): RunSummary {
  return { ...toRun(r), trials: r.trials, completed: r.completed, failed: r.failed, best: r.best };
}

export interface TrialRecord {
  id: number;
  run_id: number;
  number: number;
  key: string;
  genotype: string;
  status: string;
  reward: number | null;
  metrics: string | null;
  params: number | null;
  mult_adds: number | null;
  seconds: number | null;
  error: string | null;
  parent_id: number | null;
  mutation: string | null;
  origin: string;
  baseline: string | null;
  worker: string | null;
  created_at: string;
  finished_at: string | null;
  /** Absent in a store before schema 4 read as it is. */
  rung?: number | null;
}

export function toTrial(r: TrialRecord): TrialRow {
  const what = `trial ${r.id}`;
  return {
    id: r.id,
    runId: r.run_id,
    number: r.number,
    key: r.key,
    genotype: checkGenotype(parseJsonColumn(r.genotype, `the genotype of ${what}`), `the genotype of ${what}`),
    status: checkStatus(r.status, TRIAL_STATUSES, what),
    reward: r.reward,
    metrics: checkObjectOrNull<TrialMetrics>(parseJsonColumn(r.metrics, `the metrics of ${what}`), `the metrics of ${what}`),
    params: r.params,
    multAdds: r.mult_adds,
    seconds: r.seconds,
    error: r.error,
    parentId: r.parent_id,
    mutation: checkObjectOrNull<Mutation>(parseJsonColumn(r.mutation, `the mutation of ${what}`), `the mutation of ${what}`),
    origin: r.origin,
    baseline: r.baseline,
    worker: r.worker,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    rung: r.rung ?? null,
  };
}

export interface RungRecord {
  trial_id: number;
  rung: number;
  status: string;
  reward: number | null;
  metrics: string | null;
  seconds: number | null;
  cpu_seconds: number | null;
  error: string | null;
  worker: string | null;
  has_state: number;
  created_at: string;
  finished_at: string | null;
}

export function toRung(r: RungRecord): RungRow {
  const what = `rung ${r.rung} of trial ${r.trial_id}`;
  return {
    trialId: r.trial_id, rung: r.rung, status: checkStatus(r.status, TRIAL_STATUSES, what), reward: r.reward,
    metrics: checkObjectOrNull<TrialMetrics>(parseJsonColumn(r.metrics, `the metrics of ${what}`), `the metrics of ${what}`),
    seconds: r.seconds, cpuSeconds: r.cpu_seconds, error: r.error, worker: r.worker, hasState: r.has_state === 1,
    createdAt: r.created_at, finishedAt: r.finished_at,
  };
}

export interface WorkerProgressRecord {
  run_id: number;
  worker: string;
  trial_id: number;
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number | null;
  images_per_sec: number | null;
  updated_at: string;
}

export function toWorkerProgress(r: WorkerProgressRecord): WorkerProgressRow {
  return {
    runId: r.run_id,
    worker: r.worker,
    trialId: r.trial_id,
    epoch: r.epoch,
    epochs: r.epochs,
    batch: r.batch,
    batches: r.batches,
    // NOTE: a NaN loss is stored as NULL and read back as NaN, so the type stays `number`.
    loss: r.loss ?? Number.NaN,
    imagesPerSec: r.images_per_sec ?? 0,
    updatedAt: r.updated_at,
  };
}

export interface ReplayRecord {
  id: number;
  run_id: number | null;
  trial_id: number | null;
  label: string;
  genotype: string;
  config: string;
  status: string;
  test_accuracy: number | null;
  params: number | null;
  mult_adds: number | null;
  seconds: number | null;
  backend: string | null;
  checkpoint_dir: string | null;
  created_at: string;
  finished_at: string | null;
  /** Absent in a schema-1 store read as it is. */
  owner?: string | null;
}

export function toReplay(r: ReplayRecord): ReplayRow {
  return {
    id: r.id,
    runId: r.run_id,
    trialId: r.trial_id,
    label: r.label,
    genotype: checkGenotype(parseJsonColumn(r.genotype, `the genotype of replay ${r.id}`), `the genotype of replay ${r.id}`),
    config: checkObjectOrNull(parseJsonColumn(r.config, `the config of replay ${r.id}`), `the config of replay ${r.id}`),
    status: checkStatus(r.status, RUN_STATUSES, `replay ${r.id}`),
    testAccuracy: r.test_accuracy,
    params: r.params,
    multAdds: r.mult_adds,
    seconds: r.seconds,
    backend: r.backend,
    checkpointDir: r.checkpoint_dir,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    owner: r.owner ?? null,
  };
}

/** ReplayRow fields that updateReplay may change, and their columns (JSON ones marked). */
export const REPLAY_COLUMNS: Record<string, { column: string; json?: boolean }> = {
  runId: { column: 'run_id' },
  trialId: { column: 'trial_id' },
  label: { column: 'label' },
  genotype: { column: 'genotype', json: true },
  config: { column: 'config', json: true },
  status: { column: 'status' },
  testAccuracy: { column: 'test_accuracy' },
  params: { column: 'params' },
  multAdds: { column: 'mult_adds' },
  seconds: { column: 'seconds' },
  backend: { column: 'backend' },
  checkpointDir: { column: 'checkpoint_dir' },
  finishedAt: { column: 'finished_at' },
};

export interface CurveRecord {
  epoch: number;
  train_loss: number | null;
  train_accuracy: number | null;
  val_loss: number | null;
  val_accuracy: number | null;
  seconds: number;
}

export function toCurvePoint(r: CurveRecord): CurvePoint {
  return {
    epoch: r.epoch,
    trainLoss: r.train_loss ?? Number.NaN,
    trainAccuracy: r.train_accuracy ?? Number.NaN,
    valLoss: r.val_loss,
    valAccuracy: r.val_accuracy,
    seconds: r.seconds,
  };
}
