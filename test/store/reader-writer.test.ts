/**
 * One writer, many readers (the dashboard, `nas runs` in another terminal): a read-only store
 * reads while the writer writes, sees each commit whole, and never makes the writer wait.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { Store } from '../../src/store/store.js';
import { complete, genotype, runConfig, tempDir } from './helpers/fixtures.js';

const tmp = tempDir();
after(tmp.cleanup);

test('a reader holding a read transaction open does not block the writer, and sees a stable snapshot', () => {
  const file = tmp.path('snapshot.db');
  const writer = Store.open(file);
  const run = writer.createRun(runConfig());
  // A raw read-only connection stands in for a slow dashboard query that holds its snapshot.
  const reader = new Database(file, { readonly: true });
  reader.exec('BEGIN');
  const count = reader.prepare('SELECT COUNT(*) AS n FROM trials');
  assert.equal((count.get() as { n: number }).n, 0);
  const t0 = performance.now();
  for (let i = 0; i < 50; i++) {
    writer.transaction(() => {
      const t = writer.addTrial({ runId: run.id, genotype: genotype(i), key: `g${i}`, origin: 'random' });
      writer.finishTrial(t.id, complete(t.id, i / 100));
    });
  }
  const ms = performance.now() - t0;
  // A blocked writer would wait out the 5 s busy timeout and then throw SQLITE_BUSY.
  assert.ok(ms < 4000, `writer took ${ms.toFixed(0)} ms with a reader open`);
  assert.equal((count.get() as { n: number }).n, 0, 'the reader snapshot moved inside its transaction');
  reader.exec('COMMIT');
  assert.equal((count.get() as { n: number }).n, 50);
  // The Store's own read-only connection sees every commit.
  const ro = Store.open(file, { readonly: true });
  assert.equal(ro.countTrials(run.id, 'complete'), 50);
  assert.equal(ro.bestTrial(run.id)?.reward, 0.49);
  ro.close();
  reader.close();
  writer.close();
});

test('a read-only store polls while another process writes: counts only grow, every commit is whole', { timeout: 30_000 }, async () => {
  const file = tmp.path('live.db');
  Store.open(file).close(); // the store exists before the dashboard attaches
  const child = fileURLToPath(new URL('./helpers/writer-child.js', import.meta.url));
  const p = spawn(process.execPath, [child, file, 'new', '300'], { env: { ...process.env, NAS_STORE_CHILD: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  p.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => p.on('close', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));

  const reader = Store.open(file, { readonly: true });
  let last = 0;
  let polls = 0;
  let sawPartial = false;
  while (!done) {
    const runs = reader.listRuns();
    if (runs.length === 1) {
      const runId = runs[0].id;
      // One snapshot: the counts and the rows must agree (each step commits finish + next together).
      reader.transaction(() => {
        const trials = reader.trials(runId);
        const complete = trials.filter((t) => t.status === 'complete').length;
        const running = trials.filter((t) => t.status === 'running').length;
        if (trials.length > 0 && running !== 1) sawPartial = true;
        assert.ok(complete >= last, `complete went from ${last} to ${complete}`);
        last = complete;
      });
      polls++;
    }
    await sleep(5);
  }
  assert.equal(await exited, 0, stderr);
  const final = reader.listRuns()[0];
  assert.equal(final.completed, 300);
  assert.equal(final.trials, 301); // the writer stops with its next trial in flight
  assert.equal(sawPartial, false, 'a reader saw a half-written step');
  assert.ok(polls >= 5, `only ${polls} polls during the write`);
  assert.equal(reader.integrityCheck(), 'ok');
  reader.close();
});

test('two writer processes at once (a search and a `nas train` beside it) both finish without "database is locked"', { timeout: 30_000 }, async () => {
  const file = tmp.path('two-writers.db');
  Store.open(file).close();
  const child = fileURLToPath(new URL('./helpers/writer-child.js', import.meta.url));
  const runOne = () =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const p = spawn(process.execPath, [child, file, 'new', '150'], { env: { ...process.env, NAS_STORE_CHILD: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      p.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      p.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
      p.on('close', (code) => resolve({ code, out, err }));
    });
  const results = await Promise.all([runOne(), runOne()]);
  for (const r of results) assert.equal(r.code, 0, r.err);
  const store = Store.open(file, { readonly: true });
  const runs = store.listRuns();
  assert.deepEqual(runs.map((r) => [r.trials, r.completed]), [[151, 150], [151, 150]]);
  for (const r of runs) assert.deepEqual(store.trials(r.id).map((t) => t.number), Array.from({ length: 151 }, (_, i) => i + 1));
  assert.equal(store.integrityCheck(), 'ok');
  store.close();
});
