/**
 * The tabular evaluator: answers each child from a benchmark table (NAS-Bench-201 style,
 * Dong & Yang 2020) instead of training it, and charges a simulated cost in seconds.
 *
 * Reward rule: the reward column is scaled to [0, 1]. If any value in the column exceeds 1,
 * the column is read as percentages and divided by 100; otherwise it is used as is.
 * Values outside [0, 100] (or [0, 1]) are refused. An empty / non-numeric reward cell makes
 * that trial 'failed' (reward null), which strategies skip.
 */
import { resolve } from 'node:path';
import type { Evaluator, TrainTask, TrialMetrics, TrialResult } from '../types.js';
import type { Genotype, SearchSpace } from '../../space/types.js';
import { UserError } from '../../core/errors.js';
import { readCsvTable } from './csv.js';

/** Options of loadTable. */
export interface TableOptions {
  /** Column holding the architecture: an NB201 arch string, or the space's key / genotype JSON. Default 'arch'. */
  archColumn?: string;
  /** Column read as the reward (see the reward rule above). */
  rewardColumn: string;
  /** Column read as the simulated cost of one query, seconds (metrics.seconds). */
  costColumn?: string;
  /** The search space the table's architectures belong to. */
  space: SearchSpace;
}

/** One row of a table, indexed by the space's canonical key. */
export interface TableRow {
  /** 1-based line number in the file, for messages. */
  line: number;
  arch: string;
  /** Scaled reward in [0, 1], or null when the cell is empty / not a number. */
  reward: number | null;
  /** Simulated cost in seconds, or null without a cost column. */
  cost: number | null;
  /** Every column except arch (numbers where they parse), for metrics.extra. */
  values: Record<string, number | string>;
}

/** A loaded benchmark table. */
export interface Table {
  readonly file: string;
  readonly columns: readonly string[];
  readonly archColumn: string;
  readonly rewardColumn: string;
  readonly costColumn: string | undefined;
  /** 100 when the reward column holds percentages, else 1. */
  readonly rewardScale: number;
  readonly space: SearchSpace;
  /** Rows by space.key(genotype). */
  readonly rows: ReadonlyMap<string, TableRow>;
  /** The row of a genotype, or undefined. */
  get(g: Genotype): TableRow | undefined;
  /** The row of a genotype; throws UserError when the table lacks the cell. */
  require(g: Genotype): TableRow;
}

