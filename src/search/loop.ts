/**
 * The search loop: ask → evaluate → tell → store → emit events.
 *
 * Budget and concurrency live here, not in strategies: the loop keeps `evaluator.capacity` units in
 * flight, so every worker stays busy (steady state). A unit is a trial at a rung: one rung in a
 * single-fidelity run, a ladder of them under successive halving or Hyperband (src/search/rungs.ts),
 * where a free slot first takes a promotion and only then a new child. The store is written only
 * from here, and each step that changes the strategy or the scheduler is one transaction together
 * with the rows it concerns, so a process killed at any instant resumes with nothing lost or run twice:
 *   ask        → [insert trial (running) (+ its first rung) + save strategy and scheduler state]
 *   promote    → [insert the rung (running) + save the scheduler state]
 *   result     → [finish the rung / trial (+ the trained state a higher rung continues) + tell + save]
 *   resume     → trials and rungs still 'running'/'interrupted' run again under their own ids (a
 *                promotion from its lower rung's stored state); strategy and scheduler are restored
 *                as they were after the last committed step.
 */
import { UserError } from '../core/errors.js';
import type { Evaluator, TrialResult } from '../evaluators/types.js';
import type { SearchEvent } from './events.js';
import type { SearchSpace } from '../space/types.js';
import type { Strategy } from '../strategies/types.js';
import { cpuSecondsOf, type Store } from '../store/store.js';
import type { RunConfig, TrialRow } from '../store/types.js';
import { RungScheduler } from './rungs.js';
import { constraintText } from '../objectives/objectives.js';
import { taskFor } from './task.js';
import { isRejected, rewardTeller } from './objectives.js';

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
   * Hand-designed baselines to train first (--with-baselines, `nas baselines`). They are stored as
   * baseline trials, told to the strategy like any other result (seeding evolution's population and
   * SMBO's predictor), and do not count against the budget. Ones already in the run are skipped.
   */
  baselines?: Array<{ name: string; genotype: unknown }>;
  /**
   * 'baselines': train the baselines (and their promotions) only — no new children, the run's search
   * trials left for `nas search --resume` — and leave the run's status as it was (`nas baselines`).
   */
  only?: 'baselines';
}

/** Consecutive refused proposals after which a constrained search stops (resumable). */
export const MAX_REJECTED_IN_A_ROW = 200;

/** At most this long between turns of the event loop (dashboard keys, signals) during instant evaluations. */
const YIELD_MS = 50;

export type SearchOutcome = 'complete' | 'interrupted' | 'stalled';

interface Unit {
  trial: TrialRow;
  rung: number;
}

interface InFlight {
  unit: Unit;
  abort: AbortController;
  promise: Promise<{ unit: Unit; result: TrialResult }>;
}

const keyOf = (u: { trial: { id: number }; rung: number }) => `${u.trial.id}:${u.rung}`;

