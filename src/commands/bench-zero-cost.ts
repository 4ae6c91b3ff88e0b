/**
 * Zero-cost estimators inside `nas bench strategies` (Abdelfattah et al. 2021, "Zero-Cost Proxies
 * for Lightweight NAS", §5), from a table of precomputed scores of every NAS-Bench-201 cell
 * (data/nas-bench-201/nb201-zero-cost.csv, made by `nas fidelity --table … --json` and
 * scripts/nb201-zero-cost.mjs):
 *  - `--warmup NAME:N`: each run scores N distinct random cells first and hands them, best first,
 *    to the strategy (Strategy.warmStart); the N scorings are charged to the run's budget;
 *  - `--zero-cost NAME`: the strategy's reward is the score itself; a query costs one scoring.
 * A scoring costs the mean CPU time per cell measured when the table was made (its `seconds` column).
 */
import { join } from 'node:path';
import { dataDir } from '../core/paths.js';
import { createRng } from '../core/rng.js';
import { UserError } from '../core/errors.js';
import { readCsvTable } from '../evaluators/table/csv.js';
import type { Table, TableRow } from '../evaluators/table/table.js';
import type { Genotype, SearchSpace } from '../space/types.js';
import type { Strategy } from '../strategies/types.js';

export const NB201_ZERO_COST = join(dataDir, 'nas-bench-201', 'nb201-zero-cost.csv');

export interface ZeroCostScores {
  file: string;
  estimators: string[];
  /** Scores by space key; -Infinity where the estimator found no path. */
  byKey: Map<string, Record<string, number>>;
  /** Mean seconds of one scoring, by estimator. */
  seconds: Record<string, number>;
}

export function loadZeroCostScores(file: string, space: SearchSpace): ZeroCostScores {
  const csv = readCsvTable(file, ['arch']);
  const estimators = csv.header.filter((h) => h !== 'arch' && !h.endsWith('_seconds'));
  const byKey = new Map<string, Record<string, number>>();
  const seconds: Record<string, number> = {};
  for (const e of estimators) {
    if (!csv.header.includes(`${e}_seconds`)) throw new UserError(`${file}: column ${e} has no ${e}_seconds column (the mean time of one scoring)`);
  }
  for (const r of csv.rows) {
    const get = (c: string) => r.fields[csv.header.indexOf(c)].trim();
    const key = space.key(space.validate({ space: 'nas-bench-201', arch: get('arch') }));
    const row: Record<string, number> = {};
    for (const e of estimators) {
      const v = get(e) === '-Infinity' ? -Infinity : Number(get(e));
      if (Number.isNaN(v)) throw new UserError(`${file} line ${r.line}: ${e} "${get(e)}" is not a number`);
      row[e] = v;
      seconds[e] ??= Number(get(`${e}_seconds`));
    }
    byKey.set(key, row);
  }
  return { file, estimators, byKey, seconds };
}

export function requireEstimator(scores: ZeroCostScores, name: string, option: string): void {
  if (!scores.estimators.includes(name)) throw new UserError(`${option}: ${scores.file} has no scores of "${name}" (it has ${scores.estimators.join(', ')})`);
}

/** `table` with the reward replaced by an estimator's score and every query costing one scoring. */
export function zeroCostTable(table: Table, scores: ZeroCostScores, name: string): Table {
  const cost = scores.seconds[name];
  // Both tables are keyed by space.key(genotype).
  const swap = (g: Genotype, row: TableRow | undefined): TableRow | undefined => {
    if (!row) return row;
    const s = scores.byKey.get(table.space.key(g))?.[name];
    return { ...row, reward: s === undefined || !Number.isFinite(s) ? null : s, cost };
  };
  return {
    ...table, rewardColumn: name, costColumn: `${name}_seconds`, rewardScale: 1,
    get: (g: Genotype) => swap(g, table.get(g)),
    require: (g: Genotype) => swap(g, table.require(g))!,
  };
}

/** Scores N distinct candidates, warm-starts the strategy with them best first; returns the seconds spent. */
export function warmStartFromScores(strategy: Strategy, space: SearchSpace, scores: ZeroCostScores, name: string, n: number, seed: number): number {
  if (!strategy.warmStart) throw new UserError(`strategy ${strategy.name} takes no warm-up`);
  const rng = createRng(`warmup:${seed}`);
  const seen = new Set<string>();
  const cells: Array<{ g: Genotype; score: number; key: string }> = [];
  for (let tries = 0; seen.size < n && tries < n * 50; tries++) {
    const g = strategy.warmCandidate ? strategy.warmCandidate(rng) : space.sample(rng);
    const key = space.key(g);
    if (seen.has(key)) continue;
    seen.add(key);
    const s = scores.byKey.get(key)?.[name];
    if (s !== undefined && Number.isFinite(s)) cells.push({ g, score: s, key });
  }
  cells.sort((a, b) => b.score - a.score || a.key.localeCompare(b.key));
  strategy.warmStart(cells.map((c) => c.g));
  return seen.size * scores.seconds[name];
}
