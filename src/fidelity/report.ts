/**
 * The numbers of a fidelity study: for every estimator, how well one of its scores ranks the cells
 * the way the reference does (Spearman ρ, Kendall τ, τ among the reference's top quarter, whether
 * the reference's best is in its top 3), how repeatable it is (ρ between its seeds, seed-to-seed
 * spread), and what it costs per cell. The reference's own repeatability bounds every row.
 *
 * "One seed" figures are what a search sees (each child is scored once): the mean over seeds of the
 * statistic of each seed's scores against the reference's mean over its seeds. Cells whose reference
 * failed at every seed, or that an estimator could not score, are left out and counted.
 */
import { kendallTauB, rankOfBest, spearman, spearmanInterval, topKendall } from '../stats/correlation.js';
import type { ScoreRow, StudyCellRow } from '../store/studies.js';
import { describeFidelity } from '../training/fidelity.js';
import type { StudyConfig } from './study.js';
import { REFERENCE, type EstimatorSpec } from './unit.js';

export interface EstimatorReport {
  name: string;
  kind: EstimatorSpec['kind'] | 'reference';
  fidelity: string | null;
  /** Cells with both a score and a reference value. */
  n: number;
  /** Cells left out: a failed or missing score. */
  missing: number;
  seeds: number;
  rho: number;
  rhoInterval: [number, number];
  tau: number;
  tauTop25: number;
  /** Seeds (of `seeds`) at which the reference's best cell is in the estimator's top 3. */
  bestInTop3: number;
  /** ρ and τ of the estimator's mean over seeds. */
  rhoOfMean: number;
  /** ρ between the estimator's first two seeds (1 for a seed-free count); NaN with one seed. */
  repeatRho: number;
  /** Mean over cells of the standard deviation across seeds, in accuracy points (trained) or the score's unit. */
  seedStd: number;
  cpuSecondsPerCell: number;
  secondsPerCell: number;
}

