/** The comparison tables of the store (schema 5): records, links to replays, test points, owners, older stores. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Store } from '../../src/store/store.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/schema.js';
import { ownerOf } from '../../src/store/owner.js';
import { UserError } from '../../src/core/errors.js';
import { tempDir } from '../e2e/helpers.js';

const genotype = { space: 'nas-bench-201' as const, arch: '|skip_connect~0|+|skip_connect~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|' };
const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

test('a store of schema 4 is read as it is (no comparisons) and gains the tables when a writer opens it', () => {
  const file = join(tempDir(), 'v4.db');
  const old = Store.openWith(file, { migrations: MIGRATIONS.filter((m) => m.version <= 4) });
  const replay = old.addReplay({ label: 'baseline resnet', genotype, config: {} });
  old.close();
  const before = digest(file);
  const reader = Store.open(file, { readonly: true });
  assert.equal(reader.schemaVersion(), 4);
  assert.deepEqual(reader.comparisons.list(), []);
  assert.equal(reader.comparisons.get(1), undefined);
  assert.throws(() => reader.comparisons.require(1), /unknown comparison 1 in/);
  assert.deepEqual(reader.comparisons.testPoints(replay.id), []);
  assert.equal(reader.replays().length, 1);
  reader.close();
  assert.equal(digest(file), before, 'a reader does not upgrade');
  const writer = Store.open(file);
  assert.equal(writer.schemaVersion(), SCHEMA_VERSION);
  assert.equal(writer.requireReplay(replay.id).label, 'baseline resnet');
  assert.deepEqual(writer.comparisons.list(), []);
  writer.close();
});

test('a comparison, its entries, the replay linked in the transaction that creates it, and per-epoch test points', () => {
  const store = Store.open(join(tempDir(), 'c.db'));
  try {
    const c = store.comparisons.create((id) => ({
      config: { dir: `/x/compare-${id}` },
      entries: [{ name: 'resnet', spec: { a: 1 }, checkpointDir: `/x/compare-${id}/1-resnet` }, { name: 'vgg', spec: { a: 2 }, checkpointDir: `/x/compare-${id}/2-vgg` }],
    }));
    assert.equal(c.status, 'running');
    assert.deepEqual(c.config, { dir: `/x/compare-${c.id}` });
    assert.match(c.owner ?? '', new RegExp(`:${process.pid}:`));
    const [a, b] = store.comparisons.entries(c.id);
    assert.deepEqual([a.position, a.name, a.replayId, a.error, b.position, b.name], [1, 'resnet', null, null, 2, 'vgg']);
    assert.deepEqual(b.spec, { a: 2 });

    const replay = store.transaction(() => {
      const r = store.addReplay({ label: 'x', genotype, config: {} });
      store.comparisons.linkReplay(a.id, r.id);
      return r;
    });
    assert.equal(store.comparisons.entry(a.id).replayId, replay.id);
    store.comparisons.addTestPoint(replay.id, { epoch: 1, testLoss: 2.3, testAccuracy: 0.1 });
    store.comparisons.addTestPoint(replay.id, { epoch: 2, testLoss: NaN, testAccuracy: 0.2 });
    store.comparisons.addTestPoint(replay.id, { epoch: 1, testLoss: 2.0, testAccuracy: 0.15 });
    assert.deepEqual(store.comparisons.testPoints(replay.id), [{ epoch: 1, testLoss: 2.0, testAccuracy: 0.15 }, { epoch: 2, testLoss: null, testAccuracy: 0.2 }]);

    store.comparisons.setEntryError(b.id, 'training diverged');
    assert.equal(store.comparisons.entry(b.id).error, 'training diverged');
    store.comparisons.setStatus(c.id, 'failed');
    assert.equal(store.comparisons.require(c.id).status, 'failed');

    // A comparison held by a live process (here: our parent) is not taken over.
    const raw = new Database(store.file);
    raw.prepare(`UPDATE comparisons SET status = 'running', owner = ? WHERE id = ?`).run(ownerOf(process.ppid), c.id);
    raw.close();
    assert.throws(() => store.comparisons.claim(c.id), (e: unknown) => e instanceof UserError && /comparison \d+ is still running by process \d+/.test(e.message));
  } finally {
    store.close();
  }
});

test('a damaged config or entry is one line naming the store', () => {
  const file = join(tempDir(), 'bad.db');
  const store = Store.open(file);
  const c = store.comparisons.create(() => ({ config: { ok: true }, entries: [{ name: 'resnet', spec: {}, checkpointDir: '/x' }] }));
  const raw = new Database(file);
  raw.prepare(`UPDATE comparisons SET config = '{"ok": tr' WHERE id = ?`).run(c.id);
  raw.prepare(`UPDATE comparison_entries SET spec = 'resnet?' WHERE comparison_id = ?`).run(c.id);
  raw.close();
  assert.throws(() => store.comparisons.require(c.id), /bad\.db is damaged: the config of comparison 1 is not valid JSON/);
  assert.throws(() => store.comparisons.entries(c.id), /bad\.db is damaged: entry 1 of comparison 1 is not valid JSON/);
  store.close();
});
