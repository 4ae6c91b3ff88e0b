/**
 * Opens the SQLite file behind a Store, refusing anything that is not a nas store before a single
 * byte is written: a missing or unwritable folder, a file that is not SQLite, another application's
 * database, a store written by a newer nas, a damaged file (SQLite's quick_check). Writers get WAL
 * (readers never block them, and a SIGKILL mid-write loses only the uncommitted transaction).
 * Readers never write, and leave no file behind (see readerMode).
 */
import Database from 'better-sqlite3';
import { accessSync, closeSync, constants, openSync, readSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import { APP_MARKER, MIGRATIONS, type Migration } from './schema.js';

/** How long a connection waits on a lock before SQLITE_BUSY (a checkpoint, a second writer). */
export const BUSY_TIMEOUT_MS = 5000;

const SQLITE_HEADER = 'SQLite format 3\0';

export interface OpenOptions {
  readonly?: boolean;
  /** The schema to reach; tests pass their own list to exercise upgrades. */
  migrations?: readonly Migration[];
}

/** Opens (creating if allowed) a checked, up-to-date nas store. Throws UserError naming `file`. */
export function openDatabase(file: string, opts: OpenOptions = {}): Database.Database {
  const readonly = opts.readonly ?? false;
  const migrations = opts.migrations ?? MIGRATIONS;
  const latest = migrations[migrations.length - 1].version;
  const memory = file === ':memory:';
  if (memory && readonly) throw new UserError(`a ':memory:' store cannot be opened read-only`);
  const exists = memory ? false : checkFile(file, readonly);

  const mode = readonly ? readerMode(file) : 'write';
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: mode === 'readonly', fileMustExist: exists });
    if (mode === 'query-only') db.pragma('query_only = ON');
  } catch (e) {
    throw asUserError(e, file);
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const version = storeVersion(db, file);
    if (version > latest) {
      throw new UserError(`${file} is a nas store of schema version ${version}, newer than this nas supports (${latest}): upgrade nas`);
    }
    if (readonly) {
      if (version === 0) throw new UserError(`${file} is an empty SQLite file, not a nas store`);
      if (migrations.some((m) => m.version > version && !m.readable)) {
        throw new UserError(`${file} is a nas store of schema version ${version}; open it for writing once (e.g. nas search --resume) to upgrade it to ${latest}`);
      }
      return db;
    }
    if (!memory) {
      // NOTE: synchronous=NORMAL in WAL mode survives a killed process (the WAL is in the OS page
      // cache); only a power cut can lose the last transactions, which resume then re-runs.
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new UserError(`${file}: cannot switch to WAL mode (journal_mode is ${String(mode)})`);
      db.pragma('synchronous = NORMAL');
      // A dashboard polling all day can delay checkpoints; cap the WAL kept on disk after one.
      db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    }
    db.pragma('foreign_keys = ON');
    if (version < latest) migrate(db, migrations);
    return db;
  } catch (e) {
    db.close();
    throw asUserError(e, file);
  }
}

/** Checks that a store could be created at `file` (its folder exists and is writable) without creating it. */
export function checkNewStorePath(file: string): void {
  checkFile(file, false);
}

/**
 * How a reader opens the file. A truly read-only SQLite connection to a WAL store creates -wal and
 * -shm beside it and leaves them there; a read-write connection that refuses every write
 * (query_only) removes them when it closes, unless another connection still uses them (SQLite
 * checks that with a lock). So a reader opens the store read-write-but-query-only, unless the -wal
 * holds frames: those of a live writer, or of a killed one, which a reader must not fold into the
 * file. Then it opens read-only and leaves the files as they are. A file the user may not write is
 * read read-only too.
 */
function readerMode(file: string): 'readonly' | 'query-only' {
  if (file === ':memory:') return 'readonly';
  let walBytes = 0;
  try {
    walBytes = statSync(`${file}-wal`).size;
  } catch {
    // no -wal: no writer has the file open
  }
  if (walBytes > 0) return 'readonly';
  return canAccess(file, constants.W_OK) && canAccess(dirname(resolve(file)), constants.W_OK) ? 'query-only' : 'readonly';
}

/** SQLite's quick_check: a damaged store is refused before it is read or written. */
function checkIntegrity(db: Database.Database, file: string): void {
  const problems = (db.pragma('quick_check') as Array<Record<string, string>>).map((r) => String(Object.values(r)[0]));
  if (problems.length === 1 && problems[0] === 'ok') return;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  throw new UserError(`${file} is a damaged nas store: SQLite's integrity check says "${problems[0].slice(0, 120)}"${more}; restore it from a copy`);
}

/**
 * Checks the path before SQLite touches it. Returns whether the file exists (an empty file counts
 * as absent: SQLite treats it as a new database).
 */