export interface StudyReport {
  cells: number;
  referenceCells: number;
  referenceFailed: number;
  estimators: EstimatorReport[];
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const std = (xs: number[]) => {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

/** value[cellIndex][seedIndex] of one estimator (NaN where missing or failed). */
function matrix(cells: StudyCellRow[], scores: ScoreRow[], estimator: string, seeds: number[]): number[][] {
  const at = new Map<string, number>();
  for (const s of scores) if (s.estimator === estimator && s.status === 'complete' && s.value !== null) at.set(`${s.cellId}:${s.seed}`, s.value);
  return cells.map((c) => seeds.map((seed) => at.get(`${c.id}:${seed}`) ?? NaN));
}

export function studyReport(config: StudyConfig, cells: StudyCellRow[], scores: ScoreRow[]): StudyReport {
  const seeds = config.seeds;
  const refM = matrix(cells, scores, REFERENCE, seeds);
  const ref = refM.map((row) => mean(row.filter(Number.isFinite)));
  const refFailed = cells.filter((c, i) => !Number.isFinite(ref[i]) && scores.some((s) => s.cellId === c.id && s.estimator === REFERENCE && s.status === 'failed')).length;
  const specs: Array<EstimatorSpec | { name: string; kind: 'reference'; fidelity: StudyConfig['reference'] }> = [
    { name: REFERENCE, kind: 'reference', fidelity: config.reference }, ...config.estimators,
  ];
  const estimators = specs.map((e) => {
    const m = e.name === REFERENCE ? refM : matrix(cells, scores, e.name, seeds);
    const seedFree = e.kind === 'static';
    const used = seedFree ? [0] : seeds.map((_, k) => k);
    const rows = cells.map((_, i) => i).filter((i) => Number.isFinite(ref[i]));
    const perSeed = used.map((k) => {
      const idx = rows.filter((i) => Number.isFinite(m[i][k]));
      const est = idx.map((i) => m[i][k]);
      const r = idx.map((i) => ref[i]);
      return { n: idx.length, rho: spearman(est, r), tau: kendallTauB(est, r), top: topKendall(est, r, 0.25), best: rankOfBest(est, r) <= 3 };
    });
    // A seed with nothing scored yet (a study still running) is left out rather than counted as n = 0.
    const scoredSeeds = perSeed.filter((p) => p.n > 0);
    const per = scoredSeeds.length > 0 ? scoredSeeds : perSeed;
    const meanIdx = rows.filter((i) => used.some((k) => Number.isFinite(m[i][k])));
    const estMean = meanIdx.map((i) => mean(used.map((k) => m[i][k]).filter(Number.isFinite)));
    const n = Math.min(...per.map((p) => p.n));
    const rho = mean(per.map((p) => p.rho));
    const both = rows.filter((i) => Number.isFinite(m[i][0]) && Number.isFinite(m[i][1] ?? NaN));
    const scale = e.kind === 'trained' || e.kind === 'reference' ? 100 : 1;
    const unit = (s: ScoreRow[]) => s.filter((x) => x.estimator === e.name);
    const own = unit(scores);
    return {
      name: e.name, kind: e.kind, fidelity: e.fidelity ? describeFidelity(e.fidelity) : null,
      n, missing: rows.length - n, seeds: per.length,
      rho, rhoInterval: spearmanInterval(rho, n), tau: mean(per.map((p) => p.tau)), tauTop25: mean(per.map((p) => p.top)),
      bestInTop3: per.filter((p) => p.best).length,
      rhoOfMean: spearman(estMean, meanIdx.map((i) => ref[i])),
      repeatRho: seedFree ? 1 : seeds.length < 2 ? NaN : spearman(both.map((i) => m[i][0]), both.map((i) => m[i][1])),
      seedStd: seedFree ? 0 : mean(rows.map((i) => std(m[i].filter(Number.isFinite).map((v) => v * scale))).filter(Number.isFinite)),
      cpuSecondsPerCell: mean(own.map((s) => s.cpuSeconds ?? NaN).filter(Number.isFinite)),
      secondsPerCell: mean(own.map((s) => s.seconds ?? NaN).filter(Number.isFinite)),
    } satisfies EstimatorReport;
  });
  return { cells: cells.length, referenceCells: ref.filter(Number.isFinite).length, referenceFailed: refFailed, estimators };
}

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');

/**
 * Per estimator (table order: the reference's seed 1 vs seed 2 first when there are two seeds, then
 * best ρ first), each cell's mean score over seeds against its mean reference accuracy: the study figure.
 */
export function studyPanels(config: StudyConfig, cells: StudyCellRow[], scores: ScoreRow[], report: StudyReport): Array<{ report: EstimatorReport; points: Array<{ x: number; y: number }> }> {
  const refM = matrix(cells, scores, REFERENCE, config.seeds);
  const ref = refM.map((row) => mean(row.filter(Number.isFinite)));
  const [refRow, ...rest] = report.estimators;
  const ordered = rest.sort((a, b) => (Number.isFinite(b.rho) ? b.rho : -2) - (Number.isFinite(a.rho) ? a.rho : -2));
  const out = ordered.map((e) => {
    const m = matrix(cells, scores, e.name, config.seeds);
    const points = cells.map((_, i) => ({ x: mean(m[i].filter(Number.isFinite)), y: ref[i] })).filter((q) => Number.isFinite(q.x) && Number.isFinite(q.y));
    return { report: e, points };
  });
  if (config.seeds.length >= 2) {
    const points = refM.map((row) => ({ x: row[0], y: row[1] })).filter((q) => Number.isFinite(q.x) && Number.isFinite(q.y));
    out.unshift({ report: refRow, points });
  }
  return out;
}

/** The report as a text table, best ρ first after the reference. */
export function reportTable(r: StudyReport): string[] {
  const [refRow, ...rest] = r.estimators;
  const rows = [refRow, ...rest.sort((a, b) => (Number.isFinite(b.rho) ? b.rho : -2) - (Number.isFinite(a.rho) ? a.rho : -2))];
  const head = ['estimator', 'fidelity', 'n', 'ρ (one seed)', '95% CI', 'τ', 'τ top 25%', 'best in top 3', 'ρ of mean', 'ρ seed↔seed', 'seed std', 'CPU-s/cell'];
  const body = rows.map((e) => [
    e.name, e.fidelity ?? (e.kind === 'static' ? 'untrained count' : 'untrained'), String(e.n),
    e.name === REFERENCE ? '(1)' : f2(e.rho), e.name === REFERENCE ? '' : `${f2(e.rhoInterval[0])}…${f2(e.rhoInterval[1])}`,
    e.name === REFERENCE ? '' : f2(e.tau), e.name === REFERENCE ? '' : f2(e.tauTop25), e.name === REFERENCE ? '' : `${e.bestInTop3}/${e.seeds}`,
    e.name === REFERENCE ? '' : f2(e.rhoOfMean), f2(e.repeatRho), e.kind === 'static' ? '0' : `${f2(e.seedStd)}${e.kind === 'trained' || e.kind === 'reference' ? ' pts' : ''}`,
    Number.isFinite(e.cpuSecondsPerCell) ? e.cpuSecondsPerCell.toFixed(1) : '–',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cols: string[]) => cols.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), ...body.map(line)];
}
