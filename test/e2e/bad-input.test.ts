/** Bad input: one clear line on stderr, exit status 2, nothing created or overwritten. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { nas, tempDir } from './helpers.js';

function assertBadInput(args: string[], pattern: RegExp) {
  const r = nas(args);
  assert.equal(r.status, 2, `${args.join(' ')}\n${r.stderr}${r.stdout}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^nas: /);
  assert.match(lines[0], pattern);
  return r;
}

test('bad search options exit 2 with one line and create no store', () => {
  const dir = tempDir();
  const db = join(dir, 'nas.db');
  assertBadInput(['search', '--strategy', 'genetic', '--db', db], /unknown strategy "genetic" \(known: random, evolution/);
  assertBadInput(['search', '--budget', '0', '--db', db], /--budget must be a positive integer/);
  assertBadInput(['search', '--budget', '-3', '--db', db], /--budget/);
  assertBadInput(['search', '--dataset', 'imagenet-22k', '--db', db], /imagenet-22k/);
  assertBadInput(['search', '--space', 'no-such-space', '--db', db], /no-such-space/);
  assertBadInput(['search', '--backend', 'node', '--db', db], /not installed.*npm install @tensorflow\/tfjs-node/);
  assertBadInput(['search', '--frobnicate', '--db', db], /frobnicate/);
  assertBadInput(['search', '--queue-capacity', '2', '--db', db], /--queue-capacity needs --queue/);
  assertBadInput(['search', '--queue', 'redis://127.0.0.1:1', '--queue-capacity', '0', '--db', db], /queue-capacity/);
  assert.equal(existsSync(db), false, 'no store was created by bad input');
  assertBadInput(['bogus'], /unknown command "bogus"/);
});

test('a malformed or invalid search-space file is rejected naming the file and the JSON path', () => {
  const dir = tempDir();
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{ "name": "x", "family": "nasnet", ');
  assertBadInput(['search', '--space', broken, '--db', join(dir, 'a.db')], /broken\.json/);
  const badOp = join(dir, 'bad-op.json');
  const nasnet = JSON.parse(readFileSync(new URL('../../../search-spaces/nasnet.json', import.meta.url), 'utf8'));
  nasnet.ops[3] = 'conv_9x9_quantum';
  writeFileSync(badOp, JSON.stringify(nasnet));
  assertBadInput(['search', '--space', badOp, '--db', join(dir, 'a.db')], /bad-op\.json: \$\.ops\[3\]: unknown op "conv_9x9_quantum"/);
});

test('a foreign or unwritable --db is refused and left exactly as it was', () => {
  const dir = tempDir();
  const foreign = join(dir, 'app.db');
  const db = new Database(foreign);
  db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);');
  db.close();
  const before = readFileSync(foreign);
  assertBadInput(['search', '--db', foreign, '--budget', '1'], /app\.db/);
  assert.deepEqual(readFileSync(foreign), before);

  const notSqlite = join(dir, 'notes.db');
  writeFileSync(notSqlite, 'these are my notes, not a database\n'.repeat(200));
  const notesBefore = readFileSync(notSqlite);
  assertBadInput(['search', '--db', notSqlite, '--budget', '1'], /notes\.db/);
  assert.deepEqual(readFileSync(notSqlite), notesBefore);

  assertBadInput(['search', '--db', join(dir, 'missing-folder', 'x.db'), '--budget', '1'], /missing-folder/);
  assertBadInput(['show', '3', '--db', join(dir, 'none.db')], /no store at/);
});

test('a truncated dataset file is named in the error', () => {
  const dir = tempDir();
  const src = new URL('../../../data/fashion-mnist-subset/', import.meta.url);
  for (const f of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) {
    writeFileSync(join(dir, f), readFileSync(new URL(f, src)));
  }
  const images = readFileSync(join(dir, 'train-images-idx3-ubyte.gz'));
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), images.subarray(0, Math.floor(images.length / 2)));
  assertBadInput(['search', '--dataset', dir, '--db', join(dir, 'a.db'), '--budget', '1'], /train-images-idx3-ubyte\.gz/);
});