/** Runs (or resumes) a search until the budget is spent, the strategy runs dry or it is stopped. */
export async function runSearch(opts: SearchOptions): Promise<SearchOutcome> {
  const { store, runId, strategy, evaluator, config, space } = opts;
  const emit = opts.onEvent ?? (() => {});
  const ladder = config.ladder;
  const scheduler = ladder ? new RungScheduler(ladder.kind, ladder.eta, ladder.rungs) : undefined;
  if (scheduler) {
    const saved = store.loadSchedulerState(runId);
    if (saved !== undefined) scheduler.restore(saved);
  }
  const saveState = () => store.saveStrategyState(runId, strategy.state(), scheduler?.state());
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

  const inFlight = new Map<string, InFlight>();
  let lastYield = performance.now();
  let fatal: UserError | undefined;
  let best = bestReward(store, runId);
  // Baselines trained in a run do not count against its budget of children.
  // Nor do children a constraint refused before training (they are stored, with why).
  const searchTrials = store.trials(runId).filter((t) => !t.baseline && !isRejected(t));
  let started = searchTrials.length;
  let finished = searchTrials.filter((t) => t.status === 'complete' || t.status === 'failed').length;
  // Seconds (simulated for tables) and CPU seconds spent by every finished unit, promotions included.
  // A zero-cost warm-up is paid for from the same budget (its record carries what it spent).
  const warm = config.warmup && 'cpuSeconds' in config.warmup ? config.warmup : undefined;
  let spentSeconds = warm?.seconds ?? 0;
  let spentCpu = warm?.cpuSeconds ?? 0;
  const rungRows = scheduler ? store.rungs(runId) : [];
  const baselineIds = new Set(store.trials(runId).filter((t) => t.baseline).map((t) => t.id));
  if (scheduler) {
    for (const r of rungRows) {
      if (baselineIds.has(r.trialId) || (r.status !== 'complete' && r.status !== 'failed')) continue;
      spentSeconds += r.seconds ?? 0;
      spentCpu += r.cpuSeconds ?? 0;
    }
  } else {
    for (const t of store.trials(runId).filter((x) => !x.baseline)) {
      if (t.status !== 'complete' && t.status !== 'failed') continue;
      spentSeconds += t.seconds ?? 0;
      spentCpu += (t.metrics?.extra?.cpuSeconds as number | undefined) ?? 0;
    }
  }
  const costLeft = () => (config.budgetSeconds === undefined || spentSeconds < config.budgetSeconds) && (config.budgetCpuSeconds === undefined || spentCpu < config.budgetCpuSeconds);
  const childrenLeft = () => opts.only !== 'baselines' && started < config.budget && costLeft();

  const dispatch = (unit: Unit, from?: Uint8Array) => {
    const abort = new AbortController();
    const task = taskFor(config, runId, unit.trial, ladder && { rung: unit.rung, ladder, from }, !scheduler || unit.rung === firstRung(unit.trial));
    emit({ type: 'trial-start', runId, trialId: unit.trial.id, key: unit.trial.key, genotype: unit.trial.genotype, parentId: unit.trial.parentId, rung: ladder ? unit.rung : undefined, baseline: unit.trial.baseline });
    const promise = evaluator
      .evaluate(task, (progress) => emit({ type: 'progress', runId, progress }), abort.signal)
      .catch((err: unknown): TrialResult => {
        // Bad input found only now (e.g. a table that lacks a sampled cell) ends the search, resumable.
        if (err instanceof UserError) fatal ??= err;
        return { trialId: unit.trial.id, status: 'failed', reward: null, error: errorText(err) };
      })
      .then((result) => ({ unit, result }));
    inFlight.set(keyOf(unit), { unit, abort, promise });
  };

  // The lower rung's state a promotion continues, when that rung kept one.
  const stateFor = (trialId: number, rung: number) => (rung > 0 ? store.rungState(trialId, rung - 1) : undefined);

  // Resume: units in flight when the last process ended run again under their own ids.
  const firstRung = (t: TrialRow) => (scheduler ? scheduler.bracketOf(t.id) : 0);
  for (const t of store.trials(runId).filter((x) => x.status === 'running' || x.status === 'interrupted')) {
    if (opts.only === 'baselines' && !t.baseline) continue;
    store.restartTrial(t.id);
    if (scheduler) store.restartRung(t.id, firstRung(t));
    dispatch({ trial: t, rung: firstRung(t) });
  }
  if (scheduler) {
    for (const r of rungRows.filter((x) => (x.status === 'running' || x.status === 'interrupted'))) {
      const trial = store.requireTrial(r.trialId);
      if (trial.status !== 'complete' || (opts.only === 'baselines' && !trial.baseline)) continue;
      store.restartRung(r.trialId, r.rung);
      dispatch({ trial, rung: r.rung }, stateFor(r.trialId, r.rung));
    }
  }

  const trained = new Set(store.trials(runId).map((t) => t.baseline).filter((b): b is string => b !== null));
  const baselineQueue = (opts.baselines ?? []).filter((b) => !trained.has(b.name));

  /** A new trial and, in a ladder, its first rung — one transaction with the states. */
  const admit = (fields: Parameters<Store['addTrial']>[0]): Unit => store.transaction(() => {
    const trial = store.addTrial(fields);
    let rung = 0;
    if (scheduler) {
      rung = scheduler.admit(trial.id).rung;
      store.addRung(trial.id, rung);
    }
    saveState();
    return { trial, rung };
  });

  /** The next promotion, if the scheduler has one and the budget allows. */
  const promote = (): boolean => {
    if (!scheduler || !costLeft()) return false;
    const busy = new Set([...inFlight.values()].map((f) => f.unit.trial.id));
    const p = scheduler.nextPromotion(busy);
    if (!p) return false;
    const trial = store.requireTrial(p.trialId);
    if (opts.only === 'baselines' && !trial.baseline) return false;
    store.transaction(() => {
      store.addRung(p.trialId, p.to);
      scheduler.promote(p);
      saveState();
    });
    dispatch({ trial, rung: p.to }, stateFor(p.trialId, p.to));
    return true;
  };

  const tellOf = rewardTeller(config, strategy, (id) => store.requireTrial(id));
  // Proposals refused in a row by a constraint: the search stops rather than spin on an infeasible one.
  let rejectedInARow = 0;
  let strategyDry = false;
  for (;;) {
    // Baselines first, then promotions, then the strategy's proposals, until every slot is busy.
    while (!stopping && !paused && inFlight.size < evaluator.capacity) {
      if (baselineQueue.length > 0) {
        const b = baselineQueue.shift()!;
        const genotype = space.validate(b.genotype);
        dispatch(admit({ runId, genotype, key: space.key(genotype), origin: 'baseline', baseline: b.name }));
        continue;
      }
      if (promote()) continue;
      if (!childrenLeft() || rejectedInARow >= MAX_REJECTED_IN_A_ROW) break;
      const proposal = strategy.ask();
      if (!proposal) { strategyDry = true; break; }
      strategyDry = false;
      const genotype = space.validate(proposal.genotype);
      const unit = admit({ runId, genotype, key: space.key(genotype), parentId: proposal.parentId ?? null, mutation: proposal.mutation ?? null, origin: proposal.origin });
      started++;
      dispatch(unit);
    }

    if (inFlight.size === 0) {
      if (stopping) break;
      if (paused) { await new Promise<void>((r) => (wake = r)); continue; }
      if (!childrenLeft()) break;
      if (strategyDry) { emit({ type: 'log', runId, line: `strategy ${strategy.name} has nothing more to propose` }); return finish('stalled'); }
      if (rejectedInARow >= MAX_REJECTED_IN_A_ROW) {
        emit({ type: 'log', runId, line: `stopping: the last ${rejectedInARow} proposals all broke a constraint (${config.objectives ? constraintText(config.objectives.constraints) : ''}); loosen it or resume to try further` });
        return finish('stalled');
      }
      continue;
    }

    const next = await Promise.race([...[...inFlight.values()].map((f) => f.promise), new Promise<null>((r) => (wake = () => r(null)))]);
    if (next === null) {
      if (aborting) break;
      continue;
    }
    const { unit, result } = next;
    inFlight.delete(keyOf(unit));
    if (fatal) {
      for (const f of inFlight.values()) f.abort.abort();
      await Promise.allSettled([...inFlight.values()].map((f) => f.promise));
      store.markInterrupted(runId);
      finish('interrupted');
      throw fatal;
    }
    // An aborted unit did not finish: it stays resumable, not failed.
    if (aborting) break;
    record(unit, result);
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
  return finish(stopping && childrenLeft() ? 'interrupted' : 'complete');

  /** One finished unit into the store, the strategy and the scheduler (one transaction). */
  function record(unit: Unit, result: TrialResult): void {
    const { trial, rung } = unit;
    const reward = result.status === 'complete' && result.reward !== null && Number.isFinite(result.reward) ? result.reward : null;
    const { state, ...plain } = result;
    const stored: TrialResult = reward === null && result.status === 'complete'
      ? { ...plain, status: 'failed', reward: null, error: result.error ?? `reward is not a number (${String(result.reward)})` }
      : plain;
    const firstResult = !scheduler || rung === firstRung(trial);
    // Latency is measured at a child's first unit only; a promotion's result carries it on.
    if (config.latency && !firstResult && stored.metrics && !stored.metrics.latency) {
      const { latency, quietLatency } = store.requireTrial(trial.id).metrics ?? {};
      if (latency) stored.metrics = { ...stored.metrics, latency, ...(quietLatency ? { quietLatency } : {}) };
    }
    store.transaction(() => {
      if (scheduler) store.finishRung(trial.id, rung, stored, state && reward !== null ? Buffer.from(state, 'base64') : undefined);
      if (firstResult) store.finishTrial(trial.id, stored, scheduler && reward !== null ? rung : undefined);
      // A failed promotion becomes a failed rung; the child keeps its lower rung's reward and the strategy is not told.
      if (firstResult || reward !== null) strategy.tell({ ...tellOf(trial.id, reward), trialId: trial.id, genotype: trial.genotype, ...(scheduler ? { rung } : {}) });
      scheduler?.report(trial.id, rung, reward);
      saveState();
    });
    const isSearchTrial = trial.baseline === null;
    if (isSearchTrial) {
      // A refused proposal is not a child of the budget (its slot goes to the next), but what it cost is spent.
      if (result.rejected) { started--; rejectedInARow++; }
      else if (firstResult) { finished++; rejectedInARow = 0; }
      spentSeconds += stored.metrics?.seconds ?? 0;
      spentCpu += cpuSecondsOf(stored) ?? 0;
    }
    best = bestReward(store, runId);
    emit({ type: 'trial-end', runId, trialId: trial.id, result: stored, done: finished, budget: config.budget, best, rung: scheduler ? rung : undefined, baseline: trial.baseline });
  }

  function finish(outcome: SearchOutcome): SearchOutcome {
    // `nas baselines` leaves the run's status as the search left it.
    if (opts.only !== 'baselines') store.setRunStatus(runId, outcome === 'complete' ? 'complete' : 'interrupted');
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
