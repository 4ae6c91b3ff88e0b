/**
 * What the dashboard shows, as plain data: one model fed either by live SearchEvents (inside
 * `nas search`) or by polling a read-only store (`nas dashboard`). Nothing here knows about ink,
 * so the panels can be tested as strings and the two modes cannot drift apart.
 */
import type { SearchEvent } from '../search/events.js';
import type { TrialProgress } from '../evaluators/types.js';
import type { Store } from '../store/store.js';
import { shownStatus } from '../store/owner.js';
import { runFront } from '../objectives/front.js';
import type { RunRow, TrialRow } from '../store/types.js';

/** One child being trained now, with its worker's latest progress when known. */
export interface InFlightRow {
  trialId: number;
  key: string;
  parentId: number | null;
  /** Multi-fidelity: the rung it trains (above its first: a promotion). */
  rung?: number;
  progress?: TrialProgress;
}

/** One finished trial in completion order, for the reward chart. */
export interface RewardPoint {
  trialId: number;
  reward: number;
  baseline: string | null;
}

export interface FailureRow {
  trialId: number;
  error: string;
}

/** Everything the panels draw. Immutable once handed to a render. */
export interface DashboardSnapshot {
  runId: number;
  /** 'running' | 'complete' | 'interrupted' | 'failed' | 'stale' (attached: its process is gone), or 'stopping' / 'paused' overlays below. */
  status: string;
  strategy: string;
  space: string;
  backend: string;
  workers: number;
  budget: number;
  budgetSeconds?: number;
  /** ms since the epoch: when this session (live) or the run (attached) started. */
  startedAt: number;
  /** The clock of the elapsed time: now, or when a finished run last changed (attached viewers). */
  now: number;
  /** Finished (complete or failed) search trials, baselines excluded, as the loop counts them. */
  done: number;
  failed: number;
  best: number | null;
  /** Sum of finished search trials' seconds (simulated for tables). */
  spentSeconds: number;
  /** Timestamps (ms) of the latest finishes, for the ETA. */
  recentFinishes: number[];
  inFlight: InFlightRow[];
  rewards: RewardPoint[];
  /** The 10 best complete trials, baselines ranked with them. */
  top: TrialRow[];
  failures: FailureRow[];
  logs: string[];
  paused: boolean;
  stopping: boolean;
  /** True inside `nas search` (keys control the search); false for an attached viewer. */
  live: boolean;
  /** Multi-fidelity runs: complete results per rung (rung 0 first); undefined in a single-fidelity run. */
  rungs?: number[];
  /** Multi-objective runs: `top` holds the Pareto front (cheapest first); its size, of how many, and hypervolume. */
  front?: { names: string[]; size: number; of: number; hypervolume: number };
}

const TOP_N = 10;
const KEEP_FAILURES = 5;
const KEEP_LOGS = 20;
const KEEP_FINISHES = 20;

/**
 * Mutable state behind the snapshots. `dirty` says a redraw is due; the owner decides when
 * (redraws are throttled by the caller, never by the model).
 */
export class DashboardModel {
  dirty = true;
  private s: DashboardSnapshot;
  private topStale = false;
  private endedAt: number | undefined;
  private signature = '';
  private readonly objectives: string[] | undefined;

  constructor(private readonly store: Store, run: RunRow, opts: { live: boolean; backend?: string; workers?: number; startedAt?: number }) {
    const c = run.config;
    this.objectives = c.objectives && c.objectives.names.length > 1 ? c.objectives.names : undefined;
    this.s = {
      runId: run.id, status: run.status, strategy: c.strategy, space: c.space, backend: opts.backend ?? run.backend ?? c.backend,
      workers: opts.workers ?? c.workers, budget: c.budget, budgetSeconds: c.budgetSeconds,
      startedAt: opts.startedAt ?? Date.parse(run.createdAt), now: Date.now(),
      done: 0, failed: 0, best: null, spentSeconds: 0, recentFinishes: [],
      inFlight: [], rewards: [], top: [], failures: [], logs: [], paused: false, stopping: false, live: opts.live,
      rungs: c.ladder ? new Array(c.ladder.rungs).fill(0) : undefined,
    };
    this.reload();
  }

