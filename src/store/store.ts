/**
 * The one SQLite store (better-sqlite3): runs, trials with lineage, strategy state, worker
 * progress, replays and learning curves, studies and comparisons. Everything a run needs to
 * resume lives here.
 *
 * One writer: the search's main thread. Several SQLite writers give "database is locked"
 * (Optuna's RDB storage learned this the hard way), so dashboards and `nas runs` from another
 * terminal open the file with { readonly: true }; in WAL mode they never block the writer.
 * All calls are synchronous; a transaction's function must not await.
 */
import type Database from 'better-sqlite3';
import { UserError } from '../core/errors.js';
import type { TrialResult } from '../evaluators/types.js';
import type { Latency } from '../model/latency.js';
import { asUserError, openDatabase, type OpenOptions } from './open-database.js';
import { DamagedRowError, parseJsonColumn } from './row-shapes.js';
import { currentOwner, refuseLiveOwner } from './owner.js';
import { Studies } from './studies.js';
import { Comparisons } from './comparisons.js';
import {
  REPLAY_COLUMNS,
  finiteOrNull,
  toCurvePoint,
  toJson,
  toReplay,
  toRun,
  toRung,
  toRunSummary,
  toTrial,
  toWorkerProgress,
  type CurveRecord,
  type ReplayRecord,
  type RungRecord,
  type RunRecord,
  type RunSummaryRecord,
  type TrialRecord,
  type WorkerProgressRecord,
} from './rows.js';
import type {
  CurveOwner,
  CurvePoint,
  NewReplay,
  NewTrial,
  NewWorkerProgress,
  ReplayRow,
  RungRow,
  RunConfig,
  RunRow,
  RunStatus,
  RunSummary,
  TrialRow,
  TrialStatus,
  WorkerProgressRow,
} from './types.js';

const now = (): string => new Date().toISOString();

/** The CPU seconds of the thread that trained a result (pool workers measure them), or undefined. */
export function cpuSecondsOf(result: TrialResult): number | undefined {
  const v = result.metrics?.extra?.cpuSeconds;
  return typeof v === 'number' ? v : undefined;
}

export class Store {
  /** The path as given to open() (used in messages). */
  readonly file: string;
  /** True for a dashboard's connection: every write throws. */
  readonly readOnly: boolean;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  /** The study tables (`nas fidelity`). */
  readonly studies: Studies;
  /** The comparison tables (`nas compare`). */
  readonly comparisons: Comparisons;
  private rungsKnown: boolean | undefined;

  private constructor(file: string, db: Database.Database, readOnly: boolean) {
    this.file = file;
    this.db = db;
    this.readOnly = readOnly;
    this.studies = new Studies((sql) => this.stmt(sql), (fn) => this.transaction(fn), file);
    this.comparisons = new Comparisons((sql) => this.stmt(sql), (fn) => this.transaction(fn), file, () => this.schemaVersion());
  }

  /**
   * Opens (creating if needed) a store; ':memory:' is allowed. `readonly` is for dashboards: it
   * never writes and never blocks the writer. Throws UserError, leaving the file untouched, when
   * the folder is missing or not writable, the file is not SQLite, belongs to another application,
   * or was written by a newer nas. An older store is migrated (writers only).
   */
  static open(file: string, opts: { readonly?: boolean } = {}): Store {
    return Store.openWith(file, opts);
  }

  /** open() with a custom migration list: for tests of schema upgrades. */
  static openWith(file: string, opts: OpenOptions): Store {
    return new Store(file, openDatabase(file, opts), opts.readonly ?? false);
  }

  /** Closes the connection (a writer checkpoints the WAL into the main file). Idempotent. */
  close(): void {
    if (this.db.open) this.db.close();
  }

  /**
   * Runs fn in one transaction (nested calls become savepoints). fn must be synchronous.
   * A writer's transaction is IMMEDIATE: it takes the write lock up front (waiting out the busy
   * timeout), because a deferred one that reads and then writes fails at once with SQLITE_BUSY when
   * another process (a `nas train` beside a search) committed in between.
   */
  transaction<T>(fn: () => T): T {
    const tx = this.db.transaction(fn);
    return this.readOnly || this.db.inTransaction ? tx() : tx.immediate();
  }

