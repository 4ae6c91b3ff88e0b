/**
 * Owners of runs and replays, against real processes: a live owner blocks a second resume, a
 * killed one shows as 'stale' and is taken over, a reused pid is not mistaken for the owner.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { Store } from '../../src/store/store.js';
import { UserError } from '../../src/core/errors.js';
import { currentOwner, ownerOf, ownerState, shownStatus } from '../../src/store/owner.js';
import { genotype, runConfig, tempDir } from './helpers/fixtures.js';

const tmp = tempDir();
const sleepers: ChildProcess[] = [];
after(() => {
  for (const child of sleepers) child.kill('SIGKILL'); // a failed assertion must not leave them running
  tmp.cleanup();
});

/** A real process that lives until killed. */
async function sleeper(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  sleepers.push(child);
  await new Promise((resolve) => child.once('spawn', resolve));
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** Hands a row to another owner, as that process's own createRun / addReplay would have. */
function setOwner(file: string, table: 'runs' | 'replays', id: number, owner: string): void {
  const raw = new Database(file);
  raw.prepare(`UPDATE ${table} SET owner = ? WHERE id = ?`).run(owner, id);
  raw.close();
}

const isUserError = (pattern: RegExp) => (e: unknown) => e instanceof UserError && pattern.test(e.message) && !e.message.includes('\n');

test('owner strings: this process is alive, a killed one is gone, a reused pid is gone, another host is unknown', async () => {
  assert.equal(ownerState(currentOwner()), 'alive');
  const child = await sleeper();
  const owner = ownerOf(child.pid!);
  assert.match(owner, new RegExp(`^${hostname()}:${child.pid}:\\d+$`), 'the start time is recorded on Linux');
  assert.equal(ownerState(owner), 'alive');
  await kill(child);
  assert.equal(ownerState(owner), 'gone');
  // This process's pid with another start time: a later process that reused the pid.
  assert.equal(ownerState(`${hostname()}:${process.pid}:1`), 'gone');
  assert.equal(ownerState(`elsewhere:${process.pid}:1`), 'unknown');
});

test('a run held by a live search cannot be resumed; once its process is killed it shows stale and resumes', async () => {
  const file = tmp.path('runs.db');
  const store = Store.open(file);
  const run = store.createRun(runConfig());
  assert.equal(store.requireRun(run.id).owner, currentOwner());
  const search = await sleeper();
  setOwner(file, 'runs', run.id, ownerOf(search.pid!));

  assert.throws(() => store.claimRun(run.id), isUserError(new RegExp(`run ${run.id} is still being searched by process ${search.pid} on `)));
  assert.equal(store.requireRun(run.id).owner, ownerOf(search.pid!), 'a refused claim changes nothing');
  assert.equal(shownStatus(store.requireRun(run.id)), 'running');

  await kill(search);
  assert.equal(shownStatus(store.requireRun(run.id)), 'stale');
  store.claimRun(run.id);
  assert.equal(store.requireRun(run.id).owner, currentOwner());
  assert.equal(shownStatus(store.requireRun(run.id)), 'running');

  // A run that ended is never stale, whoever held it; one of another host is taken over.
  store.setRunStatus(run.id, 'complete');
  setOwner(file, 'runs', run.id, ownerOf(search.pid!));
  assert.equal(shownStatus(store.requireRun(run.id)), 'complete');
  store.setRunStatus(run.id, 'running');
  setOwner(file, 'runs', run.id, `elsewhere:1:1`);
  store.claimRun(run.id);
  store.close();
});

test('a replay trained by a live process cannot be claimed, nor its checkpoint folder reused; a killed one can', async () => {
  const file = tmp.path('replays.db');
  const store = Store.open(file);
  const dir = tmp.path('train-1');
  const replay = store.addReplay({ label: 'trial 1', genotype: genotype(1), config: {}, checkpointDir: dir });
  assert.equal(replay.owner, currentOwner());
  store.refuseLiveReplayIn(dir); // this process's own replay is no obstacle
  const trainer = await sleeper();
  setOwner(file, 'replays', replay.id, ownerOf(trainer.pid!));

  assert.throws(() => store.claimReplay(replay.id), isUserError(new RegExp(`replay ${replay.id} is still being trained by process ${trainer.pid}`)));
  assert.throws(() => store.refuseLiveReplayIn(dir), isUserError(new RegExp(`is in use: replay ${replay.id} is being trained there`)));
  store.refuseLiveReplayIn(tmp.path('another-folder'));

  await kill(trainer);
  assert.equal(shownStatus(store.requireReplay(replay.id)), 'stale');
  store.refuseLiveReplayIn(dir);
  store.updateReplay(replay.id, { status: 'interrupted' });
  store.claimReplay(replay.id);
  const claimed = store.requireReplay(replay.id);
  assert.equal(claimed.status, 'running');
  assert.equal(claimed.finishedAt, null);
  assert.equal(claimed.owner, currentOwner());
  store.close();
});
