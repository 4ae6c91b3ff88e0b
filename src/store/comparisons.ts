/**
 * The store's comparison tables (`nas compare`): a comparison's settings, its entries (one row of
 * its table each: what to train, where its checkpoints go, and the replay training it once that
 * exists), and the test score of a replay after every epoch. An entry's replay is linked in the
 * transaction that creates the replay row, so a comparison killed at any moment finds, on resume,
 * every replay it started.
 */
import type Database from 'better-sqlite3';
import { UserError } from '../core/errors.js';
import { currentOwner, refuseLiveOwner } from './owner.js';
import { DamagedRowError, checkStatus, parseJsonColumn } from './row-shapes.js';
import { finiteOrNull } from './rows.js';

export type ComparisonStatus = 'running' | 'complete' | 'interrupted' | 'failed';
const STATUSES: readonly ComparisonStatus[] = ['running', 'complete', 'interrupted', 'failed'];

export interface ComparisonRow {
  id: number;
  status: ComparisonStatus;
  config: unknown;
  createdAt: string;
  updatedAt: string;
  owner: string | null;
}

export interface ComparisonEntryRow {
  id: number;
  comparisonId: number;
  position: number;
  name: string;
  spec: unknown;
  checkpointDir: string;
  replayId: number | null;
  error: string | null;
}

export interface NewComparisonEntry {
  name: string;
  spec: unknown;
  checkpointDir: string;
}

/** A replay's score on the test split after one epoch. */
export interface TestPoint {
  epoch: number;
  testLoss: number | null;
  testAccuracy: number | null;
}

interface ComparisonRecord { id: number; status: string; config: string; created_at: string; updated_at: string; owner: string | null }
interface EntryRecord { id: number; comparison_id: number; position: number; name: string; spec: string; checkpoint_dir: string; replay_id: number | null; error: string | null }
interface PointRecord { epoch: number; test_loss: number | null; test_accuracy: number | null }

const now = (): string => new Date().toISOString();

export class Comparisons {
  private known: boolean | undefined;

  constructor(
    private readonly stmt: (sql: string) => Database.Statement,
    private readonly transaction: <T>(fn: () => T) => T,
    private readonly file: string,
    private readonly schemaVersion: () => number,
  ) {}

  /** True when the file has the comparison tables (schema 5; a reader may look at an older store as it is). */
  private has(): boolean {
    this.known ??= this.schemaVersion() >= 5;
    return this.known;
  }

  /**
   * A new comparison, status 'running', held by this process, with its entries. `make` gets the new
   * id (the default folder is named after it) and returns the config and the entries.
   */
  create(make: (id: number) => { config: unknown; entries: NewComparisonEntry[] }): ComparisonRow {
    return this.transaction(() => {
      const t = now();
      const info = this.stmt(`INSERT INTO comparisons (status, config, created_at, updated_at, owner) VALUES ('running', '{}', ?, ?, ?)`).run(t, t, currentOwner());
      const id = Number(info.lastInsertRowid);
      const { config, entries } = make(id);
      this.stmt('UPDATE comparisons SET config = ? WHERE id = ?').run(JSON.stringify(config), id);
      entries.forEach((e, i) => {
        this.stmt(`INSERT INTO comparison_entries (comparison_id, position, name, spec, checkpoint_dir) VALUES (?, ?, ?, ?, ?)`).run(id, i + 1, e.name, JSON.stringify(e.spec), e.checkpointDir);
      });
      return this.require(id);
    });
  }

  get(id: number): ComparisonRow | undefined {
    if (!this.has()) return undefined;
    const r = this.stmt('SELECT * FROM comparisons WHERE id = ?').get(id) as ComparisonRecord | undefined;
    return r && this.toComparison(r);
  }

  /** get(), or UserError "unknown comparison 3 in runs/nas.db". */
  require(id: number): ComparisonRow {
    const c = this.get(id);
    if (!c) throw new UserError(`unknown comparison ${id} in ${this.file}`);
    return c;
  }