  /** `PRAGMA integrity_check`: 'ok', or SQLite's list of problems joined by newlines. */
  integrityCheck(): string {
    const rows = this.guarded(() => this.db.pragma('integrity_check')) as Array<{ integrity_check: string }>;
    return rows.map((r) => r.integrity_check).join('\n');
  }

  /** The schema version recorded in the file. */
  schemaVersion(): number {
    return Number((this.stmt(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as { value: string }).value);
  }

  // ------------------------------------------------------------------ runs

  /** A new run, status 'running', held by this process. */
  createRun(config: RunConfig): RunRow {
    const t = now();
    const info = this.stmt(`INSERT INTO runs (status, config, backend, created_at, updated_at, owner) VALUES ('running', ?, NULL, ?, ?, ?)`).run(
      JSON.stringify(config),
      t,
      t,
      currentOwner(),
    );
    return this.requireRun(Number(info.lastInsertRowid));
  }

  /**
   * A resume takes the run over: status 'running', held by this process. UserError while the
   * process that holds it still runs (two searches would train the same trials).
   */
  claimRun(id: number): void {
    this.transaction(() => {
      refuseLiveOwner(this.requireRun(id), `run ${id} is still being searched`);
      this.stmt(`UPDATE runs SET status = 'running', owner = ?, updated_at = ? WHERE id = ?`).run(currentOwner(), now(), id);
    });
  }

  getRun(id: number): RunRow | undefined {
    const r = this.stmt('SELECT * FROM runs WHERE id = ?').get(id) as RunRecord | undefined;
    return r && this.map(toRun)(r);
  }

  /** getRun, or UserError "unknown run 7 in runs/nas.db". */
  requireRun(id: number): RunRow {
    const run = this.getRun(id);
    if (!run) throw new UserError(`unknown run ${id} in ${this.file}`);
    return run;
  }

  /** Every run with its trial counts and best reward (non-baseline), oldest first. */
  listRuns(): RunSummary[] {
    const rows = this.stmt(
      `SELECT r.*,
              COUNT(t.id) AS trials,
              COALESCE(SUM(t.status = 'complete'), 0) AS completed,
              COALESCE(SUM(t.status = 'failed'), 0) AS failed,
              MAX(CASE WHEN t.status = 'complete' AND t.baseline IS NULL THEN t.reward END) AS best
         FROM runs r LEFT JOIN trials t ON t.run_id = r.id
        GROUP BY r.id ORDER BY r.id`,
    ).all() as RunSummaryRecord[];
    return rows.map(this.map(toRunSummary));
  }

  setRunStatus(id: number, status: RunStatus): void {
    this.updateRun(id, 'status', status);
  }

  /** Records the backend actually used once 'auto' has resolved. */
  setRunBackend(id: number, backend: string): void {
    this.updateRun(id, 'backend', backend);
  }

  private updateRun(id: number, column: 'status' | 'backend', value: string): void {
    const info = this.stmt(`UPDATE runs SET ${column} = ?, updated_at = ? WHERE id = ?`).run(value, now(), id);
    if (info.changes === 0) this.requireRun(id);
  }

  // ------------------------------------------------------------------ trials

  /** A new trial of a run, status 'running', numbered after the run's last trial. */
  addTrial(t: NewTrial): TrialRow {
    this.requireRun(t.runId);
    const info = this.stmt(
      `INSERT INTO trials (run_id, number, key, genotype, status, parent_id, mutation, origin, baseline, created_at)
       SELECT ?, COALESCE(MAX(number), 0) + 1, ?, ?, 'running', ?, ?, ?, ?, ? FROM trials WHERE run_id = ?`,
    ).run(t.runId, t.key, JSON.stringify(t.genotype), t.parentId ?? null, toJson(t.mutation), t.origin, t.baseline ?? null, now(), t.runId);
    return this.requireTrial(Number(info.lastInsertRowid));
  }

  /**
   * Records a child's result: status complete/failed, the reward (NULL unless finite), metrics,
   * and params, multAdds, seconds and worker pulled out of the metrics as columns. Only a running
   * or interrupted trial can finish: finishing one twice is a bug in the caller.
   */
  finishTrial(id: number, result: TrialResult, rung?: number): TrialRow {
    if (result.trialId !== id) throw new Error(`finishTrial(${id}) was given the result of trial ${result.trialId}`);
    if (rung !== undefined) this.stmt('UPDATE trials SET rung = ? WHERE id = ?').run(rung, id);
    if (result.status !== 'complete' && result.status !== 'failed') throw new Error(`finishTrial: bad status ${String(result.status)}`);
    const m = result.metrics;
    const info = this.stmt(
      `UPDATE trials SET status = ?, reward = ?, metrics = ?, params = ?, mult_adds = ?, seconds = ?, error = ?,
              worker = COALESCE(?, worker), finished_at = ?
        WHERE id = ? AND status IN ('running', 'interrupted')`,
    ).run(
      result.status,
      finiteOrNull(result.reward),
      toJson(m),
      finiteOrNull(m?.params),
      finiteOrNull(m?.multAdds),
      finiteOrNull(m?.seconds),
      result.error ?? null,
      m?.worker ?? null,
      now(),
      id,
    );
    if (info.changes === 0) {
      const trial = this.requireTrial(id);
      throw new Error(`trial ${id} is already ${trial.status}`);
    }
    return this.requireTrial(id);
  }

  /** Resume re-runs an interrupted (or stale running) trial under the same id. */
  restartTrial(id: number): void {
    const info = this.stmt(
      `UPDATE trials SET status = 'running', worker = NULL, error = NULL, finished_at = NULL
        WHERE id = ? AND status IN ('running', 'interrupted')`,
    ).run(id);
    if (info.changes === 0) {
      const trial = this.requireTrial(id);
      throw new Error(`trial ${id} is ${trial.status}; only an interrupted trial can restart`);
    }
  }

  /** Every 'running' trial (and rung) of the run becomes 'interrupted' (Ctrl-C, or a resume after a kill). */
  markInterrupted(runId: number): number {
    return this.transaction(() => {
      if (this.hasRungs()) {
        this.stmt(`UPDATE trial_rungs SET status = 'interrupted' WHERE status = 'running' AND trial_id IN (SELECT id FROM trials WHERE run_id = ?)`).run(runId);
      }
      return this.stmt(`UPDATE trials SET status = 'interrupted' WHERE run_id = ? AND status = 'running'`).run(runId).changes;
    });
  }

  // ------------------------------------------------------------------ rungs (multi-fidelity runs)

  /** True when the file has the rung table (schema 4; a reader may look at an older store as it is). */
  hasRungs(): boolean {
    this.rungsKnown ??= this.schemaVersion() >= 4;
    return this.rungsKnown;
  }

  /** A rung about to train (status running): the first rung of a new trial or a promotion. */
  addRung(trialId: number, rung: number): void {
    this.stmt(`INSERT INTO trial_rungs (trial_id, rung, status, created_at) VALUES (?, ?, 'running', ?)`).run(trialId, rung, now());
  }

  /** A resume runs an interrupted (or stale running) rung again. */
  restartRung(trialId: number, rung: number): void {
    const info = this.stmt(
      `UPDATE trial_rungs SET status = 'running', worker = NULL, error = NULL, finished_at = NULL WHERE trial_id = ? AND rung = ? AND status IN ('running', 'interrupted')`,
    ).run(trialId, rung);
    if (info.changes === 0) throw new Error(`rung ${rung} of trial ${trialId} is not interrupted`);
  }

  /**
   * Records a rung's result (and the trained state a higher rung continues from). A complete rung
   * above the trial's current one becomes the trial's reward and rung; a failed promotion leaves the
   * trial as it was (it keeps its lower rung's reward).
   */
  finishRung(trialId: number, rung: number, result: TrialResult, state?: Uint8Array): void {
    const m = result.metrics;
    const info = this.stmt(
      `UPDATE trial_rungs SET status = ?, reward = ?, metrics = ?, seconds = ?, cpu_seconds = ?, error = ?, worker = ?, state = ?, finished_at = ?
        WHERE trial_id = ? AND rung = ? AND status IN ('running', 'interrupted')`,
    ).run(
      result.status, finiteOrNull(result.reward), toJson(m), finiteOrNull(m?.seconds), finiteOrNull(cpuSecondsOf(result)), result.error ?? null, m?.worker ?? null,
      state ? Buffer.from(state.buffer, state.byteOffset, state.byteLength) : null, now(), trialId, rung,
    );
    if (info.changes === 0) throw new Error(`rung ${rung} of trial ${trialId} is not running`);
    if (result.status !== 'complete') return;
    this.stmt(
      `UPDATE trials SET reward = ?, rung = ?, metrics = ?, params = COALESCE(?, params), mult_adds = COALESCE(?, mult_adds),
              seconds = COALESCE(seconds, 0) + COALESCE(?, 0)
        WHERE id = ? AND status = 'complete' AND rung < ?`,
    ).run(finiteOrNull(result.reward), rung, toJson(m), finiteOrNull(m?.params), finiteOrNull(m?.multAdds), finiteOrNull(m?.seconds), trialId, rung);
  }

  /** A finished trial's latency as re-measured in a quiet pass (after its search). */
  setQuietLatency(trialId: number, latency: Latency): void {
    this.transaction(() => {
      const t = this.requireTrial(trialId);
      if (!t.metrics) throw new Error(`trial ${trialId} has no metrics to add a latency to`);
      this.stmt('UPDATE trials SET metrics = ? WHERE id = ?').run(toJson({ ...t.metrics, quietLatency: latency }), trialId);
    });
  }

  /** Every rung row of a run's trials (without their states), by trial and rung. */
  rungs(runId: number): RungRow[] {
    if (!this.hasRungs()) return [];
    const rows = this.stmt(
      `SELECT r.trial_id, r.rung, r.status, r.reward, r.metrics, r.seconds, r.cpu_seconds, r.error, r.worker, r.state IS NOT NULL AS has_state, r.created_at, r.finished_at
         FROM trial_rungs r JOIN trials t ON t.id = r.trial_id WHERE t.run_id = ? ORDER BY r.trial_id, r.rung`,
    ).all(runId) as RungRecord[];
    return rows.map(this.map(toRung));
  }

  /** The trained state stored with a complete rung, or undefined. */
  rungState(trialId: number, rung: number): Uint8Array | undefined {
    const r = this.stmt(`SELECT state FROM trial_rungs WHERE trial_id = ? AND rung = ? AND status = 'complete'`).get(trialId, rung) as { state: Buffer | null } | undefined;
    return r?.state ? new Uint8Array(r.state) : undefined;
  }

  getTrial(id: number): TrialRow | undefined {
    const r = this.stmt('SELECT * FROM trials WHERE id = ?').get(id) as TrialRecord | undefined;
    return r && this.map(toTrial)(r);
  }

  /** getTrial, or UserError "unknown trial 42". */
  requireTrial(id: number): TrialRow {
    const trial = this.getTrial(id);
    if (!trial) throw new UserError(`unknown trial ${id}`);
    return trial;
  }

  /** The run's trials in id order, optionally of one status. */
  trials(runId: number, opts: { status?: TrialStatus } = {}): TrialRow[] {
    const rows = (
      opts.status === undefined
        ? this.stmt('SELECT * FROM trials WHERE run_id = ? ORDER BY id').all(runId)
        : this.stmt('SELECT * FROM trials WHERE run_id = ? AND status = ? ORDER BY id').all(runId, opts.status)
    ) as TrialRecord[];
    return rows.map(this.map(toTrial));
  }

  countTrials(runId: number, status?: TrialStatus): number {
    const row = (
      status === undefined
        ? this.stmt('SELECT COUNT(*) AS n FROM trials WHERE run_id = ?').get(runId)
        : this.stmt('SELECT COUNT(*) AS n FROM trials WHERE run_id = ? AND status = ?').get(runId, status)
    ) as { n: number };
    return row.n;
  }

  /**
   * The n best complete trials by reward (ties: the earlier first). Hand-designed baselines are
   * left out unless `baselines: true`.
   */
  topTrials(runId: number, n: number, opts: { baselines?: boolean } = {}): TrialRow[] {
    const limit = Math.max(0, Math.floor(n));
    // A multi-fidelity run ranks by the highest rung first: a reward after 9 epochs is not one after 1.
    const byRung = this.hasRungs() ? 'COALESCE(rung, 0) DESC, ' : '';
    const sql = `SELECT * FROM trials WHERE run_id = ? AND status = 'complete' AND reward IS NOT NULL
                 ${opts.baselines ? '' : 'AND baseline IS NULL'} ORDER BY ${byRung}reward DESC, id ASC LIMIT ?`;
    return (this.stmt(sql).all(runId, limit) as TrialRecord[]).map(this.map(toTrial));
  }

  /** The best complete trial that is not a baseline. */
  bestTrial(runId: number): TrialRow | undefined {
    return this.topTrials(runId, 1)[0];
  }

  /**
   * [trial, parent, grandparent, ...] following parentId back to a trial without a parent.
   * One recursive query, so a reader gets the whole chain from one snapshot. A parent must exist
   * when its child is added and parent_id never changes, so the chain cannot loop.
   */
  ancestry(trialId: number): TrialRow[] {
    const rows = this.stmt(
      `WITH RECURSIVE chain(id, depth) AS (
         SELECT id, 0 FROM trials WHERE id = ?
         UNION ALL
         SELECT t.parent_id, c.depth + 1 FROM chain c JOIN trials t ON t.id = c.id WHERE t.parent_id IS NOT NULL
       )
       SELECT trials.* FROM chain JOIN trials ON trials.id = chain.id ORDER BY chain.depth`,
    ).all(trialId) as TrialRecord[];
    if (rows.length === 0) this.requireTrial(trialId);
    return rows.map(this.map(toTrial));
  }

  /** The run's first trial (lowest id) with this canonical key, whatever its status. */
  findTrialByKey(runId: number, key: string): TrialRow | undefined {
    const r = this.stmt('SELECT * FROM trials WHERE run_id = ? AND key = ? ORDER BY id LIMIT 1').get(runId, key) as TrialRecord | undefined;
    return r && this.map(toTrial)(r);
  }

  // ------------------------------------------------------------------ strategy state

  /** Stores Strategy.state() as JSON, replacing the previous one (and the rung scheduler's, in a multi-fidelity run). */
  saveStrategyState(runId: number, state: unknown, scheduler?: unknown): void {
    if (scheduler === undefined) {
      this.stmt(
        `INSERT INTO strategy_state (run_id, state, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(run_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
      ).run(runId, JSON.stringify(state ?? null), now());
      return;
    }
    this.stmt(
      `INSERT INTO strategy_state (run_id, state, scheduler, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(run_id) DO UPDATE SET state = excluded.state, scheduler = excluded.scheduler, updated_at = excluded.updated_at`,
    ).run(runId, JSON.stringify(state ?? null), JSON.stringify(scheduler), now());
  }

  /** The rung scheduler's last saved state, parsed; undefined when none was saved. */
  loadSchedulerState(runId: number): unknown | undefined {
    if (!this.hasRungs()) return undefined;
    const r = this.stmt('SELECT scheduler FROM strategy_state WHERE run_id = ?').get(runId) as { scheduler: string | null } | undefined;
    if (!r || r.scheduler === null) return undefined;
    return this.map(() => parseJsonColumn(r.scheduler, `the saved rung scheduler state of run ${runId}`))(r);
  }

  /** The last saved state, parsed; undefined when none was saved. */
  loadStrategyState(runId: number): unknown | undefined {
    const r = this.stmt('SELECT state FROM strategy_state WHERE run_id = ?').get(runId) as { state: string } | undefined;
    if (r === undefined) return undefined;
    return this.map(() => parseJsonColumn(r.state, `the saved strategy state of run ${runId}`))(r);
  }

  // ------------------------------------------------------------------ worker progress

  /** Upserts the live progress of one worker (keyed by run and worker name). */
  setWorkerProgress(p: NewWorkerProgress): void {
    this.stmt(
      `INSERT INTO worker_progress (run_id, worker, trial_id, epoch, epochs, batch, batches, loss, images_per_sec, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(run_id, worker) DO UPDATE SET trial_id = excluded.trial_id, epoch = excluded.epoch, epochs = excluded.epochs,
         batch = excluded.batch, batches = excluded.batches, loss = excluded.loss, images_per_sec = excluded.images_per_sec,
         updated_at = excluded.updated_at`,
    ).run(p.runId, p.worker, p.trialId, p.epoch, p.epochs, p.batch, p.batches, finiteOrNull(p.loss), finiteOrNull(p.imagesPerSec), now());
  }

  /** Forgets one worker's progress, or every worker's of the run. */
  clearWorkerProgress(runId: number, worker?: string): void {
    if (worker === undefined) this.stmt('DELETE FROM worker_progress WHERE run_id = ?').run(runId);
    else this.stmt('DELETE FROM worker_progress WHERE run_id = ? AND worker = ?').run(runId, worker);
  }

  /** The run's workers' progress, by worker name. */
  workerProgress(runId: number): WorkerProgressRow[] {
    return (this.stmt('SELECT * FROM worker_progress WHERE run_id = ? ORDER BY worker').all(runId) as WorkerProgressRecord[]).map(this.map(toWorkerProgress));
  }

  // ------------------------------------------------------------------ replays and curves

  /** Records a replay about to train, status 'running', held by this process. */
  addReplay(r: NewReplay): ReplayRow {
    const info = this.stmt(
      `INSERT INTO replays (run_id, trial_id, label, genotype, config, status, checkpoint_dir, created_at, owner)
       VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?)`,
    ).run(r.runId ?? null, r.trialId ?? null, r.label, JSON.stringify(r.genotype), JSON.stringify(r.config ?? null), r.checkpointDir ?? null, now(), currentOwner());
    return this.requireReplay(Number(info.lastInsertRowid));
  }

  /**
   * A resume takes the replay over: status 'running', held by this process. UserError while the
   * process that holds it still runs (both would write the same checkpoint).
   */
  claimReplay(id: number): void {
    this.transaction(() => {
      refuseLiveOwner(this.requireReplay(id), `replay ${id} is still being trained`);
      this.stmt(`UPDATE replays SET status = 'running', owner = ?, finished_at = NULL WHERE id = ?`).run(currentOwner(), id);
    });
  }

  /** UserError when a live replay of another process writes its checkpoints into `dir`. */
  refuseLiveReplayIn(dir: string): void {
    const rows = (this.stmt(`SELECT * FROM replays WHERE checkpoint_dir = ? AND status = 'running'`).all(dir) as ReplayRecord[]).map(this.map(toReplay));
    for (const r of rows) refuseLiveOwner(r, `${dir} is in use: replay ${r.id} is being trained there`);
  }

  getReplay(id: number): ReplayRow | undefined {
    const r = this.stmt('SELECT * FROM replays WHERE id = ?').get(id) as ReplayRecord | undefined;
    return r && this.map(toReplay)(r);
  }

  /** getReplay, or UserError "unknown replay 3 in runs/nas.db". */
  requireReplay(id: number): ReplayRow {
    const replay = this.getReplay(id);
    if (!replay) throw new UserError(`unknown replay ${id} in ${this.file}`);
    return replay;
  }

  /**
   * Changes some fields of a replay. A status other than 'running' stamps finishedAt, 'running'
   * clears it, unless the patch gives one; id and createdAt cannot change.
   */
  updateReplay(id: number, patch: Partial<ReplayRow>): void {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      const col = REPLAY_COLUMNS[field];
      if (!col) throw new Error(`updateReplay: ${field} cannot be changed`);
      sets.push(`${col.column} = ?`);
      values.push(col.json ? JSON.stringify(value) : typeof value === 'number' ? finiteOrNull(value) : value);
    }
    if (patch.status !== undefined && patch.finishedAt === undefined) {
      // Ending stamps the time; going back to 'running' (a resumed replay) clears it.
      sets.push('finished_at = ?');
      values.push(patch.status === 'running' ? null : now());
    }
    if (sets.length === 0) {
      this.requireReplay(id);
      return;
    }
    const info = this.stmt(`UPDATE replays SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
    if (info.changes === 0) this.requireReplay(id);
  }

  /** Replays in id order, of one run or all. */
  replays(runId?: number): ReplayRow[] {
    const rows = (
      runId === undefined ? this.stmt('SELECT * FROM replays ORDER BY id').all() : this.stmt('SELECT * FROM replays WHERE run_id = ? ORDER BY id').all(runId)
    ) as ReplayRecord[];
    return rows.map(this.map(toReplay));
  }

  /** Adds one epoch of a learning curve; a point of the same epoch is replaced (a resumed replay re-runs it). */
  addCurvePoint(owner: CurveOwner, p: CurvePoint): void {
    const [column, id] = ownerColumn(owner);
    this.transaction(() => {
      this.stmt(`DELETE FROM curve_points WHERE ${column} = ? AND epoch = ?`).run(id, p.epoch);
      this.stmt(
        `INSERT INTO curve_points (${column}, epoch, train_loss, train_accuracy, val_loss, val_accuracy, seconds) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(id, p.epoch, finiteOrNull(p.trainLoss), finiteOrNull(p.trainAccuracy), finiteOrNull(p.valLoss), finiteOrNull(p.valAccuracy), p.seconds);
    });
  }

  /** The learning curve of a replay or a trial, by epoch. */
  curve(owner: CurveOwner): CurvePoint[] {
    const [column, id] = ownerColumn(owner);
    return (this.stmt(`SELECT * FROM curve_points WHERE ${column} = ? ORDER BY epoch`).all(id) as CurveRecord[]).map(this.map(toCurvePoint));
  }

  /**
   * Prepared statements, compiled once per connection. SQLite's errors about the file (damaged,
   * unreadable) become one UserError line naming it, for readers and writers alike.
   */
  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      const file = this.file;
      const raw = this.guarded(() => this.db.prepare(sql));
      s = new Proxy(raw, {
        get(target, prop) {
          const value = Reflect.get(target, prop, target) as unknown;
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            try {
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            } catch (e) {
              throw asUserError(e, file);
            }
          };
        },
      });
      this.statements.set(sql, s);
    }
    return s;
  }

  private guarded<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw asUserError(e, this.file);
    }
  }

  /** A row mapper whose DamagedRowError names this store's file. */
  private map<R, T>(to: (r: R) => T): (r: R) => T {
    return (r) => {
      try {
        return to(r);
      } catch (e) {
        if (e instanceof DamagedRowError) throw new UserError(`${this.file} is damaged: ${e.message}; restore it from a copy`);
        throw e;
      }
    };
  }
}

function ownerColumn(owner: CurveOwner): ['replay_id' | 'trial_id', number] {
  const hasReplay = owner.replayId !== undefined;
  if (hasReplay === (owner.trialId !== undefined)) throw new Error('a curve belongs to exactly one of replayId, trialId');
  return hasReplay ? ['replay_id', owner.replayId as number] : ['trial_id', owner.trialId as number];
}
