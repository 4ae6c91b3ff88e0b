/**
 * A read changes nothing: no -wal/-shm left beside a store, not by one reader, not by two at once,
 * and a live writer's files are left to it. A damaged store is refused, by readers and writers,
 * with one UserError line naming the file and what is wrong, and left byte for byte as it was.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Store } from '../../src/store/store.js';
import { UserError } from '../../src/core/errors.js';
import { complete, genotype, runConfig, tempDir } from './helpers/fixtures.js';

const tmp = tempDir();
after(tmp.cleanup);

const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const files = () => readdirSync(tmp.dir).sort();

/** A closed store with one run of `n` finished trials and a strategy state. */
function finishedStore(name: string, n = 40): string {
  const file = tmp.path(name);
  const s = Store.open(file);
  const run = s.createRun(runConfig());
  for (let i = 0; i < n; i++) {
    const t = s.addTrial({ runId: run.id, genotype: genotype(i), key: `g${i}`, origin: 'random' });
    s.finishTrial(t.id, complete(t.id, 0.5 + i / 1000));
  }
  s.saveStrategyState(run.id, { asked: n });
  s.setRunStatus(run.id, 'complete');
  s.close();
  return file;
}

function refuses(fn: () => unknown, file: string, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`);
    assert.match(e.message, pattern);
    assert.ok(e.message.includes(file), e.message);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
}

test('a reader leaves no -wal or -shm beside a store, and the store unchanged', () => {
  const file = finishedStore('read.db');
  const before = { bytes: digest(file), files: files() };
  const r = Store.open(file, { readonly: true });
  assert.equal(r.listRuns().length, 1);
  assert.equal(r.trials(1).length, 40);
  assert.throws(() => r.setRunStatus(1, 'failed'), /readonly/);
  r.close();
  assert.deepEqual(files(), before.files);
  assert.equal(digest(file), before.bytes);
});

test('two readers at once leave nothing behind either', () => {
  const file = finishedStore('two.db');
  const before = { bytes: digest(file), files: files() };
  const a = Store.open(file, { readonly: true });
  const b = Store.open(file, { readonly: true });
  assert.equal(a.listRuns().length, b.listRuns().length);
  a.close();
  b.close();
  assert.deepEqual(files(), before.files);
  assert.equal(digest(file), before.bytes);
});

test('a reader beside a live writer sees its commits and leaves its -wal alone', () => {
  const file = finishedStore('live.db', 2);
  const w = Store.open(file);
  w.createRun(runConfig());
  const wal = readFileSync(`${file}-wal`);
  const r = Store.open(file, { readonly: true });
  assert.equal(r.listRuns().length, 2);
  r.close();
  assert.ok(existsSync(`${file}-wal`), 'the writer keeps its -wal');
  assert.deepEqual(readFileSync(`${file}-wal`), wal);
  w.createRun(runConfig());
  w.close();
  const again = Store.open(file, { readonly: true });
  assert.equal(again.listRuns().length, 3);
  again.close();
});

test('the WAL of a killed writer is read, not folded into the store by a reader', () => {
  const file = finishedStore('killed.db', 2);
  // A writer that stops without closing (as SIGKILL leaves it): the WAL holds its last commits.
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  raw.prepare(`UPDATE runs SET status = 'running' WHERE id = 1`).run();
  copyFileSync(file, tmp.path('killed-main'));
  copyFileSync(`${file}-wal`, tmp.path('killed-wal'));
  raw.close();
  copyFileSync(tmp.path('killed-main'), file);
  copyFileSync(tmp.path('killed-wal'), `${file}-wal`);
  const before = digest(file);
  const r = Store.open(file, { readonly: true });
  assert.equal(r.requireRun(1).status, 'running');
  r.close();
  assert.equal(digest(file), before, 'the store file itself is unchanged');
});

test('1 KB of flipped bytes is refused by readers and writers (quick_check), the file untouched', () => {
  const file = finishedStore('flipped.db', 200);
  const bytes = readFileSync(file);
  for (let i = 4096; i < 4096 + 1024; i++) bytes[i] ^= 0xff;
  writeFileSync(file, bytes);
  const before = { bytes: digest(file), files: files() };
  refuses(() => Store.open(file, { readonly: true }), file, /is a damaged nas store/);
  refuses(() => Store.open(file), file, /is a damaged nas store/);
  assert.deepEqual(files(), before.files);
  assert.equal(digest(file), before.bytes);
});

test('damaged JSON or a wrong shape in a row is one line naming the file, the row and the field', () => {
  const cases: Array<[string, string, (s: Store) => unknown, RegExp]> = [
    ['config.db', `UPDATE runs SET config = '{"strategy": "evol' WHERE id = 1`, (s) => s.listRuns(), /the config of run 1 is not valid JSON/],
    ['shape.db', `UPDATE runs SET config = json_set(config, '$.workers', -2) WHERE id = 1`, (s) => s.requireRun(1), /the config of run 1 has a bad workers/],
    ['proxy.db', `UPDATE runs SET config = json_remove(config, '$.proxy') WHERE id = 1`, (s) => s.requireRun(1), /the config of run 1 has a bad proxy/],
    ['genotype.db', `UPDATE trials SET genotype = '[1, 2]' WHERE id = 7`, (s) => s.trials(1), /the genotype of trial 7 is not a genotype/],
    ['metrics.db', `UPDATE trials SET metrics = 'nul' WHERE id = 2`, (s) => s.getTrial(2), /the metrics of trial 2 is not valid JSON/],
    ['state.db', `UPDATE strategy_state SET state = '{"asked": 4' WHERE run_id = 1`, (s) => s.loadStrategyState(1), /the saved strategy state of run 1 is not valid JSON/],
  ];
  for (const [name, sql, read, pattern] of cases) {
    const file = finishedStore(name, 10);
    const raw = new Database(file);
    raw.pragma('ignore_check_constraints = ON'); // damage need not respect the schema's checks
    raw.exec(sql);
    raw.close();
    const before = digest(file);
    for (const readonly of [true, false]) {
      const s = Store.open(file, { readonly });
      try {
        refuses(() => read(s), file, new RegExp(`is damaged: ${pattern.source}`));
      } finally {
        s.close();
      }
    }
    assert.equal(digest(file), before, `${name} was changed`);
  }
});

test('a row breaking the schema\'s own checks is found by quick_check when the store is opened', () => {
  const file = finishedStore('status.db', 5);
  const raw = new Database(file);
  raw.pragma('ignore_check_constraints = ON');
  raw.exec(`UPDATE trials SET status = 'done' WHERE id = 3`);
  raw.close();
  refuses(() => Store.open(file, { readonly: true }), file, /damaged nas store: SQLite's integrity check says "CHECK constraint failed in trials"/);
  refuses(() => Store.open(file), file, /damaged nas store/);
});

test('a control character in a damaged row is quoted, not copied', () => {
  const file = finishedStore('bell.db', 1);
  const raw = new Database(file);
  raw.exec(`UPDATE runs SET config = char(7) || '{"a' WHERE id = 1`);
  raw.close();
  const s = Store.open(file, { readonly: true });
  try {
    refuses(() => s.listRuns(), file, /starts "\\u0007\{\\"a"/);
  } finally {
    s.close();
  }
});
