/**
 * The dashboard rendered with ink-testing-library from a store holding a REAL run (the real search
 * loop over the vendored NAS-Bench-201 table, some children failing for real), and the live
 * dashboard driving a real search: q stops it gracefully and the run resumes to its budget.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import React from 'react';
import { render, cleanup } from 'ink-testing-library';
import { Dashboard } from '../../src/ui/Dashboard.js';
import { DashboardModel } from '../../src/ui/model.js';
import { detailsReader } from '../../src/ui/details.js';
import { attachDashboard } from '../../src/ui/attach.js';
import { cellLines } from '../../src/commands/cell-text.js';
import { loadSpace } from '../../src/space/load.js';
import type { SearchControl } from '../../src/search/loop.js';
import { Store } from '../../src/store/store.js';
import { pct2 } from '../../src/ui/text.js';
import { FakeStdin, FakeStdout, plain, tick } from './fake-tty.js';
import { realTableRun, tempWorkspace } from './real-run.js';

const cli = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const run = promisify(execFile);
const ws = tempWorkspace();

// One real run shared by the rendering tests: 30 children + 1 baseline.
const db = join(ws.dir, 'run.db');
const real = realTableRun(db, ws.table, { budget: 30, baselines: true }).then((r) => {
  r.store.close();
  return { runId: r.runId, outcome: r.outcome, store: Store.open(db, { readonly: true }) };
});
after(async () => {
  cleanup();
  // The shared run may still be writing when only some tests were selected: wait for it.
  await real.then((r) => r.store.close(), () => {});
  ws.cleanup();
});

function frameOf(store: Store, runId: number, columns: number, rows: number) {
  const model = new DashboardModel(store, store.requireRun(runId), { live: false });
  const quits: string[] = [];
  const r = render(<Dashboard snapshot={model.snapshot()} details={detailsReader(store)} onQuit={(how) => quits.push(how)} columns={columns} rows={rows} />);
  return { ...r, quits, frame: () => plain(r.lastFrame()) };
}

test('80×24: shows the run, its counts, the top trial, the best cell and a failure', async () => {
  const { store, runId, outcome } = await real;
  assert.equal(outcome, 'complete');
  const best = store.bestTrial(runId)!;
  const failed = store.trials(runId, { status: 'failed' });
  assert.ok(failed.length > 0, 'the holed table makes some children fail');
  const { frame } = frameOf(store, runId, 80, 24);
  const text = frame();
  const lines = text.split('\n');
  assert.ok(lines.length <= 23, `frame is ${lines.length} lines, must leave the last terminal line free`);
  for (const l of lines) assert.ok(l.length <= 80, `line wider than 80: "${l}"`);
  // " · " between fields, or "·" when the line would not fit.
  assert.match(lines[0], new RegExp(`^run ${runId} \\[complete\\] ?· ?evolution ?· ?nas-bench-201 ?· ?table ?· ?1 worker ?· ?up [\\d.]+s ?· ?ETA -$`));
  const done = store.trials(runId).filter((t) => !t.baseline).length;
  assert.equal(done, 30);
  assert.match(lines[1], new RegExp(`30/30 100%  best ${pct2(best.reward)}%  failed ${failed.filter((t) => !t.baseline).length}`));
  // The top table's first search trial is the best one, with its reward and parent.
  assert.match(text, new RegExp(`│\\d+\\s+${best.id}\\s+${pct2(best.reward)}`));
  assert.match(text, new RegExp(`best trial ${best.id} · ${pct2(best.reward)}%`));
  for (const l of cellLines(best.genotype)) assert.ok(text.includes(l), `best cell line "${l}" missing`);
  // Ancestry: each ancestor's id and how it was made.
  for (const a of store.ancestry(best.id).slice(0, 2)) assert.match(text, new RegExp(`^${a.id}\\s+${pct2(a.reward)}`, 'm'));
  const lastFailure = failed[failed.length - 1];
  assert.ok(text.includes(`trial ${lastFailure.id} failed: ${lastFailure.error}`), 'the last failure with its error');
  assert.match(lastFailure.error!, /no "cifar10_valid_acc_12ep" value on line \d+/);
});

test('120×40: the full top 10 with the parent column, baselines marked, details side by side', async () => {
  const { store, runId } = await real;
  const { frame } = frameOf(store, runId, 120, 40);
  const text = frame();
  const lines = text.split('\n');
  assert.ok(lines.length <= 39);
  for (const l of lines) assert.ok(l.length <= 120);
  const top = store.topTrials(runId, 10, { baselines: true });
  assert.equal(top.length, 10);
  assert.match(text, /#  trial  reward params  madds   time parent/);
  top.forEach((t, i) => {
    const id = t.baseline ? `${t.id}B` : String(t.id);
    assert.match(text, new RegExp(`│${i + 1}\\s+${id}\\s+${pct2(t.reward)}.*\\s${t.parentId ?? '-'}\\s*$`, 'm'), `rank ${i + 1}`);
  });
  const baseline = store.trials(runId).find((t) => t.baseline)!;
  assert.equal(baseline.status, 'complete');
  // The baseline is a "B" in the chart (and "<id>B" in the table when it ranks in the top 10).
  const chartRows = lines.filter((l) => /^ {0,6}[\d.%\s]{0,7}│/.test(l));
  assert.ok(chartRows.some((l) => l.split('│')[1].includes('B')), 'baseline point in the chart');
  // Details side by side: ancestry | cell on the same lines.
  const best = store.bestTrial(runId)!;
  assert.ok(lines.some((l) => l.startsWith(String(best.id)) && l.includes('│n1 = ')), 'ancestry and cell side by side');
});

test('arrow keys select a trial for the cell and ancestry; q and Ctrl-C reach the owner', async () => {
  const { store, runId } = await real;
  const { frame, stdin, quits } = frameOf(store, runId, 100, 30);
  const top = store.topTrials(runId, 10, { baselines: true });
  const bestIndex = top.findIndex((t) => !t.baseline);
  await tick();
  stdin.write('\x1b[B'); // down
  await tick();
  const next = top[bestIndex + 1];
  assert.match(frame(), new RegExp(`selected trial ${next.id}${next.baseline ? ` \\(baseline ${next.baseline}\\)` : ''} · ${pct2(next.reward)}%`));
  for (const l of cellLines(next.genotype)) assert.ok(frame().includes(l), `selected cell line "${l}"`);
  stdin.write('\x1b[A'); // up
  await tick();
  stdin.write('\x1b[A'); // up again
  await tick();
  const up = top[Math.max(0, bestIndex - 1)];
  assert.match(frame(), new RegExp(`trial ${up.id}\\b`));
  stdin.write('q');
  stdin.write('\x03');
  await tick();
  assert.deepEqual(quits, ['q', 'ctrl-c']);
  stdin.write('qq'); // pressed twice within one read: both presses count (the second aborts a live search)
  await tick();
  assert.deepEqual(quits, ['q', 'ctrl-c', 'q', 'q']);
});

test('live: the dashboard follows a real search, q stops it gracefully, and it resumes to its budget', async () => {
  const live = join(ws.dir, 'live.db');
  const stdout = new FakeStdout(80, 24);
  const stdin = new FakeStdin();
  let control: SearchControl | undefined;
  let ui: Awaited<ReturnType<typeof attachDashboard>> | undefined;
  let ends = 0;
  const r = await realTableRun(live, ws.table, {
    budget: 40,
    control: (c) => (control = c),
    beforeRun: async (store, runId, config) => {
      ui = await attachDashboard({
        store, runId, config, space: loadSpace('nas-bench-201'), backend: 'table', getControl: () => control,
        stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream,
      });
      await tick(50); // ink subscribes to keys in an effect
    },
    onEvent: (e) => {
      ui!.onEvent(e);
      // A person pressing q after the 12th child: the key arrives while the loop runs.
      if (e.type === 'trial-end' && ++ends === 12) stdin.write('q');
    },
  });
  await ui!.unmount();
  assert.equal(r.outcome, 'interrupted');
  assert.equal(r.store.requireRun(r.runId).status, 'interrupted');
  const done = r.store.trials(r.runId);
  assert.equal(done.length, 12, 'no child handed out after q');
  assert.ok(done.every((t) => t.status === 'complete' || t.status === 'failed'), 'in-flight children finished');
  const screen = stdout.text();
  assert.match(screen, /finishing the children in flight/);
  assert.match(screen, new RegExp(`run ${r.runId} \\[interrupted\\]`), 'the final frame stays on screen');
  assert.match(screen, /12\/40 30%/);
  r.store.close();

  // The real CLI resumes it (stdout is a pipe here: plain lines) to exactly its budget.
  const { stdout: out } = await run(process.execPath, [cli, 'search', '--resume', String(r.runId), '--db', live], { env: { ...process.env, NO_COLOR: '1' } });
  assert.match(out, new RegExp(`run ${r.runId} complete`));
  const store = Store.open(live, { readonly: true });
  try {
    const trials = store.trials(r.runId);
    assert.equal(trials.length, 40);
    assert.deepEqual(trials.map((t) => t.number), Array.from({ length: 40 }, (_, i) => i + 1), 'no trial lost or duplicated');
    assert.equal(new Set(trials.map((t) => t.key)).size, 40, 'no architecture evaluated twice');
    assert.equal(store.requireRun(r.runId).status, 'complete');
  } finally {
    store.close();
  }
});

test('live: p pauses handing out children and resumes them', async () => {
  const file = join(ws.dir, 'pause.db');
  const stdout = new FakeStdout(80, 24);
  const stdin = new FakeStdin();
  let control: SearchControl | undefined;
  let ui: Awaited<ReturnType<typeof attachDashboard>> | undefined;
  let ends = 0;
  let whilePaused: { trials: number; screen: string } | undefined;
  const r = await realTableRun(file, ws.table, {
    budget: 20,
    control: (c) => (control = c),
    beforeRun: async (store, runId, config) => {
      ui = await attachDashboard({
        store, runId, config, space: loadSpace('nas-bench-201'), backend: 'table', getControl: () => control,
        stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream,
      });
      await tick(50);
    },
    onEvent: (e) => {
      ui!.onEvent(e);
      if (e.type === 'trial-end' && ++ends === 5) {
        stdin.write('p');
        // While paused the loop waits, so timers run: look, then press p again.
        setTimeout(() => {
          const s = Store.open(file, { readonly: true });
          whilePaused = { trials: s.countTrials(e.runId), screen: stdout.text() };
          s.close();
          stdin.write('p');
        }, 300);
      }
    },
  });
  await ui!.unmount();
  assert.equal(r.outcome, 'complete');
  assert.equal(r.store.countTrials(r.runId), 20);
  r.store.close();
  assert.ok(whilePaused, 'the search paused');
  assert.equal(whilePaused.trials, 5, 'no child handed out while paused');
  assert.match(whilePaused.screen, /\[paused\]/);
  assert.match(whilePaused.screen, /p resume/);
});

test('nas dashboard --once prints a frame of the newest run; bad input exits 2 with one line', async () => {
  const { store, runId } = await real;
  const { stdout: out } = await run(process.execPath, [cli, 'dashboard', '--db', db, '--once', '--width', '80', '--height', '24']);
  const lines = out.trimEnd().split('\n');
  assert.match(lines[0], new RegExp(`^run ${runId} \\[complete\\]`));
  assert.ok(lines.length <= 23 && lines.every((l) => l.length <= 80));
  assert.ok(out.includes(`best trial ${store.bestTrial(runId)!.id}`));
  await assert.rejects(run(process.execPath, [cli, 'dashboard', '99', '--db', db, '--once']), (e: { code: number; stderr: string }) => {
    assert.equal(e.code, 2);
    assert.equal(e.stderr.trim(), `nas: unknown run 99 in ${db}`);
    return true;
  });
  await assert.rejects(run(process.execPath, [cli, 'dashboard', '--db', join(ws.dir, 'none.db')]), (e: { code: number; stderr: string }) => {
    assert.equal(e.code, 2);
    assert.match(e.stderr.trim(), /^nas: no store at .*none\.db/);
    return true;
  });
});

test('follows terminal resizes: 80×24 → 120×40 → 80×24', async () => {
  const { store, runId } = await real;
  const stdout = new FakeStdout(80, 24);
  const model = new DashboardModel(store, store.requireRun(runId), { live: false });
  const { render: inkRender } = await import('ink');
  const last = () => plain(stdout.frames[stdout.frames.length - 1]);
  const app = inkRender(<Dashboard snapshot={model.snapshot()} details={detailsReader(store)} onQuit={() => {}} />, {
    stdout: stdout as unknown as NodeJS.WriteStream, stdin: new FakeStdin() as unknown as NodeJS.ReadStream, debug: true, patchConsole: false,
  });
  try {
    await tick(50); // ink subscribes in effects
    const small = last().split('\n');
    assert.ok(small.length <= 23 && small.every((l) => l.length <= 80));
    assert.ok(!small.some((l) => /│n1 = /.test(l)), 'details stacked at 80 wide');
    stdout.resize(120, 40);
    await tick(50);
    const wide = last().split('\n');
    assert.ok(wide.length <= 39 && wide.some((l) => l.length > 100), 'uses the new width');
    assert.ok(wide.some((l) => /^\S.*│n1 = /.test(l)), 'details side by side when wide');
    stdout.resize(80, 24);
    await tick(50);
    const narrow = last().split('\n');
    assert.ok(narrow.length <= 23 && narrow.every((l) => l.length <= 80));
  } finally {
    app.unmount();
  }
});

test('an attached viewer (read-only) sees a writer\'s new trials, progress and results on reload', async () => {
  const file = join(ws.dir, 'viewer.db');
  const r = await realTableRun(file, ws.table, { budget: 5 });
  const writer = r.store;
  const reader = Store.open(file, { readonly: true });
  try {
    const model = new DashboardModel(reader, reader.requireRun(r.runId), { live: false });
    const before = model.snapshot();
    assert.equal(before.done, 5);
    assert.equal(before.inFlight.length, 0);
    // The writer starts a child and reports progress, as the search and its progress writer do.
    const genotype = { space: 'nas-bench-201' as const, arch: '|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|' };
    const space = loadSpace('nas-bench-201');
    const t = writer.addTrial({ runId: r.runId, genotype, key: space.key(genotype), origin: 'random' });
    writer.setWorkerProgress({ runId: r.runId, worker: 'host/w1', trialId: t.id, epoch: 1, epochs: 2, batch: 3, batches: 10, loss: 1.5, imagesPerSec: 250 });
    model.reload();
    const running = model.snapshot();
    assert.deepEqual(running.inFlight.map((f) => [f.trialId, f.progress?.batch]), [[t.id, 3]]);
    writer.setWorkerProgress({ runId: r.runId, worker: 'host/w1', trialId: t.id, epoch: 2, epochs: 2, batch: 1, batches: 10, loss: 1.2, imagesPerSec: 260 });
    model.reload(); // counts unchanged: only the progress is re-read
    assert.deepEqual(model.snapshot().inFlight.map((f) => [f.progress?.epoch, f.progress?.batch]), [[2, 1]]);
    writer.finishTrial(t.id, { trialId: t.id, status: 'complete', reward: 0.5, metrics: undefined });
    writer.clearWorkerProgress(r.runId, 'host/w1');
    model.reload();
    const after = model.snapshot();
    assert.equal(after.done, 6);
    assert.equal(after.inFlight.length, 0);
    assert.deepEqual(after.rewards.at(-1), { trialId: t.id, reward: 0.5, baseline: null });
    // Its search killed (a row 'running' whose process is gone: here this pid with another start
    // time), the viewer says stale and its clock stops instead of running on.
    writer.setRunStatus(r.runId, 'running');
    model.reload();
    assert.equal(model.snapshot().status, 'running');
    const raw = new Database(file);
    raw.prepare('UPDATE runs SET owner = ? WHERE id = ?').run(`${hostname()}:${process.pid}:1`, r.runId);
    raw.close();
    model.reload();
    const stale = model.snapshot();
    assert.equal(stale.status, 'stale');
    await new Promise((done) => setTimeout(done, 20));
    assert.equal(model.snapshot().now, stale.now, 'the clock of a stale run stands still');
  } finally {
    reader.close();
    writer.close();
  }
});