function numberOrString(s: string): number | string {
  const t = s.trim();
  if (t === '') return t;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** The canonical key of a row's arch cell; throws UserError naming the line if it does not parse. */
function rowKey(space: SearchSpace, arch: string, file: string, line: number): string {
  try {
    if (space.family === 'nas-bench-201') return space.key(space.validate({ space: 'nas-bench-201', arch }));
    // Other spaces: the cell holds a genotype as JSON, or already the space's key.
    if (arch.trim().startsWith('{')) return space.key(space.validate(JSON.parse(arch)));
    if (arch.trim() === '') throw new Error('empty arch');
    return arch.trim();
  } catch (e) {
    throw new UserError(`${file} line ${line}: arch "${arch}" does not parse for space ${space.name}: ${(e as Error).message}`);
  }
}

/**
 * Reads a benchmark CSV. Throws UserError (one line) for a missing file, missing columns
 * (listing the columns the table has), unparseable arch strings (with the line number),
 * rewards out of range and duplicate cells.
 */
export function loadTable(file: string, opts: TableOptions): Table {
  const archColumn = opts.archColumn ?? 'arch';
  const csv = readCsvTable(file, [archColumn, opts.rewardColumn, ...(opts.costColumn ? [opts.costColumn] : [])]);
  const ai = csv.header.indexOf(archColumn);
  const ri = csv.header.indexOf(opts.rewardColumn);
  const ci = opts.costColumn ? csv.header.indexOf(opts.costColumn) : -1;

  let max = -Infinity;
  let min = Infinity;
  for (const r of csv.rows) {
    const v = Number(r.fields[ri]);
    if (r.fields[ri].trim() !== '' && Number.isFinite(v)) { max = Math.max(max, v); min = Math.min(min, v); }
  }
  if (max === -Infinity) throw new UserError(`table ${file}: column "${opts.rewardColumn}" has no numbers`);
  const rewardScale = max > 1 ? 100 : 1;
  if (min < 0 || max > rewardScale) {
    throw new UserError(`table ${file}: column "${opts.rewardColumn}" has values in [${min}, ${max}]; a reward must be in [0, 1] or a percentage in [0, 100]`);
  }

  const rows = new Map<string, TableRow>();
  for (const r of csv.rows) {
    const arch = r.fields[ai];
    const key = rowKey(opts.space, arch, file, r.line);
    const rv = Number(r.fields[ri]);
    let cost: number | null = null;
    if (ci >= 0) {
      cost = Number(r.fields[ci]);
      if (r.fields[ci].trim() === '' || !Number.isFinite(cost) || cost < 0) {
        throw new UserError(`${file} line ${r.line}: cost "${r.fields[ci]}" in column "${opts.costColumn}" is not a non-negative number`);
      }
    }
    const values: Record<string, number | string> = {};
    csv.header.forEach((h, j) => { if (j !== ai) values[h] = numberOrString(r.fields[j]); });
    const prev = rows.get(key);
    if (prev) throw new UserError(`${file} line ${r.line}: the same cell as line ${prev.line} (${arch})`);
    rows.set(key, {
      line: r.line,
      arch,
      reward: r.fields[ri].trim() !== '' && Number.isFinite(rv) ? rv / rewardScale : null,
      cost,
      values,
    });
  }

  const space = opts.space;
  const table: Table = {
    file: resolve(file),
    columns: csv.header,
    archColumn,
    rewardColumn: opts.rewardColumn,
    costColumn: opts.costColumn,
    rewardScale,
    space,
    rows,
    get: (g) => rows.get(space.key(g)),
    require: (g) => {
      const row = rows.get(space.key(g));
      if (!row) throw new UserError(`table ${file} has no row for cell ${space.describe(g)} (it holds ${rows.size} cells)`);
      return row;
    },
  };
  return table;
}

/** The TrialResult a table row gives (shared by the evaluator and `nas bench strategies`). */
export function rowResult(table: Table, row: TableRow, trialId: number): TrialResult {
  // NaN marks what a table does not measure (stored as null).
  const metrics: TrialMetrics = {
    valAccuracy: row.reward ?? NaN,
    valLoss: NaN,
    trainAccuracy: NaN,
    trainLoss: NaN,
    params: typeof row.values.params === 'number' ? row.values.params : NaN,
    multAdds: typeof row.values.flops === 'number' ? row.values.flops : NaN,
    seconds: row.cost ?? 0,
    imagesPerSec: NaN,
    backend: 'table',
    epochs: 0,
    worker: 'table',
    extra: row.values,
  };
  if (row.reward === null) {
    return { trialId, status: 'failed', reward: null, metrics, error: `no "${table.rewardColumn}" value on line ${row.line}` };
  }
  return { trialId, status: 'complete', reward: row.reward, metrics };
}

/** Options of createTableEvaluator. */
export interface TableEvaluatorOptions {
  /** Children "in flight" at once (the loop's concurrency); default 1. */
  capacity?: number;
  /** The search's --budget-seconds, if any: refused without a cost column. */
  budgetSeconds?: number;
}

/**
 * An Evaluator that looks children up in a table: no training. metrics.seconds is the
 * cost column (simulated time), every other column goes to metrics.extra. A cell the
 * table lacks rejects with a UserError. A multi-fidelity run passes one table per rung (the same
 * file read with each rung's reward and cost columns): a task's rung picks its table.
 */
export function createTableEvaluator(tables: Table | Table[], opts: TableEvaluatorOptions = {}): Evaluator {
  const byRung = Array.isArray(tables) ? tables : [tables];
  const table = byRung[0];
  if (opts.budgetSeconds !== undefined && !table.costColumn) {
    throw new UserError('--budget-seconds needs a cost column (--cost-column) to charge simulated seconds');
  }
  const capacity = opts.capacity ?? 1;
  if (!Number.isInteger(capacity) || capacity < 1) throw new UserError(`table evaluator: capacity must be a positive integer, got ${capacity}`);
  return {
    name: 'table',
    capacity,
    async evaluate(task: TrainTask): Promise<TrialResult> {
      const t = byRung[task.rung ?? 0];
      if (!t) throw new UserError(`table evaluator: no reward column for rung ${task.rung}`);
      return rowResult(t, t.require(task.genotype), task.trialId);
    },
    async close() {},
  };
}
