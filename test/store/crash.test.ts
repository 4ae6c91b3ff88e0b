/**
 * Crash safety for real: a child process writes trials in a loop and is SIGKILLed mid-write;
 * the store must pass `PRAGMA integrity_check`, hold every trial the child reported committed,
 * and resume (the in-flight trial re-runs under the same id; none is lost or run twice).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Store } from '../../src/store/store.js';
import { tempDir } from './helpers/fixtures.js';

const child = fileURLToPath(new URL('./helpers/writer-child.js', import.meta.url));
const tmp = tempDir();
after(tmp.cleanup);

/** Runs the writer until it has reported `killAfter` commits, then SIGKILLs it. Returns the committed ids. */
function runAndKill(db: string, run: string, killAfter: number): Promise<{ runId: number; committed: number[]; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, db, run], { env: { ...process.env, NAS_STORE_CHILD: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    p.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!killed && (out.match(/^committed /gm)?.length ?? 0) >= killAfter) {
        killed = true;
        p.kill('SIGKILL');
      }
    });
    p.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    p.on('error', reject);
    p.on('close', (code, signal) => {
      if (!killed) return reject(new Error(`writer exited by itself (code ${code}): ${err}`));
      const runId = Number(/^run (\d+)$/m.exec(out)?.[1]);
      const committed = [...out.matchAll(/^committed (\d+)$/gm)].map((m) => Number(m[1]));
      resolve({ runId, committed, signal });
    });
  });
}

function checkStore(db: string, runId: number, committed: number[]): { total: number; running: number[] } {
  // A dashboard may attach before the search resumes: it must see every commit left in the WAL.
  const reader = Store.open(db, { readonly: true });
  const seen = new Set(reader.trials(runId, { status: 'complete' }).map((t) => t.id));
  reader.close();
  for (const id of committed) assert.ok(seen.has(id), `a reader does not see committed trial ${id}`);
  const store = Store.open(db);
  try {
    assert.equal(store.integrityCheck(), 'ok');
    const trials = store.trials(runId);
    const byId = new Map(trials.map((t) => [t.id, t]));
    for (const id of committed) assert.equal(byId.get(id)?.status, 'complete', `committed trial ${id} lost`);
    // Numbers are 1..n without gaps or repeats, and each trial's key is unique: nothing ran twice.
    assert.deepEqual(trials.map((t) => t.number), trials.map((_, i) => i + 1));
    assert.equal(new Set(trials.map((t) => t.key)).size, trials.length);
    // Lineage survives: every trial but the first descends from the one before it.
    for (let i = 1; i < trials.length; i++) assert.equal(trials[i].parentId, trials[i - 1].id);
    assert.equal(store.curve({ trialId: committed[committed.length - 1] }).length, 1);
    const state = store.loadStrategyState(runId) as { step: number };
    assert.ok(state.step >= committed.length - 1);
    const running = trials.filter((t) => t.status === 'running').map((t) => t.id);
    return { total: trials.length, running };
  } finally {
    store.close();
  }
}

test('SIGKILL mid-write leaves a store that opens, is intact, holds every committed trial and resumes', { timeout: 60_000 }, async () => {
  const db = tmp.path('crash.db');
  const first = await runAndKill(db, 'new', 40);
  assert.equal(first.signal, 'SIGKILL');
  assert.ok(first.committed.length >= 40);
  let state = checkStore(db, first.runId, first.committed);
  assert.equal(state.running.length, 1, 'exactly the trial in flight is left running');

  // Resume in new processes, killing each after a different number of commits.
  let committed = first.committed;
  for (const killAfter of [1, 25, 60, 7, 90]) {
    const next = await runAndKill(db, String(first.runId), killAfter);
    assert.equal(next.runId, first.runId);
    assert.equal(next.committed[0], state.running[0], 'the in-flight trial re-ran under its own id');
    committed = [...committed, ...next.committed];
    assert.equal(new Set(committed).size, committed.length, 'a trial was reported committed twice');
    state = checkStore(db, first.runId, committed);
    assert.equal(state.running.length, 1);
    assert.ok(state.total >= committed.length);
  }
});
