/**
 * `nas bench strategies`: how good is each strategy, measured the NAS-Bench-201 way (Dong & Yang,
 * ICLR 2020, Sec. 5): many independent runs per strategy, each a plain sequential ask → table
 * lookup → tell loop that stops once the simulated training time exceeds the budget; report the
 * mean ± std of a column (e.g. test accuracy) of the cell with the best reward at the end, and the
 * mean best-so-far curve over simulated time. No store, no workers: only the strategies run.
 */
import { join } from 'node:path';
import { dataDir } from '../core/paths.js';
import type { SearchSpace } from '../space/types.js';
import type { Strategy, StrategyContext } from '../strategies/types.js';
import { UserError } from '../core/errors.js';
import { loadTable, type Table } from '../evaluators/table/table.js';
import { loadSpace } from '../space/load.js';
import { selectBackend } from '../engine/backend.js';
import { createStrategy, strategyNames } from '../strategies/index.js';
import { parseCommand } from './args.js';
import { intOption, LIMITS, numberOption } from './options.js';
import { checkOutputFile, writeOutputFile } from './output-file.js';
import { loadZeroCostScores, NB201_ZERO_COST, requireEstimator, warmStartFromScores, zeroCostTable, type ZeroCostScores } from './bench-zero-cost.js';
import { formatPareto, paretoBench, simulateParetoSearch, summarizePareto, type ParetoRun, type ParetoSummary } from './bench-pareto.js';

/** The vendored 12-epoch NAS-Bench-201 table. */
export const NB201_TABLE = join(dataDir, 'nas-bench-201', 'nb201-12epoch.csv');

/**
 * Strategy options the benchmark uses unless --strategy-option overrides them: REA with
 * population 10 and tournament 3, the setting of the NAS-Bench-201 paper's REA runs.
 */
export const BENCH_DEFAULTS: Record<string, Record<string, number>> = {
  evolution: { population: 10, sample: 3 },
};

/** One run's outcome. */
export interface SimulatedRun {
  /** Reward and report value of the best-reward cell, after each query, with the time spent so far. */
  trace: { seconds: number; reward: number; report: number }[];
  bestReward: number;
  bestReport: number;
  trials: number;
  seconds: number;
}

/**
 * Runs one strategy against a table until the summed cost exceeds `budgetSeconds` (the query
 * that crosses the budget counts, as in NAS-Bench-201's code) or `maxTrials` queries were made,
 * or the strategy has nothing left to propose.
 */
export function simulateSearch(strategy: Strategy, table: Table, reportColumn: string, budgetSeconds: number, maxTrials = Infinity, startSeconds = 0): SimulatedRun {
  // A warm-up's scorings are spent before the first query.
  let seconds = startSeconds;
  let trials = 0;
  let best = { reward: -Infinity, report: NaN };
  const trace: SimulatedRun['trace'] = [];
  while (seconds < budgetSeconds && trials < maxTrials) {
    const p = strategy.ask();
    if (!p) break; // sequential loop: nothing in flight, so the strategy is done
    const row = table.require(p.genotype);
    trials++;
    seconds += row.cost ?? 0;
    strategy.tell({ trialId: trials, genotype: p.genotype, reward: row.reward });
    if (row.reward !== null && row.reward > best.reward) {
      const report = row.values[reportColumn];
      best = { reward: row.reward, report: typeof report === 'number' ? report : NaN };
    }
    trace.push({ seconds, reward: best.reward, report: best.report });
  }
  return { trace, bestReward: best.reward, bestReport: best.report, trials, seconds };
}

/** mean and (sample) standard deviation. */
export function meanStd(xs: readonly number[]): { mean: number; std: number } {
  const n = xs.length;
  if (n === 0) return { mean: NaN, std: NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std };
}

/** The report value of the best-so-far cell at simulated time t (NaN before the first query ends). */
function reportAt(run: SimulatedRun, t: number): number {
  let v = NaN;
  for (const s of run.trace) { if (s.seconds > t) break; v = s.report; }
  return v;
}