  list(): ComparisonRow[] {
    if (!this.has()) return [];
    return (this.stmt('SELECT * FROM comparisons ORDER BY id').all() as ComparisonRecord[]).map((r) => this.toComparison(r));
  }

  /** A resume takes the comparison over; UserError while the process holding it still runs. */
  claim(id: number): void {
    this.transaction(() => {
      refuseLiveOwner(this.require(id), `comparison ${id} is still running`);
      this.stmt(`UPDATE comparisons SET status = 'running', owner = ?, updated_at = ? WHERE id = ?`).run(currentOwner(), now(), id);
    });
  }

  setStatus(id: number, status: ComparisonStatus): void {
    this.stmt('UPDATE comparisons SET status = ?, updated_at = ? WHERE id = ?').run(status, now(), id);
  }

  entries(comparisonId: number): ComparisonEntryRow[] {
    if (!this.has()) return [];
    return (this.stmt('SELECT * FROM comparison_entries WHERE comparison_id = ? ORDER BY position').all(comparisonId) as EntryRecord[]).map((r) => this.toEntry(r));
  }

  entry(id: number): ComparisonEntryRow {
    const r = this.stmt('SELECT * FROM comparison_entries WHERE id = ?').get(id) as EntryRecord | undefined;
    if (!r) throw new Error(`no comparison entry ${id}`);
    return this.toEntry(r);
  }

  /** Records which replay trains an entry (call inside the transaction that creates the replay row). */
  linkReplay(entryId: number, replayId: number): void {
    this.stmt('UPDATE comparison_entries SET replay_id = ? WHERE id = ?').run(replayId, entryId);
  }

  /** Why an entry's training failed (null: it has not, or is being trained again). */
  setEntryError(entryId: number, error: string | null): void {
    this.stmt('UPDATE comparison_entries SET error = ? WHERE id = ?').run(error, entryId);
  }

  /** A replay's test score after an epoch; a second score of the same epoch replaces the first. */
  addTestPoint(replayId: number, p: TestPoint): void {
    this.stmt('INSERT OR REPLACE INTO replay_test_points (replay_id, epoch, test_loss, test_accuracy) VALUES (?, ?, ?, ?)').run(
      replayId, p.epoch, finiteOrNull(p.testLoss), finiteOrNull(p.testAccuracy),
    );
  }

  /** A replay's test scores by epoch (none in a store older than schema 5). */
  testPoints(replayId: number): TestPoint[] {
    if (!this.has()) return [];
    return (this.stmt('SELECT epoch, test_loss, test_accuracy FROM replay_test_points WHERE replay_id = ? ORDER BY epoch').all(replayId) as PointRecord[]).map((r) => ({
      epoch: r.epoch, testLoss: r.test_loss, testAccuracy: r.test_accuracy,
    }));
  }

  private json(text: string, what: string): unknown {
    try {
      return parseJsonColumn(text, what);
    } catch (e) {
      if (e instanceof DamagedRowError) throw new UserError(`${this.file} is damaged: ${e.message}; restore it from a copy`);
      throw e;
    }
  }

  private toComparison(r: ComparisonRecord): ComparisonRow {
    let status: ComparisonStatus;
    try {
      status = checkStatus(r.status, STATUSES, `comparison ${r.id}`);
    } catch (e) {
      throw new UserError(`${this.file} is damaged: ${(e as Error).message}; restore it from a copy`);
    }
    return { id: r.id, status, config: this.json(r.config, `the config of comparison ${r.id}`), createdAt: r.created_at, updatedAt: r.updated_at, owner: r.owner };
  }

  private toEntry(r: EntryRecord): ComparisonEntryRow {
    return {
      id: r.id, comparisonId: r.comparison_id, position: r.position, name: r.name, spec: this.json(r.spec, `entry ${r.position} of comparison ${r.comparison_id}`),
      checkpointDir: r.checkpoint_dir, replayId: r.replay_id, error: r.error,
    };
  }
}
