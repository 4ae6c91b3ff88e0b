/**
 * `nas bench strategies --objectives accuracy,cost`: the multi-objective form of the NAS-Bench-201
 * benchmark. Each query's point is (reward, the cost column — the cell's 12-epoch training time,
 * a compute cost like latency is); a run is measured by the hypervolume of what it queried
 * (Zitzler & Thiele 1998), as a fraction of the hypervolume of the whole table's front, after each
 * query and at the end of the budget. Pareto-aware strategies (evolution, random) are told the
 * vector; REINFORCE and SMBO MnasNet's product with the table's median cost as the target.
 * NOTE: the target is a choice of ours (the table has no deployment budget); documented in the output.
 */
import type { Table } from '../evaluators/table/table.js';
import { hypervolume, hypervolumeCurve } from '../objectives/hypervolume.js';
import { MNAS_W } from '../objectives/objectives.js';
import { median } from '../stats/median.js';
import type { Strategy } from '../strategies/types.js';
import { meanStd } from './bench-strategies.js';

const DIRS = ['max', 'min'] as const;

export interface ParetoBench {
  /** Reference point (reward 0, 1.1 × the table's largest cost) and the table front's hypervolume. */
  reference: [number, number];
  tableHypervolume: number;
  /** MnasNet target (seconds) for single-number strategies. */
  target: number;
}

export function paretoBench(table: Table): ParetoBench {
  const points = [...table.rows.values()].filter((r) => r.reward !== null && r.cost !== null).map((r) => [r.reward!, r.cost!]);
  const reference: [number, number] = [0, 1.1 * Math.max(...points.map((p) => p[1]))];
  return { reference, tableHypervolume: hypervolume(points, DIRS, reference), target: median(points.map((p) => p[1])) };
}

export interface ParetoRun {
  /** Hypervolume fraction after each query, with the simulated seconds spent. */
  trace: { seconds: number; hv: number }[];
  hv: number;
  trials: number;
}

/** One run: ask → look up → tell (vector or MnasNet reward) until the budget is spent. */
export function simulateParetoSearch(strategy: Strategy, table: Table, bench: ParetoBench, budgetSeconds: number, maxTrials = Infinity): ParetoRun {
  let seconds = 0;
  const points: number[][] = [];
  const times: number[] = [];
  while (seconds < budgetSeconds && points.length < maxTrials) {
    const p = strategy.ask();
    if (!p) break;
    const row = table.require(p.genotype);
    const cost = row.cost ?? 0;
    seconds += cost;
    const id = points.length + 1;
    if (row.reward === null) {
      strategy.tell({ trialId: id, genotype: p.genotype, reward: null });
      continue;
    }
    points.push([row.reward, cost]);
    times.push(seconds);
    strategy.tell(strategy.paretoAware
      ? { trialId: id, genotype: p.genotype, reward: row.reward, objectives: [row.reward, -cost] }
      : { trialId: id, genotype: p.genotype, reward: row.reward * Math.pow(cost / bench.target, MNAS_W) });
  }
  const curve = hypervolumeCurve(points, DIRS, bench.reference).map((h) => h / bench.tableHypervolume);
  return { trace: curve.map((hv, i) => ({ seconds: times[i], hv })), hv: curve.at(-1) ?? 0, trials: points.length };
}

export interface ParetoSummary {
  strategy: string;
  runs: number;
  mean: number;
  std: number;
  finals: number[];
  curve: { seconds: number; mean: number }[];
}

export function summarizePareto(strategy: string, runs: ParetoRun[], horizon: number, points: number): ParetoSummary {
  const at = (r: ParetoRun, t: number) => {
    let v = 0;
    for (const s of r.trace) { if (s.seconds > t) break; v = s.hv; }
    return v;
  };
  const finals = runs.map((r) => r.hv);
  return {
    strategy, runs: runs.length, ...meanStd(finals), finals,
    curve: Array.from({ length: points }, (_, i) => {
      const t = (horizon * (i + 1)) / points;
      return { seconds: t, mean: meanStd(runs.map((r) => at(r, t))).mean };
    }),
  };
}

export function formatPareto(rows: ParetoSummary[], bench: ParetoBench): string {
  const w = Math.max(8, ...rows.map((r) => r.strategy.length));
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : '-');
  const lines = [
    `hypervolume of (reward ↑, cost ↓) as a fraction of the whole table's front (${bench.tableHypervolume.toPrecision(5)}), reference (0, ${bench.reference[1].toFixed(1)} s); ` +
      `REINFORCE and SMBO get MnasNet's reward × (cost / ${bench.target.toFixed(1)} s)^${MNAS_W}`,
    `${'strategy'.padEnd(w)}  runs  hypervolume fraction (mean ± std)`,
    ...rows.map((r) => `${r.strategy.padEnd(w)}  ${String(r.runs).padStart(4)}  ${f(r.mean)} ± ${f(r.std)}`),
  ];
  if (rows.length > 0 && rows[0].curve.length > 0) {
    lines.push('', 'mean hypervolume fraction over simulated seconds');
    lines.push(`${'t (s)'.padEnd(w)}  ${rows[0].curve.map((p) => String(Math.round(p.seconds)).padStart(7)).join(' ')}`);
    for (const r of rows) lines.push(`${r.strategy.padEnd(w)}  ${r.curve.map((p) => f(p.mean).padStart(7)).join(' ')}`);
  }
  return lines.join('\n');
}