  /**
   * Re-reads what the store knows about the run (attached viewers call this on every poll). The
   * trials are re-read only when their counts by status (or the run row) changed: a few COUNTs cost
   * microseconds, re-reading thousands of trials ~20 ms. Worker progress is always re-read.
   */
  reload(): void {
    const id = this.s.runId;
    const run = this.store.getRun(id);
    // A search killed without a word leaves its run 'running': 'stale' once its process is gone.
    const status = run ? (this.s.live ? run.status : shownStatus(run)) : this.s.status;
    const signature = [status, run?.updatedAt, ...(['running', 'complete', 'failed', 'interrupted'] as const).map((st) => this.store.countTrials(id, st)),
      ...(this.s.rungs ? [this.store.rungs(id).map((r) => r.status[0]).join('')] : [])].join('/');
    if (signature === this.signature) {
      const progress = new Map(this.store.workerProgress(id).map((p) => [p.trialId, p] as const));
      this.s = { ...this.s, inFlight: this.s.inFlight.map((f) => ({ ...f, progress: progress.get(f.trialId) ?? f.progress })) };
      this.dirty = true;
      return;
    }
    this.signature = signature;
    const trials = this.store.trials(this.s.runId);
    const finished = trials.filter((t) => t.status === 'complete' || t.status === 'failed');
    const search = finished.filter((t) => !t.baseline);
    // Completion order: finishedAt, then id (a table evaluator finishes many in one millisecond).
    const byFinish = [...finished].sort((a, b) => (a.finishedAt ?? '').localeCompare(b.finishedAt ?? '') || a.id - b.id);
    const progress = new Map(this.store.workerProgress(this.s.runId).map((p) => [p.trialId, p] as const));
    const liveProgress = new Map(this.s.inFlight.map((f) => [f.trialId, f.progress] as const));
    const lastFinish = Date.parse(byFinish.at(-1)?.finishedAt ?? '') || 0;
    this.endedAt = !this.s.live && run && status !== 'running' ? Math.max(Date.parse(run.updatedAt), lastFinish) : undefined;
    const best = search.reduce<number | null>((m, t) => (t.status === 'complete' && t.reward !== null && (m === null || t.reward > m) ? t.reward : m), null);
    this.s = {
      ...this.s,
      status,
      backend: this.s.live ? this.s.backend : run?.backend ?? this.s.backend,
      done: search.length,
      failed: search.filter((t) => t.status === 'failed').length,
      best,
      spentSeconds: search.reduce((sum, t) => sum + (t.seconds ?? 0), 0),
      recentFinishes: byFinish.slice(-KEEP_FINISHES).map((t) => Date.parse(t.finishedAt ?? '') || 0),
      inFlight: this.s.rungs ? this.rungsInFlight(trials, liveProgress, progress) : trials
        .filter((t) => t.status === 'running')
        .map((t) => ({ trialId: t.id, key: t.key, parentId: t.parentId, progress: liveProgress.get(t.id) ?? progress.get(t.id) })),
      rungs: this.s.rungs && this.s.rungs.map((_, r) => this.store.rungs(id).filter((x) => x.rung === r && x.status === 'complete').length),
      rewards: byFinish.filter((t) => t.status === 'complete' && t.reward !== null).map((t) => ({ trialId: t.id, reward: t.reward as number, baseline: t.baseline })),
      failures: byFinish.filter((t) => t.status === 'failed').slice(-KEEP_FAILURES).map((t) => ({ trialId: t.id, error: t.error ?? 'unknown error' })),
      ...this.ranked(trials),
    };
    this.topStale = false;
    this.dirty = true;
  }