function checkFile(file: string, readonly: boolean): boolean {
  let stats: Stats | undefined;
  try {
    stats = statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new UserError(`cannot open ${file}: ${(e as Error).message}`);
  }
  const dir = dirname(resolve(file));
  if (stats === undefined) {
    if (readonly) throw new UserError(`no nas store at ${file}`);
    let dirStats: Stats;
    try {
      dirStats = statSync(dir);
    } catch {
      throw new UserError(`cannot create ${file}: folder ${dir} does not exist`);
    }
    if (!dirStats.isDirectory()) throw new UserError(`cannot create ${file}: ${dir} is not a folder`);
    // NOTE: root passes every access check (even on /proc); a folder without write bits is refused for everyone.
    if (!canAccess(dir, constants.W_OK) || (dirStats.mode & 0o222) === 0) throw new UserError(`cannot create ${file}: folder ${dir} is not writable`);
    return false;
  }
  if (stats.isDirectory()) throw new UserError(`${file} is a folder, not a nas store`);
  if (!canAccess(file, readonly ? constants.R_OK : constants.R_OK | constants.W_OK)) {
    throw new UserError(`cannot ${readonly ? 'read' : 'write'} ${file}: permission denied`);
  }
  // The writer creates the -wal and -shm files beside the store.
  if (!readonly && !canAccess(dir, constants.W_OK)) throw new UserError(`cannot write ${file}: folder ${dir} is not writable`);
  if (stats.size === 0) {
    if (readonly) throw new UserError(`${file} is an empty file, not a nas store`);
    return false;
  }
  if (!hasSqliteHeader(file)) throw new UserError(`${file} is not a SQLite file (not a nas store)`);
  return true;
}

function canAccess(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

function hasSqliteHeader(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(SQLITE_HEADER.length);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return n === buf.length && buf.toString('latin1') === SQLITE_HEADER;
  } finally {
    closeSync(fd);
  }
}

/**
 * The schema version recorded in meta; 0 for a database without tables (a new store).
 * Throws UserError for a database of another application.
 */
function storeVersion(db: Database.Database, file: string): number {
  const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as Array<{ name: string }>).map((r) => r.name);
  if (tables.length === 0) return 0;
  // Before reading a row: damage anywhere in the file is named as such, not mistaken for a foreign database.
  checkIntegrity(db, file);
  const foreign = new UserError(`${file} is not a nas store (a SQLite database of another application); choose another --db file`);
  if (!tables.includes('meta')) throw foreign;
  let meta: Map<string, string>;
  try {
    meta = new Map((db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>).map((r) => [r.key, String(r.value)]));
  } catch (e) {
    if (String((e as { code?: string }).code).startsWith('SQLITE_CORRUPT')) throw e;
    throw foreign; // a `meta` table of another shape
  }
  if (meta.get('app') !== APP_MARKER) throw foreign;
  const version = Number(meta.get('schema_version'));
  if (!Number.isInteger(version) || version < 1) throw new UserError(`${file} is a damaged nas store: bad schema_version ${JSON.stringify(meta.get('schema_version'))}`);
  return version;
}

/**
 * Brings the schema up to the last migration in one IMMEDIATE transaction (so two processes
 * creating the same store at once cannot both run migration 1).
 */
export function migrate(db: Database.Database, migrations: readonly Migration[]): void {
  db.transaction(() => {
    const hasMeta = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).get() !== undefined;
    if (!hasMeta) db.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    const row = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as { value: string } | undefined;
    const from = row === undefined ? 0 : Number(row.value);
    for (const m of migrations) if (m.version > from) db.exec(m.up);
    const set = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    set.run('app', APP_MARKER);
    set.run('schema_version', String(migrations[migrations.length - 1].version));
    if (from === 0) set.run('created_at', new Date().toISOString());
  }).immediate();
}

/** SQLite's own refusals (not a database, damaged, cannot open, read-only) as one clear line naming the file. */
export function asUserError(e: unknown, file: string): Error {
  if (e instanceof UserError) return e;
  const code = (e as { code?: string }).code ?? '';
  if (code === 'SQLITE_NOTADB') return new UserError(`${file} is not a SQLite file, or a damaged one (not a nas store)`);
  if (code === 'SQLITE_READONLY_DIRECTORY') {
    // NOTE: a WAL store needs its -shm beside it even to be read; with no writer running and the
    // folder read-only, SQLite cannot create it (an immutable=1 URI would, but better-sqlite3
    // only enables URIs through a process-wide environment variable).
    return new UserError(`cannot read ${file}: SQLite must create ${file}-shm beside it, but folder ${dirname(resolve(file))} is not writable`);
  }
  if (code.startsWith('SQLITE_CORRUPT')) return new UserError(`${file} is a damaged nas store (SQLite: ${(e as Error).message}); restore it from a copy`);
  if (code.startsWith('SQLITE_IOERR')) return new UserError(`cannot read ${file}: ${(e as Error).message}`);
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM')) {
    return new UserError(`cannot open ${file}: ${(e as Error).message}`);
  }
  return e as Error;
}
