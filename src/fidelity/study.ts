/**
 * Runs a fidelity study: every (cell, estimator, seed) unit that has no score yet, over a pool of
 * worker threads, each result stored as it arrives. A study killed at any moment resumes with the
 * units it lacks: a stored unit is never computed again; only the units in flight are lost.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { fixedPool } from '../evaluators/pool/threads.js';
import type { Store } from '../store/store.js';
import type { StudyCellRow } from '../store/studies.js';
import { duration } from '../core/format.js';
import { describeFidelity, relativeCost, type Fidelity } from '../training/fidelity.js';
import { REFERENCE, type EstimatorSpec, type UnitProgress, type UnitResult, type UnitTask } from './unit.js';

/** A study's settings: plain JSON in the store. */
export interface StudyConfig {
  dataset: string;
  datasetHash: string;
  /** Training images and side of the dataset (for the relative costs). */
  datasetImages: number;
  datasetSide: number;
  space: string;
  spaceFile: string;
  reference: Fidelity;
  /** The estimators besides the reference, in the order they are reported. */
  estimators: EstimatorSpec[];
  seeds: number[];
  backend: string;
  workers: number;
  /** Engine threads per training; absent: the cores shared out among the workers. */
  threads?: number;
  /** How the cells were chosen (for the report). */
  cells: { random: number; seed: number; run?: { id: number; top: number }; baselines: boolean; files?: string[] };
}

export interface StudyControl {
  stop(): void;
  abort(): void;
}

export interface RunStudyOptions {
  store: Store;
  studyId: number;
  config: StudyConfig;
  log: (line: string) => void;
  control?: (c: StudyControl) => void;
}

/** The reference as an estimator spec. */
export const referenceSpec = (config: Pick<StudyConfig, 'reference'>): EstimatorSpec => ({ name: REFERENCE, kind: 'trained', fidelity: config.reference });

/** Cheap units first, the reference last, seed by seed: a first seed's full table arrives early. */
function unitOrder(config: StudyConfig): EstimatorSpec[] {
  const cost = (e: EstimatorSpec) => (e.kind === 'trained' ? relativeCost(e.fidelity!, config.datasetImages, config.datasetSide) : 0);
  return [...config.estimators].sort((a, b) => cost(a) - cost(b)).concat(referenceSpec(config));
}

export interface PendingUnit {
  cell: StudyCellRow;
  estimator: EstimatorSpec;
  seed: number;
}

/** The units of a study that have no score yet, in the order they run. */
export function pendingUnits(store: Store, studyId: number, config: StudyConfig): PendingUnit[] {
  const done = new Set(store.studies.scores(studyId).map((s) => `${s.cellId}\n${s.estimator}\n${s.seed}`));
  const cells = store.studies.cells(studyId);
  const out: PendingUnit[] = [];
  for (const seed of config.seeds) {
    for (const estimator of unitOrder(config)) {
      for (const cell of cells) if (!done.has(`${cell.id}\n${estimator.name}\n${seed}`)) out.push({ cell, estimator, seed });
    }
  }
  return out;
}

