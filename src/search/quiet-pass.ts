/**
 * The quiet latency pass: after a search, with its workers stopped, every complete child is timed
 * again in interleaved rounds (src/model/latency.ts measureInterleaved), so a burst
 * of load lands on all of them alike and none is measured while a worker trains beside it. The
 * result is stored as each trial's quietLatency; the front, `nas show` and `nas plot --pareto` use
 * it where present. Measured in-search, the same child can read 2–5× apart on a loaded 2-core
 * machine (docs/hardware-aware.md); the quiet pass is what makes the latencies of a front comparable.
 */
import { buildModel } from '../model/build.js';
import { measureInterleaved } from '../model/latency.js';
import type { SearchSpace } from '../space/types.js';
import type { Store } from '../store/store.js';
import type { RunConfig, TrialRow } from '../store/types.js';
import { fidelityData } from '../training/data.js';
import { taskFidelity } from '../training/fidelity.js';
import { macroOf } from '../training/train-cell.js';
import { median } from '../stats/median.js';

// NOTE: every child, not only the front's neighbours: a front drawn from quiet latencies for some
// children and loaded ones for the others is biased (measured: 2x apart under load).
export const QUIET_ROUNDS = 2;

export interface QuietPassResult {
  measured: number;
  /** Median over children of (max round median / min round median): the repeat-to-repeat spread. */
  spread: number;
  /** Median over children of in-search latency / quiet latency. */
  searchOverQuiet: number;
  seconds: number;
}

/** The trials a quiet pass re-times: every complete child with an in-search latency. */
export function quietCandidates(trials: TrialRow[]): TrialRow[] {
  return trials.filter((t) => t.baseline === null && t.status === 'complete' && t.metrics?.latency !== undefined);
}

export async function quietPass(store: Store, runId: number, space: SearchSpace, o: { rounds?: number; log?: (line: string) => void } = {}): Promise<QuietPassResult> {
  const run = store.requireRun(runId);
  const config = run.config;
  const how = config.latency!;
  const started = performance.now();
  const trials = quietCandidates(store.trials(runId));
  const fidelity = taskFidelity(config);
  const data = fidelityData(config.dataset, fidelity, config.datasetHash);
  const build = (t: TrialRow) => () => (how.network === 'replay'
    ? buildModel(space, t.genotype, how.replayMacro!, { inputShape: how.replayInput!, numClasses: data.numClasses, seed: 0 })
    : buildModel(space, t.genotype, macroOf(fidelity, space), { inputShape: data.inputShape, numClasses: data.numClasses, seed: 0 })).model;
  const rounds = o.rounds ?? QUIET_ROUNDS;
  o.log?.(`quiet latency pass: ${trials.length} children × ${rounds} rounds on ${how.backend} (batch ${how.batch}, ${how.threads} thread(s))`);
  const got = await measureInterleaved(trials.map((t) => ({ id: t.id, build: build(t) })), how, rounds);
  const spreads: number[] = [];
  const ratios: number[] = [];
  store.transaction(() => {
    for (const t of trials) {
      const { roundMs, ...latency } = got.get(t.id)!;
      store.setQuietLatency(t.id, latency);
      spreads.push(Math.max(...roundMs) / Math.min(...roundMs));
      if (t.metrics?.latency) ratios.push(t.metrics.latency.ms / latency.ms);
    }
  });
  return { measured: trials.length, spread: median(spreads), searchOverQuiet: median(ratios), seconds: (performance.now() - started) / 1000 };
}
