/**
 * Opening real files under os.tmpdir(): reopening a store, schema upgrades, and every bad input
 * (missing or unwritable folder, not SQLite, another application's database, a newer schema):
 * each is one UserError line naming the file, and the file is left byte-for-byte unchanged.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Store } from '../../src/store/store.js';
import { UserError } from '../../src/core/errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/schema.js';
import { complete, genotype, runConfig, tempDir } from './helpers/fixtures.js';
import { readableStoreCopy } from './helpers/readable-copy.js';

const tmp = tempDir();
after(tmp.cleanup);

const digest = (file: string) => (statSync(file).isFile() ? createHash('sha256').update(readFileSync(file)).digest('hex') : 'folder');
const size = (file: string) => (existsSync(file) ? statSync(file).size : -1);

/** Asserts open() throws a one-line UserError matching `pattern` and naming the file, and leaves it untouched. */
function refuses(file: string, pattern: RegExp, opts: { readonly?: boolean } = {}): void {
  const before = existsSync(file) ? digest(file) : null;
  const walBefore = size(file + '-wal');
  assert.throws(
    () => Store.open(file, opts),
    (e: unknown) => e instanceof UserError && pattern.test(e.message) && e.message.includes(file) && !e.message.includes('\n'),
  );
  assert.equal(existsSync(file) ? digest(file) : null, before, 'the file was modified');
  // Reading a WAL database may leave an empty -wal beside it, but nothing may be written into one.
  assert.ok(size(file + '-wal') <= Math.max(0, walBefore), 'the -wal file was written');
}

test('a file store reopens with everything in it, in WAL mode, at the current schema version', () => {
  const file = tmp.path('reopen.db');
  const a = Store.open(file);
  const run = a.createRun(runConfig());
  const root = a.addTrial({ runId: run.id, genotype: genotype(1), key: 'g1', origin: 'random' });
  a.finishTrial(root.id, complete(root.id, 0.7));
  const kid = a.addTrial({ runId: run.id, genotype: genotype(2), key: 'g2', origin: 'mutation', parentId: root.id, mutation: { kind: 'op', detail: 'd' } });
  a.saveStrategyState(run.id, { asked: 2 });
  a.close();
  a.close(); // idempotent

  const b = Store.open(file);
  assert.equal(b.schemaVersion(), SCHEMA_VERSION);
  assert.deepEqual(b.requireRun(run.id).config, runConfig());
  assert.deepEqual(b.ancestry(kid.id).map((t) => t.id), [kid.id, root.id]);
  assert.equal(b.bestTrial(run.id)?.reward, 0.7);
  assert.deepEqual(b.loadStrategyState(run.id), { asked: 2 });
  const next = b.addTrial({ runId: run.id, genotype: genotype(3), key: 'g3', origin: 'random' });
  assert.equal(next.number, 3);
  b.close();

  const raw = new Database(file, { readonly: true });
  assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
  assert.deepEqual(raw.prepare(`SELECT key, value FROM meta WHERE key IN ('app', 'schema_version') ORDER BY key`).all(), [
    { key: 'app', value: 'nas' },
    { key: 'schema_version', value: String(SCHEMA_VERSION) },
  ]);
  raw.close();
});

test('an empty file becomes a store; a read-only open of it is refused', () => {
  const file = tmp.path('empty.db');
  writeFileSync(file, '');
  refuses(file, /empty file, not a nas store/, { readonly: true });
  const s = Store.open(file);
  assert.equal(s.listRuns().length, 0);
  s.close();
});

test('a --db in a folder that does not exist is refused and nothing is created', () => {
  const file = tmp.path('no/such/folder/nas.db');
  refuses(file, /folder .* does not exist/);
  assert.equal(existsSync(tmp.path('no')), false);
});

test('a folder given as --db, or a read-only open of a missing file, is refused', () => {
  mkdirSync(tmp.path('adir'));
  refuses(tmp.path('adir'), /is a folder, not a nas store/);
  refuses(tmp.path('missing.db'), /no nas store at/, { readonly: true });
  assert.equal(existsSync(tmp.path('missing.db')), false);
  assert.throws(() => Store.open(':memory:', { readonly: true }), UserError);
});