/** Summary of one strategy over all runs. */
export interface StrategySummary {
  strategy: string;
  runs: number;
  mean: number;
  std: number;
  meanTrials: number;
  wallSeconds: number;
  /** CPU seconds (user + system) this process spent on the strategy's runs: fair on a shared machine. */
  cpuSeconds: number;
  /** Mean best-so-far report value at each time point (runs without a finished query yet are left out). */
  curve: { seconds: number; mean: number }[];
  finals: number[];
}

/** Options of benchmarkStrategies. */
export interface BenchConfig {
  space: SearchSpace;
  table: Table;
  reportColumn: string;
  budgetSeconds: number;
  maxTrials: number;
  runs: number;
  seed: number;
  strategies: string[];
  /** Options per strategy name. */
  options: Record<string, Record<string, number | string | boolean>>;
  points: number;
  onProgress?: (strategy: string, run: number) => void;
  /** `--warmup NAME:N` from precomputed zero-cost scores. */
  warmup?: { scores: ZeroCostScores; estimator: string; cells: number };
}

/** Runs every strategy `runs` times (seeds seed, seed+1, ...) and summarises. */
export async function benchmarkStrategies(cfg: BenchConfig): Promise<StrategySummary[]> {
  const out: StrategySummary[] = [];
  for (const name of cfg.strategies) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const results: SimulatedRun[] = [];
    for (let r = 0; r < cfg.runs; r++) {
      const ctx: StrategyContext = { space: cfg.space, seed: cfg.seed + r, options: { ...(cfg.options[name] ?? {}) } };
      const strategy = await createStrategy(name, ctx);
      try {
        const w = cfg.warmup;
        const spent = w ? warmStartFromScores(strategy, cfg.space, w.scores, w.estimator, w.cells, cfg.seed + r) : 0;
        results.push(simulateSearch(strategy, cfg.table, cfg.reportColumn, cfg.budgetSeconds, cfg.maxTrials, spent));
      } finally {
        strategy.dispose?.();
      }
      cfg.onProgress?.(name, r + 1);
    }
    const finals = results.map((x) => x.bestReport);
    const { mean, std } = meanStd(finals);
    const horizon = Number.isFinite(cfg.budgetSeconds) ? cfg.budgetSeconds : Math.max(...results.map((x) => x.seconds));
    const curve = Array.from({ length: cfg.points }, (_, i) => {
      const t = (horizon * (i + 1)) / cfg.points;
      return { seconds: t, mean: meanStd(results.map((x) => reportAt(x, t)).filter(Number.isFinite)).mean };
    });
    out.push({
      strategy: name, runs: cfg.runs, mean, std, finals, curve,
      meanTrials: meanStd(results.map((x) => x.trials)).mean,
      wallSeconds: (performance.now() - started) / 1000,
      cpuSeconds: ((u) => (u.user + u.system) / 1e6)(process.cpuUsage(cpu)),
    });
  }
  return out;
}

const HELP = `usage: nas bench strategies [options]
  --space NAME              search space (default nas-bench-201)
  --table FILE              benchmark CSV (default: the vendored 12-epoch NAS-Bench-201 table)
  --arch-column C           column holding the arch string / space key (default arch)
  --reward-column C         reward the strategies see (default cifar10_valid_acc_12ep with the default table)
  --report-column C         column reported for the best-reward cell (default cifar10_test_acc_12ep / the reward column)
  --cost-column C           simulated seconds per query (default cost_12ep_s with the default table)
  --budget-seconds S        stop a run once the summed cost exceeds S (default 12000 with the default table)
  --trials N                or stop after N queries
  --runs N                  runs per strategy (default 100)
  --strategies a,b,...      default random,evolution,reinforce,smbo
  --strategy-option S.K=V   option K of strategy S (repeatable), e.g. evolution.population=20
  --seed S                  seed of the first run (default 0); run i uses S + i
  --points N                time points of the curve (default 10)
  --warmup NAME:N           score N random cells with zero-cost estimator NAME first (precomputed scores, --scores)
  --zero-cost NAME          the reward is NAME's score itself (a query costs one scoring); give --trials N
  --scores FILE             precomputed zero-cost scores (default data/nas-bench-201/nb201-zero-cost.csv)
  --objectives accuracy,cost  multi-objective: the hypervolume of (reward, cost column) each strategy reaches
  --json                    the summaries as JSON instead of the tables
  --out FILE                write the output to FILE instead of stdout`;

