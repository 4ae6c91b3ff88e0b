/**
 * The search loop: ask → evaluate → tell → store → emit events.
 *
 * Budget and concurrency live here, not in strategies: the loop keeps `evaluator.capacity`
 * children in flight, so every worker stays busy (steady state). The store is written only from
 * here, and each step that changes the strategy is one transaction together with the trial row it
 * concerns, so a process killed at any instant resumes with no trial lost or run twice:
 *   ask      → [insert trial (running) + save strategy state]
 *   result   → [finish trial + tell + save strategy state]
 *   resume   → trials still 'running'/'interrupted' are re-run under their own id, the strategy is
 *              restored as it was after the last committed step.
 */
import { UserError } from '../core/errors.js';
import type { Evaluator, TrainTask, TrialResult } from '../evaluators/types.js';
import type { SearchEvent } from './events.js';
import type { SearchSpace } from '../space/types.js';
import type { Strategy } from '../strategies/types.js';
import type { Store } from '../store/store.js';
import type { RunConfig, TrialRow } from '../store/types.js';

export interface SearchControl {
  /** Stop handing out children; in-flight ones finish and are recorded. */
  stop(): void;
  /** Stop now: in-flight children are aborted and marked interrupted. */
  abort(): void;
  /** Pause / resume handing out children. */
  setPaused(paused: boolean): void;
  readonly paused: boolean;
  /** True once stop() or abort() was called. */
  readonly stopping: boolean;
}

export interface SearchOptions {
  store: Store;
  runId: number;
  space: SearchSpace;
  strategy: Strategy;
  evaluator: Evaluator;
  config: RunConfig;
  onEvent?: (e: SearchEvent) => void;
  /** Receives the control handle as soon as the loop starts (Ctrl-C, dashboard keys). */
  control?: (c: SearchControl) => void;
  /**
   * Hand-designed baselines to train first (--with-baselines). They are stored as baseline trials,
   * told to the strategy like any other result (seeding evolution's population and SMBO's
   * predictor), and do not count against the budget. Ones already in the run are skipped.
   */
  baselines?: Array<{ name: string; genotype: unknown }>;
}

/** At most this long between turns of the event loop (dashboard keys, signals) during instant evaluations. */
const YIELD_MS = 50;

export type SearchOutcome = 'complete' | 'interrupted' | 'stalled';

interface InFlight {
  trial: TrialRow;
  abort: AbortController;
  promise: Promise<{ trial: TrialRow; result: TrialResult }>;
}

