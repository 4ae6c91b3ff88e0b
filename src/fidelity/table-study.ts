/**
 * How well do data-free zero-cost estimators rank NAS-Bench-201 cells? Every cell of a benchmark
 * table (or a seeded sample) is built untrained at the benchmark's CIFAR-10 setting, scored by
 * each estimator in worker threads, and each estimator is correlated with reference columns
 * (Abdelfattah et al. 2021, "Zero-Cost Proxies for Lightweight NAS", ICLR, Sec. 4: Spearman ρ,
 * Kendall τ, τ among the top 10 % of the reference).
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fixedPool } from '../evaluators/pool/threads.js';
import seedrandom from 'seedrandom';
import { UserError } from '../core/errors.js';
import type { MacroSettings } from '../space/types.js';
import { readCsvTable } from '../evaluators/table/csv.js';
import { getEstimator } from '../estimators/index.js';
import { loadSpace } from '../space/load.js';
import { kendallTauB, rankOfBest, spearman, spearmanInterval, topKendall } from '../stats/correlation.js';
import type { ChunkScores, StudyChunk } from './table-worker.js';

/**
 * The NAS-Bench-201 network for CIFAR-10 (Dong & Yang 2020, Sec. 2.1 and their code; also
 * zero-cost-nas' nasbench2 model): stem 16 channels, 5 cells per stage, 3 stages of 16, 32, 64.
 * NOTE: search-spaces/nas-bench-201.json recommends 1 cell per stage for proxy training; the
 * study uses the benchmark's own 5.
 */
export { NB201_BENCHMARK_MACRO } from '../estimators/score-cell.js';
import { NB201_BENCHMARK_MACRO } from '../estimators/score-cell.js';
export { CIFAR10_INPUT } from '../estimators/score-cell.js';
import { CIFAR10_INPUT } from '../estimators/score-cell.js';

export interface TableStudyOptions {
  table: string;
  /** Columns to correlate with (numbers in every row). */
  columns: string[];
  estimators: string[];
  /** Space name or file; must be of the nas-bench-201 family (default 'nas-bench-201'). */
  space?: string;
  /** Score a seeded sample of this many cells (default: every cell). */
  sample?: number;
  /** Seeds the sample and the initial weights (default 0). */
  seed?: number;
  workers?: number;
  backend?: string;
  /** Cells per worker task (default 20). */
  chunk?: number;
  log?: (line: string) => void;
}

export interface CorrelationRow {
  estimator: string;
  column: string;
  /** Cells with a score (not NaN). */
  n: number;
  nan: number;
  /** Cells scored -Infinity (a log-score of exactly 0: no path from input to output). */
  minusInfinity: number;
  spearman: number;
  spearman95: [number, number];
  kendall: number;
  top10Kendall: number;
  /** Where the column's best cell lands in the estimator's order (1 = first). */
  rankOfBest: number;
  secondsPerCell: number;
}

export interface TableStudyResult {
  table: string;
  space: string;
  macro: MacroSettings;
  inputShape: [number, number, number];
  numClasses: number;
  seed: number;
  cells: number;
  tableRows: number;
  workers: number;
  backend: string;
  seconds: number;
  rows: CorrelationRow[];
  /** Per cell: arch, the reference values and the scores (null = NaN; JSON keeps them for later study). */
  scores: { arch: string; reference: Record<string, number>; scores: Record<string, number | '-Infinity' | null> }[];
}

interface Loaded { archs: string[]; columns: Record<string, number[]>; rows: number }

/** Reads and checks the table: every reference value must be a number. */
function loadStudyTable(file: string, columns: string[], validate: (arch: string, line: number) => string): Loaded {
  const csv = readCsvTable(file, ['arch', ...columns]);
  const ai = csv.header.indexOf('arch');
  const out: Loaded = { archs: [], columns: Object.fromEntries(columns.map((c) => [c, []])), rows: csv.rows.length };
  if (csv.rows.length === 0) throw new UserError(`table ${file} has no rows`);
  for (const r of csv.rows) {
    out.archs.push(validate(r.fields[ai], r.line));
    for (const c of columns) {
      const s = r.fields[csv.header.indexOf(c)].trim();
      const v = Number(s);
      if (s === '' || !Number.isFinite(v)) throw new UserError(`${file} line ${r.line}: "${s}" in column "${c}" is not a number`);
      out.columns[c].push(v);
    }
  }
  return out;
}

/** Indices of a seeded sample of k of n (partial Fisher–Yates), in table order. */
function sampleIndices(n: number, k: number, seed: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  if (k >= n) return idx;
  const rng = seedrandom(`table-study:${seed}`);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng() * (n - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, k).sort((a, b) => a - b);
}