/** Parses `--strategy-option S.K=V` values into options per strategy (bench defaults first). */
function strategyOptions(values: string[], names: string[]): Record<string, Record<string, number | string | boolean>> {
  const out: Record<string, Record<string, number | string | boolean>> = {};
  for (const n of names) out[n] = { ...(BENCH_DEFAULTS[n] ?? {}) };
  for (const kv of values) {
    const m = /^([a-z0-9_-]+)\.([A-Za-z0-9_]+)=(.+)$/.exec(kv);
    if (!m) throw new UserError(`--strategy-option must be STRATEGY.KEY=VALUE, got "${kv}"`);
    if (!names.includes(m[1])) throw new UserError(`--strategy-option ${kv}: strategy "${m[1]}" is not in --strategies (${names.join(', ')})`);
    const v = m[3];
    out[m[1]][m[2]] = v === 'true' ? true : v === 'false' ? false : Number.isFinite(Number(v)) ? Number(v) : v;
  }
  return out;
}

const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');

/** Renders the summaries as the two text tables the command prints. */
export function formatSummaries(rows: StrategySummary[], reportColumn: string): string {
  const w = Math.max(8, ...rows.map((r) => r.strategy.length));
  const lines = [
    `${'strategy'.padEnd(w)}  runs  ${reportColumn} of best-reward cell (mean ± std)  queries/run  wall s  cpu s`,
  ];
  for (const r of rows) {
    lines.push(`${r.strategy.padEnd(w)}  ${String(r.runs).padStart(4)}  ${`${fmt(r.mean)} ± ${fmt(r.std)}`.padEnd(reportColumn.length + 34)}  ${fmt(r.meanTrials, 1).padStart(11)}  ${fmt(r.wallSeconds, 1).padStart(6)}  ${fmt(r.cpuSeconds, 1).padStart(5)}`);
  }
  if (rows.length > 0 && rows[0].curve.length > 0) {
    lines.push('', `mean best-so-far ${reportColumn} over simulated seconds`);
    lines.push(`${'t (s)'.padEnd(w)}  ${rows[0].curve.map((p) => String(Math.round(p.seconds)).padStart(6)).join(' ')}`);
    for (const r of rows) lines.push(`${r.strategy.padEnd(w)}  ${r.curve.map((p) => fmt(p.mean).padStart(6)).join(' ')}`);
  }
  return lines.join('\n');
}

/** The multi-objective benchmark's text (src/commands/bench-pareto.ts). */
async function paretoBenchText(cfg: BenchConfig): Promise<string> {
  const bench = paretoBench(cfg.table);
  const rows: ParetoSummary[] = [];
  for (const name of cfg.strategies) {
    const runs: ParetoRun[] = [];
    for (let r = 0; r < cfg.runs; r++) {
      const strategy = await createStrategy(name, { space: cfg.space, seed: cfg.seed + r, options: { ...(cfg.options[name] ?? {}) } });
      try {
        runs.push(simulateParetoSearch(strategy, cfg.table, bench, cfg.budgetSeconds, cfg.maxTrials));
      } finally {
        strategy.dispose?.();
      }
      cfg.onProgress?.(name, r + 1);
    }
    const horizon = Number.isFinite(cfg.budgetSeconds) ? cfg.budgetSeconds : Math.max(...runs.map((x) => x.trace.at(-1)?.seconds ?? 0));
    rows.push(summarizePareto(name, runs, horizon, cfg.points));
  }
  return `${cfg.runs} runs per strategy on ${cfg.table.file}, budget ${Number.isFinite(cfg.budgetSeconds) ? `${cfg.budgetSeconds} simulated s` : `${cfg.maxTrials} queries`}, seeds ${cfg.seed}..${cfg.seed + cfg.runs - 1}\n${formatPareto(rows, bench)}`;
}