test('a file that is not SQLite is refused untouched (text, binary, truncated header)', () => {
  const text = tmp.path('notes.txt');
  writeFileSync(text, 'hello, this is not a database\n');
  refuses(text, /is not a SQLite file/);
  refuses(text, /is not a SQLite file/, { readonly: true });
  const bin = tmp.path('random.bin');
  writeFileSync(bin, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  refuses(bin, /is not a SQLite file/);
  const short = tmp.path('short.db');
  writeFileSync(short, 'SQLite for');
  refuses(short, /is not a SQLite file/);
});

test('a SQLite header followed by garbage is refused untouched', () => {
  const file = tmp.path('garbage.db');
  const buf = Buffer.alloc(8192, 0xab);
  buf.write('SQLite format 3\0', 0, 'latin1');
  writeFileSync(file, buf);
  refuses(file, /not a SQLite file|damaged/);
});

test('another application\'s SQLite database is refused untouched (no tables of ours, or a foreign meta)', () => {
  const cases: Array<[string, string]> = [
    ['foreign.db', `CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ada');`],
    ['foreign-meta-shape.db', `CREATE TABLE meta (id INTEGER PRIMARY KEY, blob BLOB);`],
    ['foreign-meta-app.db', `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('app', 'optuna'), ('schema_version', '1');`],
  ];
  for (const [name, sql] of cases) {
    const file = tmp.path(name);
    const raw = new Database(file);
    raw.exec(sql);
    raw.close();
    refuses(file, /is not a nas store/);
    refuses(file, /is not a nas store/, { readonly: true });
    const check = new Database(file, { readonly: true });
    assert.equal(check.pragma('journal_mode', { simple: true }), 'delete', 'the journal mode was switched');
    check.close();
  }
});

test('a store of a newer schema version is refused untouched, by writers and readers', () => {
  const file = tmp.path('future.db');
  Store.open(file).close();
  const raw = new Database(file);
  raw.prepare(`UPDATE meta SET value = '99' WHERE key = 'schema_version'`).run();
  raw.close();
  refuses(file, new RegExp(`schema version 99, newer than this nas supports \\(${SCHEMA_VERSION}\\)`));
  refuses(file, /schema version 99/, { readonly: true });
});

test('an older store is migrated by a writer (data kept) and refused by a reader until then', () => {
  const file = tmp.path('old.db');
  const current = Store.open(file);
  const run = current.createRun(runConfig());
  current.close();
  const next = SCHEMA_VERSION + 1;
  const upgraded = [...MIGRATIONS, { version: next, up: `ALTER TABLE runs ADD COLUMN note TEXT; CREATE TABLE tags (run_id INTEGER, tag TEXT);` }];
  assert.throws(
    () => Store.openWith(file, { readonly: true, migrations: upgraded }),
    (e: unknown) => e instanceof UserError && new RegExp(`schema version ${SCHEMA_VERSION}; open it for writing`).test(e.message),
  );
  const s = Store.openWith(file, { migrations: upgraded });
  assert.equal(s.schemaVersion(), next);
  assert.deepEqual(s.requireRun(run.id).config, runConfig());
  s.close();
  const raw = new Database(file, { readonly: true });
  assert.ok(raw.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'tags'`).get());
  raw.close();
  // This nas now refuses the upgraded file rather than misreading it.
  refuses(file, new RegExp(`schema version ${next}, newer`));
});

test('a schema-1 store is read as it is (owner is a readable step) and gains owners when a writer opens it', () => {
  const file = tmp.path('v1.db');
  Store.openWith(file, { migrations: MIGRATIONS.slice(0, 1) }).close();
  // A run as schema-1 nas wrote it (this code's createRun writes the owner column).
  const raw = new Database(file);
  const t = new Date().toISOString();
  const run = { id: Number(raw.prepare(`INSERT INTO runs (status, config, created_at, updated_at) VALUES ('running', ?, ?, ?)`).run(JSON.stringify(runConfig()), t, t).lastInsertRowid) };
  raw.close();
  const before = digest(file);
  const reader = Store.open(file, { readonly: true });
  assert.equal(reader.schemaVersion(), 1);
  assert.equal(reader.requireRun(run.id).owner, null);
  assert.equal(reader.listRuns()[0].status, 'running');
  reader.close();
  assert.equal(digest(file), before, 'a reader does not upgrade');
  const writer = Store.open(file);
  assert.equal(writer.schemaVersion(), SCHEMA_VERSION);
  writer.claimRun(run.id);
  assert.match(writer.requireRun(run.id).owner ?? '', new RegExp(`:${process.pid}:`));
  writer.close();
});

test('a read-only store refuses every write', () => {
  const file = tmp.path('ro.db');
  const w = Store.open(file);
  const run = w.createRun(runConfig());
  const r = Store.open(file, { readonly: true });
  assert.equal(r.readOnly, true);
  assert.throws(() => r.createRun(runConfig()), /readonly/);
  assert.throws(() => r.setRunStatus(run.id, 'complete'), /readonly/);
  assert.equal(r.requireRun(run.id).status, 'running');
  r.close();
  w.close();
});

// Root can write anywhere, so the unwritable-folder case runs as `nobody` in a child process.
test('a --db in a folder the user cannot write is refused', { skip: process.platform === 'win32' }, () => {
  const dir = tmp.path('locked');
  mkdirSync(dir);
  const existing = `${dir}/existing.db`;
  const s = Store.open(existing);
  s.createRun(runConfig());
  s.close();
  const before = digest(existing);
  chmodSync(dir, 0o555);
  chmodSync(existing, 0o644);
  chmodSync(tmp.dir, 0o755);
  // The child imports a world-readable copy of the store: the checkout may sit where nobody cannot enter.
  const copy = readableStoreCopy();
  const storeJs = copy.storeJs;
  const script = `
    const { Store } = await import(${JSON.stringify(storeJs)});
    for (const [file, ro] of [[${JSON.stringify(`${dir}/new.db`)}, false], [${JSON.stringify(existing)}, false], [${JSON.stringify(existing)}, true]]) {
      try { const s = Store.open(file, { readonly: ro }); console.log('opened', s.listRuns().length); s.close(); }
      catch (e) { console.log(e.name + ': ' + e.message); }
    }`;
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { ...asNobody, encoding: 'utf8', cwd: '/' });
  chmodSync(dir, 0o755);
  rmSync(copy.dir, { recursive: true, force: true });
  assert.equal(out.status, 0, out.stderr);
  const lines = out.stdout.trim().split('\n');
  assert.match(lines[0], /^UserError: cannot create .*new\.db: folder .*locked is not writable$/);
  assert.match(lines[1], /^UserError: cannot write .*existing\.db/);
  // Even a reader of a WAL store must create its -shm: say so rather than fail obscurely.
  assert.match(lines[2], /^UserError: cannot read .*existing\.db: SQLite must create .*-shm beside it, but folder .*locked is not writable$/);
  assert.equal(existsSync(`${dir}/new.db`), false);
  assert.equal(digest(existing), before);
});