/** Runs (or resumes) a search until the budget is spent, the strategy runs dry or it is stopped. */
export async function runSearch(opts: SearchOptions): Promise<SearchOutcome> {
  const { store, runId, strategy, evaluator, config, space } = opts;
  const emit = opts.onEvent ?? (() => {});
  let stopping = false;
  let aborting = false;
  let paused = false;
  let wake: () => void = () => {};
  const wakeUp = () => wake();

  const control: SearchControl = {
    stop: () => { stopping = true; wakeUp(); },
    abort: () => { stopping = true; aborting = true; for (const f of inFlight.values()) f.abort.abort(); wakeUp(); },
    setPaused: (p) => { paused = p; emit({ type: 'paused', runId, paused: p }); wakeUp(); },
    get paused() { return paused; },
    get stopping() { return stopping; },
  };
  opts.control?.(control);

  const inFlight = new Map<number, InFlight>();
  let lastYield = performance.now();
  let fatal: UserError | undefined;
  let best = bestReward(store, runId);
  let spentSeconds = 0;
  // Baselines trained in a run do not count against its budget.
  const searchTrials = store.trials(runId).filter((t) => !t.baseline);
  let started = searchTrials.length;
  let finished = searchTrials.filter((t) => t.status === 'complete' || t.status === 'failed').length;
  for (const t of searchTrials) if (t.status === 'complete' || t.status === 'failed') spentSeconds += t.seconds ?? 0;
  const budgetLeft = () => started < config.budget && (config.budgetSeconds === undefined || spentSeconds < config.budgetSeconds);

  const dispatch = (trial: TrialRow) => {
    const abort = new AbortController();
    const task: TrainTask = {
      runId, trialId: trial.id, genotype: trial.genotype, spaceFile: config.spaceFile, macro: config.macro,
      proxy: config.proxy, dataset: config.dataset, datasetHash: config.datasetHash, seed: config.seed + trial.number, backend: config.backend,
    };
    emit({ type: 'trial-start', runId, trialId: trial.id, key: trial.key, genotype: trial.genotype, parentId: trial.parentId });
    const promise = evaluator
      .evaluate(task, (progress) => emit({ type: 'progress', runId, progress }), abort.signal)
      .catch((err: unknown): TrialResult => {
        // Bad input found only now (e.g. a table that lacks a sampled cell) ends the search, resumable.
        if (err instanceof UserError) fatal ??= err;
        return { trialId: trial.id, status: 'failed', reward: null, error: errorText(err) };
      })
      .then((result) => ({ trial, result }));
    inFlight.set(trial.id, { trial, abort, promise });
  };

  // Resume: children that were in flight when the last process ended run again under their own id.
  const unfinished = store.trials(runId).filter((t) => t.status === 'running' || t.status === 'interrupted');
  for (const t of unfinished) {
    store.restartTrial(t.id);
    dispatch(t);
  }

  const trained = new Set(store.trials(runId).map((t) => t.baseline).filter((b): b is string => b !== null));
  const baselineQueue = (opts.baselines ?? []).filter((b) => !trained.has(b.name));

  let strategyDry = false;
  for (;;) {
    // Baselines first, then the strategy's proposals, until every slot is busy.
    while (!stopping && !paused && inFlight.size < evaluator.capacity && baselineQueue.length > 0) {
      const b = baselineQueue.shift()!;
      const genotype = space.validate(b.genotype);
      dispatch(store.addTrial({ runId, genotype, key: space.key(genotype), origin: 'baseline', baseline: b.name }));
    }
    while (!stopping && !paused && inFlight.size < evaluator.capacity && budgetLeft()) {
      const proposal = strategy.ask();
      if (!proposal) { strategyDry = true; break; }
      strategyDry = false;
      const genotype = space.validate(proposal.genotype);
      const trial = store.transaction(() => {
        const row = store.addTrial({
          runId, genotype, key: space.key(genotype), parentId: proposal.parentId ?? null,
          mutation: proposal.mutation ?? null, origin: proposal.origin,
        });
        store.saveStrategyState(runId, strategy.state());
        return row;
      });
      started++;
      dispatch(trial);
    }

    if (inFlight.size === 0) {
      if (stopping) break;
      if (paused) { await new Promise<void>((r) => (wake = r)); continue; }
      if (!budgetLeft()) break;
      if (strategyDry) { emit({ type: 'log', runId, line: `strategy ${strategy.name} has nothing more to propose` }); return finish('stalled'); }
      continue;
    }

    const next = await Promise.race([...[...inFlight.values()].map((f) => f.promise), new Promise<null>((r) => (wake = () => r(null)))]);
    if (next === null) {
      if (aborting) break;
      continue;
    }
    const { trial, result } = next;
    inFlight.delete(trial.id);
    if (fatal) {
      for (const f of inFlight.values()) f.abort.abort();
      await Promise.allSettled([...inFlight.values()].map((f) => f.promise));
      store.markInterrupted(runId);
      finish('interrupted');
      throw fatal;
    }
    const isSearchTrial = trial.baseline === null;
    if (aborting) {
      // An aborted child did not finish: it stays resumable, not failed.
      break;
    }
    const reward = result.status === 'complete' && result.reward !== null && Number.isFinite(result.reward) ? result.reward : null;
    const stored: TrialResult = reward === null && result.status === 'complete'
      ? { ...result, status: 'failed', reward: null, error: result.error ?? `reward is not a number (${String(result.reward)})` }
      : result;
    store.transaction(() => {
      store.finishTrial(trial.id, stored);
      strategy.tell({ trialId: trial.id, genotype: trial.genotype, reward });
      store.saveStrategyState(runId, strategy.state());
    });
    if (isSearchTrial) {
      finished++;
      spentSeconds += stored.metrics?.seconds ?? 0;
      if (reward !== null && (best === null || reward > best)) best = reward;
    }
    emit({ type: 'trial-end', runId, trialId: trial.id, result: stored, done: finished, budget: config.budget, best });
    // Instant evaluators (tables) resolve as microtasks: give timers and keypresses a turn now and then.
    if (performance.now() - lastYield > YIELD_MS) {
      await new Promise((r) => setImmediate(r));
      lastYield = performance.now();
    }
  }

  if (inFlight.size > 0 || aborting) {
    for (const f of inFlight.values()) f.abort.abort();
    await Promise.allSettled([...inFlight.values()].map((f) => f.promise));
    store.markInterrupted(runId);
    return finish('interrupted');
  }
  return finish(stopping && budgetLeft() ? 'interrupted' : 'complete');

  function finish(outcome: SearchOutcome): SearchOutcome {
    store.setRunStatus(runId, outcome === 'complete' ? 'complete' : 'interrupted');
    emit({ type: 'end', runId, status: outcome === 'complete' ? 'complete' : 'interrupted', done: finished });
    return outcome;
  }
}

function bestReward(store: Store, runId: number): number | null {
  return store.bestTrial(runId)?.reward ?? null;
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] || err.name;
  return String(err);
}