/** Checks the options before any work (every error is a one-line UserError). */
export function checkStudyOptions(o: TableStudyOptions): void {
  if (o.estimators.length === 0) throw new UserError('--estimators: name at least one estimator');
  for (const name of o.estimators) {
    const e = getEstimator(name);
    if (e.needsData) throw new UserError(`estimator "${name}" needs training images, and no CIFAR-10 images are on this machine: use data-free ones (synflow, params, mult-adds)`);
  }
  if (o.columns.length === 0) throw new UserError('--reference-column: name at least one column');
  if (o.sample !== undefined && !(Number.isInteger(o.sample) && o.sample >= 1)) throw new UserError(`--sample must be an integer ≥ 1, got ${o.sample}`);
  if (o.workers !== undefined && !(Number.isInteger(o.workers) && o.workers >= 1)) throw new UserError(`--workers must be an integer ≥ 1, got ${o.workers}`);
}

/** Correlates one estimator's scores with one column (NaN scores dropped and counted). */
export function correlate(estimator: string, column: string, scores: number[], ref: number[], secondsPerCell: number): CorrelationRow {
  const keep = scores.flatMap((s, i) => (Number.isNaN(s) ? [] : [i]));
  const est = keep.map((i) => scores[i]);
  const r = keep.map((i) => ref[i]);
  const rho = spearman(est, r);
  return {
    estimator,
    column,
    n: keep.length,
    nan: scores.length - keep.length,
    minusInfinity: est.filter((s) => s === -Infinity).length,
    spearman: rho,
    spearman95: spearmanInterval(rho, keep.length),
    kendall: kendallTauB(est, r),
    top10Kendall: topKendall(est, r, 0.1),
    rankOfBest: rankOfBest(est, r),
    secondsPerCell,
  };
}

function jsonScore(v: number): number | '-Infinity' | null {
  return Number.isFinite(v) ? v : v === -Infinity ? '-Infinity' : null;
}

export async function runTableStudy(o: TableStudyOptions): Promise<TableStudyResult> {
  checkStudyOptions(o);
  const space = loadSpace(o.space ?? 'nas-bench-201');
  if (space.family !== 'nas-bench-201') throw new UserError(`the table study needs a nas-bench-201 space, got ${space.name} (${space.family})`);
  const table = loadStudyTable(o.table, o.columns, (arch, line) => {
    try {
      return space.key(space.validate({ space: 'nas-bench-201', arch }));
    } catch (e) {
      throw new UserError(`${o.table} line ${line}: arch "${arch}" is not a cell of ${space.name}: ${(e as Error).message.split('\n')[0]}`);
    }
  });
  const seed = o.seed ?? 0;
  const picked = sampleIndices(table.archs.length, o.sample ?? table.archs.length, seed);
  const workers = o.workers ?? Math.max(1, availableParallelism());
  const chunkSize = o.chunk ?? 20;
  const log = o.log ?? (() => {});

  const pool = fixedPool<StudyChunk, ChunkScores>(new URL('./table-worker.js', import.meta.url), workers);
  const started = performance.now();
  const E = o.estimators.length;
  const scores = o.estimators.map(() => new Array<number>(picked.length).fill(NaN));
  const seconds = o.estimators.map(() => 0);
  let done = 0;
  let backend = '';
  try {
    const tasks: Promise<void>[] = [];
    for (let s = 0; s < picked.length; s += chunkSize) {
      const part = picked.slice(s, s + chunkSize);
      const chunk: StudyChunk = {
        archs: part.map((i) => table.archs[i]),
        estimators: o.estimators,
        space: space.file,
        macro: NB201_BENCHMARK_MACRO,
        inputShape: CIFAR10_INPUT,
        numClasses: 10,
        seed,
        backend: o.backend ?? 'auto',
        threads: Math.max(1, Math.floor(availableParallelism() / workers)),
      };
      tasks.push(
        pool.run(chunk).then((r) => {
          backend = r.backend;
          for (let e = 0; e < E; e++) {
            seconds[e] += r.seconds[e];
            r.scores[e].forEach((v, k) => (scores[e][s + k] = v));
          }
          done += part.length;
          const elapsed = (performance.now() - started) / 1000;
          if (done === picked.length || Math.floor(done / 500) !== Math.floor((done - part.length) / 500)) {
            log(`${done}/${picked.length} cells, ${elapsed.toFixed(0)} s (${((elapsed / done) * (picked.length - done)).toFixed(0)} s left), worker tensors ${r.liveTensors}`);
          }
        }),
      );
    }
    await Promise.all(tasks);
  } finally {
    await pool.destroy();
  }

  const rows: CorrelationRow[] = [];
  for (const column of o.columns) {
    const ref = picked.map((i) => table.columns[column][i]);
    o.estimators.forEach((name, e) => rows.push(correlate(name, column, scores[e], ref, seconds[e] / picked.length)));
  }
  return {
    table: resolve(o.table),
    space: space.name,
    macro: NB201_BENCHMARK_MACRO,
    inputShape: CIFAR10_INPUT,
    numClasses: 10,
    seed,
    cells: picked.length,
    tableRows: table.rows,
    workers,
    backend,
    seconds: (performance.now() - started) / 1000,
    rows,
    scores: picked.map((i, k) => ({
      arch: table.archs[i],
      reference: Object.fromEntries(o.columns.map((c) => [c, table.columns[c][i]])),
      scores: Object.fromEntries(o.estimators.map((name, e) => [name, jsonScore(scores[e][k])])),
    })),
  };
}