/** --warmup / --zero-cost / --scores, checked. */
function zeroCostOptions(v: Record<string, unknown>, space: SearchSpace): { scores?: ZeroCostScores; warmup?: BenchConfig['warmup']; zeroCost?: string } {
  const warm = v.warmup as string | undefined;
  const zero = v['zero-cost'] as string | undefined;
  if (warm === undefined && zero === undefined) {
    if (v.scores !== undefined) throw new UserError('--scores goes with --warmup NAME:N or --zero-cost NAME');
    return {};
  }
  if (warm !== undefined && zero !== undefined) throw new UserError('--warmup ranks cells before the search; --zero-cost rewards every query with the score already: give one');
  if (space.family !== 'nas-bench-201' && v.scores === undefined) throw new UserError('--warmup/--zero-cost: the precomputed scores are of NAS-Bench-201 cells; give --scores FILE for another space');
  const scores = loadZeroCostScores((v.scores as string | undefined) ?? NB201_ZERO_COST, space);
  if (zero !== undefined) {
    requireEstimator(scores, zero, '--zero-cost');
    return { scores, zeroCost: zero };
  }
  const at = warm!.lastIndexOf(':');
  const name = at < 0 ? warm! : warm!.slice(0, at);
  const cells = at < 0 ? NaN : Number(warm!.slice(at + 1));
  if (!Number.isInteger(cells) || cells < 1 || cells > 15_625) throw new UserError(`--warmup must be NAME:N with N from 1 to 15,625, got "${warm}"`);
  requireEstimator(scores, name, '--warmup');
  return { scores, warmup: { scores, estimator: name, cells } };
}

