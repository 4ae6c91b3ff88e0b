/**
 * Zero-cost warm-up (`--warmup ESTIMATOR:N`, Abdelfattah et al. 2021, "Zero-Cost Proxies for
 * Lightweight NAS", §5 "warmup"): before the search, N distinct candidate cells are scored with a
 * zero-cost estimator on the pool's worker threads, and the best become the strategy's first
 * proposals (Strategy.warmStart). The cells are then trained like any others; the warm-up's cost is
 * counted and reported.
 * NOTE: the paper warms up evolution's population and a predictor's training set; random search and
 * REINFORCE here take the best cells as their first batch (off-policy for the controller).
 */
import { UserError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import { estimatorNames } from '../estimators/index.js';
import { createPoolEvaluator } from '../evaluators/pool/pool.js';
import type { TrialResult } from '../evaluators/types.js';
import type { Genotype, SearchSpace } from '../space/types.js';
import type { Strategy } from '../strategies/types.js';
import type { RunConfig } from '../store/types.js';
import { cpuSecondsOf } from '../store/store.js';
import { taskFor } from './task.js';

export interface WarmupSpec {
  estimator: string;
  cells: number;
}

/** What the run config records of a warm-up. */
export interface WarmupRecord extends WarmupSpec {
  seconds: number;
  cpuSeconds: number;
  failed: number;
  /** The cells handed to the strategy, best first, with their scores. */
  chosen: Array<{ key: string; score: number }>;
}

/** `--warmup synflow:3000`. UserError naming what is wrong. */
export function parseWarmup(spec: string): WarmupSpec {
  const at = spec.lastIndexOf(':');
  const estimator = at < 0 ? spec : spec.slice(0, at);
  const n = at < 0 ? NaN : Number(spec.slice(at + 1));
  if (!estimatorNames().includes(estimator)) throw new UserError(`--warmup must be ESTIMATOR:N with ESTIMATOR one of ${estimatorNames().join(', ')}, got "${spec}"`);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new UserError(`--warmup ${estimator}:N needs N, the cells to score, from 1 to 100,000, got "${spec.slice(at + 1)}"`);
  return { estimator, cells: n };
}

/** Scores the candidates and warm-starts the strategy; returns what to record in the run config. */
export async function warmUp(spec: WarmupSpec, strategy: Strategy, space: SearchSpace, config: RunConfig, log: (line: string) => void): Promise<WarmupRecord> {
  if (!strategy.warmStart) throw new UserError(`strategy ${strategy.name} takes no warm-up`);
  const rng = createRng(`warmup:${config.seed}`);
  const seen = new Set<string>();
  const cells: Array<{ g: Genotype; key: string }> = [];
  for (let tries = 0; cells.length < spec.cells && tries < spec.cells * 50; tries++) {
    const g = strategy.warmCandidate ? strategy.warmCandidate(rng) : space.sample(rng);
    const key = space.key(g);
    if (seen.has(key)) continue;
    seen.add(key);
    cells.push({ g, key });
  }
  const pool = createPoolEvaluator({ workers: config.workers });
  const started = performance.now();
  let cpu = 0;
  const results: Array<{ g: Genotype; key: string; score: number | null }> = [];
  try {
    let next = 0;
    const run = async (): Promise<void> => {
      while (next < cells.length) {
        const c = cells[next++];
        // Seeds of the warm-up's networks stay apart from the children's (run seed + trial number).
        const task = { ...taskFor(config, 0, { id: 0, number: 1_000_000 + next, genotype: c.g }), estimator: spec.estimator };
        const r: TrialResult = await pool.evaluate(task);
        cpu += cpuSecondsOf(r) ?? 0;
        results.push({ ...c, score: r.status === 'complete' ? r.reward : null });
      }
    };
    await Promise.all(Array.from({ length: pool.capacity }, run));
  } finally {
    await pool.close();
  }
  const scored = results.filter((r): r is typeof r & { score: number } => r.score !== null).sort((a, b) => b.score - a.score || a.key.localeCompare(b.key));
  strategy.warmStart(scored.map((r) => r.g));
  const seconds = (performance.now() - started) / 1000;
  const record: WarmupRecord = {
    ...spec, seconds, cpuSeconds: cpu, failed: results.length - scored.length,
    chosen: scored.slice(0, 64).map((r) => ({ key: r.key, score: r.score })),
  };
  log(`warm-up: ${results.length} cells scored with ${spec.estimator} in ${seconds.toFixed(1)} s (${cpu.toFixed(1)} CPU-s), ${record.failed} unscorable; best ${scored[0]?.score.toFixed(3) ?? '-'}`);
  return record;
}