  /** Folds one live event in. Cheap: the only store read (the top 10) is deferred to snapshot(). */
  apply(e: SearchEvent): void {
    const s = this.s;
    switch (e.type) {
      case 'start':
        s.status = 'running';
        break;
      case 'trial-start':
        if (!s.inFlight.some((f) => f.trialId === e.trialId)) s.inFlight = [...s.inFlight, { trialId: e.trialId, key: e.key, parentId: e.parentId, rung: e.rung }];
        break;
      case 'progress': {
        const p = e.progress;
        s.inFlight = s.inFlight.map((f) => (f.trialId === p.trialId ? { ...f, progress: p } : f));
        break;
      }
      case 'trial-end': {
        const r = e.result;
        s.inFlight = s.inFlight.filter((f) => f.trialId !== r.trialId);
        const isSearchTrial = !e.baseline;
        // A promotion (a rung above the child's first) is more training of a known child: it moves the
        // rung counts and the cost, not the count of children, the reward chart or the failures.
        const promotion = s.rewards.some((p) => p.trialId === r.trialId);
        if (s.rungs && e.rung !== undefined && r.status === 'complete') s.rungs = s.rungs.map((n, k) => (k === e.rung ? n + 1 : n));
        s.done = e.done;
        s.best = e.best;
        if (isSearchTrial) s.spentSeconds += r.metrics?.seconds ?? 0;
        this.topStale = true;
        if (promotion) break;
        s.recentFinishes = [...s.recentFinishes, Date.now()].slice(-KEEP_FINISHES);
        if (r.status === 'complete' && r.reward !== null) {
          s.rewards = [...s.rewards, { trialId: r.trialId, reward: r.reward, baseline: e.baseline ?? null }];
        } else {
          if (isSearchTrial) s.failed += 1;
          s.failures = [...s.failures, { trialId: r.trialId, error: r.error ?? 'unknown error' }].slice(-KEEP_FAILURES);
        }
        break;
      }
      case 'log':
        this.log(e.line);
        return;
      case 'paused':
        s.paused = e.paused;
        break;
      case 'end':
        s.status = e.status;
        s.inFlight = [];
        this.topStale = true;
        break;
    }
    this.dirty = true;
  }

  /** A log line for the log panel (the search's plain logger is redirected here). */
  log(line: string): void {
    this.s.logs = [...this.s.logs, line].slice(-KEEP_LOGS);
    this.dirty = true;
  }

  /** Marks the search as stopping (q / Ctrl-C pressed). */
  setStopping(stopping: boolean): void {
    this.s.stopping = stopping;
    this.dirty = true;
  }

  /** The current state, with the clock and (if stale) the top 10 refreshed. Clears `dirty`. */
  snapshot(now = Date.now()): DashboardSnapshot {
    if (this.topStale) {
      this.s = { ...this.s, ...this.ranked() };
      this.topStale = false;
    }
    this.dirty = false;
    return { ...this.s, now: this.endedAt ?? now };
  }

  /** The top 10, or a multi-objective run's front (read from every trial: a front needs them all). */
  private ranked(trials?: TrialRow[]): Pick<DashboardSnapshot, 'top' | 'front'> {
    const names = this.objectives;
    if (!names) return { top: this.store.topTrials(this.s.runId, TOP_N, { baselines: true }) };
    const f = runFront(trials ?? this.store.trials(this.s.runId), names);
    return { top: f.members.map((m) => m.trial), front: { names, size: f.members.length, of: f.scored.length, hypervolume: f.hypervolume } };
  }

  /** What a multi-fidelity run trains now: its running rungs (first rungs and promotions). */
  private rungsInFlight(trials: TrialRow[], live: Map<number, TrialProgress | undefined>, stored: Map<number, TrialProgress>): InFlightRow[] {
    const byId = new Map(trials.map((t) => [t.id, t] as const));
    return this.store.rungs(this.s.runId).filter((r) => r.status === 'running').flatMap((r) => {
      const t = byId.get(r.trialId);
      return t ? [{ trialId: t.id, key: t.key, parentId: t.parentId, rung: r.rung, progress: live.get(t.id) ?? stored.get(t.id) }] : [];
    });
  }
}