/** `nas bench strategies ...` */
export async function benchStrategies(argv: string[]): Promise<void> {
  const json = argv.indexOf('--json');
  if (json >= 0 && argv[json + 1] !== undefined && !argv[json + 1].startsWith('-')) {
    throw new UserError(`--json takes no file: it prints JSON; add --out FILE to write it to a file (got "${argv[json + 1]}")`);
  }
  const parsed = parseCommand(argv, {
    verb: 'nas bench strategies', usage: HELP,
    options: {
      space: { type: 'string' },
      table: { type: 'string' },
      'arch-column': { type: 'string' },
      'reward-column': { type: 'string' },
      'report-column': { type: 'string' },
      'cost-column': { type: 'string' },
      'budget-seconds': { type: 'string' },
      trials: { type: 'string' },
      runs: { type: 'string' },
      strategies: { type: 'string' },
      'strategy-option': { type: 'string', multiple: true },
      seed: { type: 'string' },
      points: { type: 'string' },
      objectives: { type: 'string' },
      warmup: { type: 'string' },
      'zero-cost': { type: 'string' },
      scores: { type: 'string' },
      json: { type: 'boolean' },
      out: { type: 'string' },
    },
  });
  if (!parsed) return;
  const v = parsed.values;
  if (v.out !== undefined) checkOutputFile(v.out);
  const vendored = v.table === undefined;
  const rewardColumn = v['reward-column'] ?? (vendored ? 'cifar10_valid_acc_12ep' : undefined);
  if (!rewardColumn) throw new UserError('--reward-column is required with --table');
  const reportColumn = v['report-column'] ?? (vendored ? 'cifar10_test_acc_12ep' : rewardColumn);
  const costColumn = v['cost-column'] ?? (vendored ? 'cost_12ep_s' : undefined);
  const budgetSeconds = numberOption(v['budget-seconds'], 'budget-seconds', vendored ? 12000 : Infinity, 0, true, 1e12);
  const maxTrials = intOption(v.trials, 'trials', Infinity as number, 1, LIMITS.budget);
  if (Number.isFinite(budgetSeconds) && !costColumn) throw new UserError('--budget-seconds needs a cost column (--cost-column)');
  if (!Number.isFinite(budgetSeconds) && !Number.isFinite(maxTrials)) throw new UserError('give a budget: --budget-seconds S (with --cost-column) or --trials N');
  const names = (v.strategies ?? 'random,evolution,reinforce,smbo').split(',').map((s) => s.trim()).filter(Boolean);
  const known = strategyNames();
  for (const n of names) if (!known.includes(n)) throw new UserError(`--strategies: unknown strategy "${n}" (known: ${known.join(', ')})`);
  if (names.length === 0) throw new UserError('--strategies is empty');
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new UserError(`--strategies names ${twice} twice`);
  const runs = intOption(v.runs, 'runs', 100, 1, 100_000);
  const seed = intOption(v.seed, 'seed', 0, 0, LIMITS.seed);
  const points = intOption(v.points, 'points', 10, 1, 10_000);
  const options = strategyOptions(v['strategy-option'] ?? [], names);

  const space = loadSpace(v.space ?? 'nas-bench-201');
  const table = loadTable(v.table ?? NB201_TABLE, { archColumn: v['arch-column'], rewardColumn, costColumn, space });
  if (!table.columns.includes(reportColumn)) throw new UserError(`table ${v.table ?? NB201_TABLE} has no column "${reportColumn}"; its columns are: ${table.columns.join(', ')}`);
  const zc = zeroCostOptions(v, space);
  const cfg: BenchConfig = {
    space, table: zc.zeroCost ? zeroCostTable(table, zc.scores!, zc.zeroCost) : table, reportColumn, budgetSeconds: zc.zeroCost && v['budget-seconds'] === undefined ? Infinity : budgetSeconds, maxTrials,
    runs, seed, strategies: names, options, points, ...(zc.warmup ? { warmup: zc.warmup } : {}),
  };
  if (!Number.isFinite(cfg.budgetSeconds) && !Number.isFinite(maxTrials)) throw new UserError('--zero-cost: give the queries with --trials N (a scoring costs a fraction of a second)');
  // REINFORCE's controller and SMBO's predictor are tfjs models: select the plain cpu backend quietly (no tfjs-node banner).
  await selectBackend('cpu');
  const tty = process.stderr.isTTY;
  cfg.onProgress = (name, run) => { if (tty) process.stderr.write(`\r${name}: run ${run}/${cfg.runs}   `); };
  if (v.objectives !== undefined) {
    if (v.objectives.replace(/\s/g, '') !== 'accuracy,cost') throw new UserError(`--objectives: a benchmark table has accuracy and cost (its --cost-column); got "${v.objectives}"`);
    if (!costColumn) throw new UserError('--objectives accuracy,cost needs a cost column (--cost-column)');
    const text = await paretoBenchText(cfg);
    if (tty) process.stderr.write('\r\x1b[K');
    if (v.out === undefined) return void console.log(text);
    writeOutputFile(v.out, text + '\n');
    return void console.log(`wrote ${v.out}`);
  }
  const rows = await benchmarkStrategies(cfg);
  if (tty) process.stderr.write('\r\x1b[K');
  const budget = Number.isFinite(budgetSeconds) ? `${budgetSeconds} simulated s` : `${maxTrials} queries`;
  const text = v.json
    ? JSON.stringify({ table: table.file, rewardColumn, reportColumn, costColumn, budgetSeconds: Number.isFinite(budgetSeconds) ? budgetSeconds : null, maxTrials: Number.isFinite(maxTrials) ? maxTrials : null, seed: cfg.seed, options: cfg.options, results: rows }, null, 2)
    : `${cfg.runs} runs per strategy on ${table.file} (${table.rows.size} cells), reward ${rewardColumn}, budget ${budget}, seeds ${cfg.seed}..${cfg.seed + cfg.runs - 1}\n${formatSummaries(rows, reportColumn)}`;
  if (v.out === undefined) return void console.log(text);
  writeOutputFile(v.out, text + '\n');
  console.log(`wrote ${v.out}`);
}