/** Computes the pending units; returns 'complete' or 'interrupted'. */
export async function runStudy(opts: RunStudyOptions): Promise<'complete' | 'interrupted'> {
  const { store, studyId, config, log } = opts;
  const queue = pendingUnits(store, studyId, config);
  const total = queue.length;
  // Two studies side by side must say --threads 1 each: alone, each would take every core, and
  // oversubscribed OpenMP threads spin against each other.
  const threads = config.threads ?? Math.max(1, Math.floor(availableParallelism() / config.workers));
  const pool = fixedPool<UnitTask & { port?: MessagePort }, UnitResult>(new URL('./worker.js', import.meta.url), config.workers, 8192);
  let stopping = false;
  const aborts = new Set<AbortController>();
  opts.control?.({
    stop: () => { stopping = true; },
    abort: () => { stopping = true; for (const a of aborts) a.abort(); },
  });
  let finished = 0;
  const started = performance.now();
  const referenceSeconds: number[] = [];
  const next = async (): Promise<void> => {
    while (!stopping && queue.length > 0) {
      const unit = queue.shift()!;
      const abort = new AbortController();
      aborts.add(abort);
      let result: UnitResult;
      // A training of an hour (the reference on a full dataset) says where it is now and then.
      const { port1, port2 } = new MessageChannel();
      const unitStarted = performance.now();
      port1.on('message', (p: UnitProgress) => log(trainingLine(unit, p, (performance.now() - unitStarted) / 1000)));
      try {
        result = await pool.run({
          cellId: unit.cell.id, genotype: unit.cell.genotype, spaceFile: config.spaceFile, dataset: config.dataset, datasetHash: config.datasetHash,
          estimator: unit.estimator, reference: config.reference, seed: unit.seed, backend: config.backend, threads, port: port2,
        }, { signal: abort.signal, transferList: [port2] });
      } catch (e) {
        if (abort.signal.aborted) return; // not computed: a resume runs it again
        const err = e as { code?: string; message?: string };
        result = { status: 'failed', value: null, cpuSeconds: null, seconds: 0, metrics: {}, error: err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'out of memory' : (err.message ?? String(e)).split('\n')[0] };
      } finally {
        aborts.delete(abort);
        port1.close();
      }
      store.studies.addScore({ cellId: unit.cell.id, estimator: unit.estimator.name, seed: unit.seed, ...result });
      finished++;
      if (unit.estimator.name === REFERENCE && result.status === 'complete') referenceSeconds.push(result.seconds);
      log(progressLine(unit, result, finished, total, started, queue, referenceSeconds, config.workers));
    }
  };
  try {
    await Promise.all(Array.from({ length: config.workers }, () => next()));
  } finally {
    await pool.destroy();
  }
  return queue.length === 0 && !stopping ? 'complete' : 'interrupted';
}

const valueText = (unit: PendingUnit, r: UnitResult): string => {
  if (r.status !== 'complete' || r.value === null) return `failed: ${r.error}`;
  if (unit.estimator.kind === 'trained') return `${(100 * r.value).toFixed(2)}% ${unit.estimator.fidelity!.protocol === 'replay' ? 'test' : 'val'}`;
  return Number.isInteger(r.value) ? r.value.toLocaleString('en') : r.value.toPrecision(5);
};

function progressLine(unit: PendingUnit, r: UnitResult, done: number, total: number, started: number, queue: PendingUnit[], refSeconds: number[], workers: number): string {
  const width = String(total).length;
  const leftRefs = queue.filter((u) => u.estimator.name === REFERENCE).length;
  const meanRef = refSeconds.length ? refSeconds.reduce((a, b) => a + b, 0) / refSeconds.length : NaN;
  const eta = leftRefs > 0 && Number.isFinite(meanRef) ? `  ETA ≥ ${duration((leftRefs * meanRef) / workers)}` : '';
  const cpu = r.cpuSeconds === null ? '' : ` (${r.cpuSeconds.toFixed(1)} CPU-s)`;
  return `[${String(done).padStart(width)}/${total}] ${unit.estimator.name} seed ${unit.seed} ${unit.cell.label}: ${valueText(unit, r)}  ${r.seconds.toFixed(1)} s${cpu}` +
    `  elapsed ${duration((performance.now() - started) / 1000)}${eta}`;
}

/** `  … reference seed 1 run 3 trial 7: epoch 2/3, batch 410/938, 95 img/s, ≈ 14m left` */
export function trainingLine(unit: Pick<PendingUnit, 'cell' | 'estimator' | 'seed'>, p: UnitProgress, seconds: number): string {
  const done = (p.epoch - 1 + p.batch / p.batches) / p.epochs;
  const left = done > 0 ? `, ≈ ${duration((seconds * (1 - done)) / done)} left` : '';
  return `  … ${unit.estimator.name} seed ${unit.seed} ${unit.cell.label}: epoch ${p.epoch}/${p.epochs}, batch ${p.batch}/${p.batches}, ${p.imagesPerSec.toFixed(0)} img/s${left}`;
}

/** A one-line description of a trained estimator for logs. */
export function describeEstimator(e: EstimatorSpec): string {
  return e.kind === 'trained' ? `${e.name} (${describeFidelity(e.fidelity!)})` : e.name;
}
