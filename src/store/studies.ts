/**
 * The store's study tables (`nas fidelity`): a study's settings, its cells, and one score per
 * (cell, estimator, seed). A score is written once, when it is known; resuming a study computes the
 * units that have no row yet, so a study killed at any moment loses only the units in flight.
 */
import type Database from 'better-sqlite3';
import { UserError } from '../core/errors.js';
import type { Genotype } from '../space/types.js';
import { currentOwner, refuseLiveOwner } from './owner.js';
import { finiteOrNull, toJson } from './rows.js';

export type StudyStatus = 'running' | 'complete' | 'interrupted' | 'failed';

export interface StudyRow {
  id: number;
  kind: string;
  status: StudyStatus;
  config: unknown;
  createdAt: string;
  updatedAt: string;
  owner: string | null;
}

export interface StudyCellRow {
  id: number;
  studyId: number;
  position: number;
  label: string;
  source: 'random' | 'run' | 'baseline' | 'file';
  key: string;
  genotype: Genotype;
}

export interface ScoreRow {
  cellId: number;
  estimator: string;
  seed: number;
  status: 'complete' | 'failed';
  value: number | null;
  cpuSeconds: number | null;
  seconds: number | null;
  metrics: Record<string, unknown> | null;
  error: string | null;
}

export type NewScore = Omit<ScoreRow, 'metrics'> & { metrics?: Record<string, unknown> | null };

interface StudyRecord { id: number; kind: string; status: string; config: string; created_at: string; updated_at: string; owner: string | null }
interface CellRecord { id: number; study_id: number; position: number; label: string; source: string; key: string; genotype: string }
interface ScoreRecord { cell_id: number; estimator: string; seed: number; status: string; value: number | null; cpu_seconds: number | null; seconds: number | null; metrics: string | null; error: string | null }

const now = (): string => new Date().toISOString();

/** Parses a JSON column written by this module; a damaged one is a UserError naming the row. */
function parsed<T>(text: string, what: string, file: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new UserError(`${file}: ${what} is not valid JSON (the store is damaged)`);
  }
}

export class Studies {
  constructor(
    private readonly stmt: (sql: string) => Database.Statement,
    private readonly transaction: <T>(fn: () => T) => T,
    private readonly file: string,
  ) {}

  /** A new study, status 'running', held by this process, with its cells. */
  create(kind: string, config: unknown, cells: Array<Pick<StudyCellRow, 'label' | 'source' | 'key' | 'genotype'>>): StudyRow {
    return this.transaction(() => {
      const t = now();
      const info = this.stmt(`INSERT INTO studies (kind, status, config, created_at, updated_at, owner) VALUES (?, 'running', ?, ?, ?, ?)`).run(kind, JSON.stringify(config), t, t, currentOwner());
      const id = Number(info.lastInsertRowid);
      this.addCells(id, cells);
      return this.require(id);
    });
  }

  /** Appends cells (a resumed study may grow); a cell already in the study is skipped. Returns how many were added. */
  addCells(studyId: number, cells: Array<Pick<StudyCellRow, 'label' | 'source' | 'key' | 'genotype'>>): number {
    return this.transaction(() => {
      const have = new Set(this.cells(studyId).map((c) => c.key));
      let position = this.cells(studyId).length;
      let added = 0;
      for (const c of cells) {
        if (have.has(c.key)) continue;
        have.add(c.key);
        this.stmt(`INSERT INTO study_cells (study_id, position, label, source, key, genotype) VALUES (?, ?, ?, ?, ?, ?)`).run(studyId, ++position, c.label, c.source, c.key, JSON.stringify(c.genotype));
        added++;
      }
      return added;
    });
  }

  get(id: number): StudyRow | undefined {
    const r = this.stmt('SELECT * FROM studies WHERE id = ?').get(id) as StudyRecord | undefined;
    return r && this.toStudy(r);
  }

  require(id: number): StudyRow {
    const s = this.get(id);
    if (!s) throw new UserError(`unknown study ${id} in ${this.file}`);
    return s;
  }

  list(kind?: string): StudyRow[] {
    const rows = (kind === undefined ? this.stmt('SELECT * FROM studies ORDER BY id').all() : this.stmt('SELECT * FROM studies WHERE kind = ? ORDER BY id').all(kind)) as StudyRecord[];
    return rows.map((r) => this.toStudy(r));
  }

  /** A resume takes the study over; UserError while the process holding it still runs. */
  claim(id: number): void {
    this.transaction(() => {
      refuseLiveOwner(this.require(id), `study ${id} is still running`);
      this.stmt(`UPDATE studies SET status = 'running', owner = ?, updated_at = ? WHERE id = ?`).run(currentOwner(), now(), id);
    });
  }

  setStatus(id: number, status: StudyStatus): void {
    this.stmt('UPDATE studies SET status = ?, updated_at = ? WHERE id = ?').run(status, now(), id);
  }

  /** Replaces the config (a resume that adds estimators or cells records them). */
  setConfig(id: number, config: unknown): void {
    this.stmt('UPDATE studies SET config = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(config), now(), id);
  }

  cells(studyId: number): StudyCellRow[] {
    return (this.stmt('SELECT * FROM study_cells WHERE study_id = ? ORDER BY position').all(studyId) as CellRecord[]).map((r) => ({
      id: r.id, studyId: r.study_id, position: r.position, label: r.label, source: r.source as StudyCellRow['source'], key: r.key,
      genotype: parsed<Genotype>(r.genotype, `the genotype of study cell ${r.id}`, this.file),
    }));
  }

  /** Records one unit's result. A second score for the same (cell, estimator, seed) is a bug in the caller. */
  addScore(s: NewScore): void {
    this.stmt(
      `INSERT INTO study_scores (cell_id, estimator, seed, status, value, cpu_seconds, seconds, metrics, error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(s.cellId, s.estimator, s.seed, s.status, finiteOrNull(s.value), finiteOrNull(s.cpuSeconds), finiteOrNull(s.seconds), toJson(s.metrics), s.error, now());
    this.stmt('UPDATE studies SET updated_at = ? WHERE id = (SELECT study_id FROM study_cells WHERE id = ?)').run(now(), s.cellId);
  }

  scores(studyId: number): ScoreRow[] {
    const rows = this.stmt(
      `SELECT s.* FROM study_scores s JOIN study_cells c ON c.id = s.cell_id WHERE c.study_id = ? ORDER BY c.position, s.estimator, s.seed`,
    ).all(studyId) as ScoreRecord[];
    return rows.map((r) => ({
      cellId: r.cell_id, estimator: r.estimator, seed: r.seed, status: r.status as ScoreRow['status'], value: r.value, cpuSeconds: r.cpu_seconds, seconds: r.seconds,
      metrics: r.metrics === null ? null : parsed<Record<string, unknown>>(r.metrics, `the metrics of a score of cell ${r.cell_id}`, this.file), error: r.error,
    }));
  }

  private toStudy(r: StudyRecord): StudyRow {
    return {
      id: r.id, kind: r.kind, status: r.status as StudyStatus, config: parsed(r.config, `the config of study ${r.id}`, this.file),
      createdAt: r.created_at, updatedAt: r.updated_at, owner: r.owner,
    };
  }
}
