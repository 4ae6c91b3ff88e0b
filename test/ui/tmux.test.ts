/**
 * The real `nas search` on a real terminal: tmux runs it (real training of a tiny proxy child on
 * the embedded dataset) at 80×24, we read the screen with `capture-pane`, attach `nas dashboard`
 * from a second window and quit it with q (the search goes on), press q in the search, and check
 * that the run is resumable: `nas search --resume` finishes it with no trial lost or duplicated.
 */
import { needs } from '../helpers/system.js';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Store } from '../../src/store/store.js';

const cli = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'nas-tmux-'));
const socket = `nas-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
after(() => {
  try { tmux('kill-server'); } catch { /* already gone */ }
  rmSync(dir, { recursive: true, force: true });
});

const screen = (target: string, escapes = false) => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', target);
/** Whether a captured screen (capture-pane -e) sets a foreground colour anywhere (39 is "default colour"). */
const hasColour = (s: string) => [...s.matchAll(/\x1b\[([0-9;]*)m/g)].some((m) => m[1].split(';').some((p) => /^(3[0-8]|9[0-7])$/.test(p)));
const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Polls a pane until `pattern` shows (or fails after `ms`, printing the screen). */
async function waitFor(target: string, pattern: RegExp, ms: number): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const s = screen(target);
    if (pattern.test(s)) return s;
    if (Date.now() > end) assert.fail(`timed out waiting for ${pattern} in ${target}:\n${s}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('nas search in tmux: dashboard on screen, a viewer attaches and quits, q stops, the run resumes', { ...needs('tmux'), timeout: 240_000 }, async () => {
  const db = join(dir, 'nas.db');
  // is-in-ci would make ink print only the last frame; the search must see a plain interactive terminal.
  const env = 'env -u CI -u CONTINUOUS_INTEGRATION';
  const search = [process.execPath, cli, 'search', '--budget', '2', '--train-size', '1500', '--val-size', '200', '--batch-size', '32', '--epochs', '2',
    '--cells', '0', '--filters', '4', '--stem-channels', '4', '--workers', '1', '--backend', 'cpu', '--db', db].map(sh).join(' ');
  tmux('new-session', '-d', '-s', 'nas', '-x', '80', '-y', '24', `${env} NO_COLOR=1 ${search} 2>/dev/null; echo nas-exit=$?; sleep 300`);

  // The dashboard is up and a child is in flight. Each child trains for several seconds even on a quiet
  // machine, so q below lands while the first is still training.
  const running = await waitFor('nas:0', /#1 +\w{8} /, 60_000);
  const lines = running.trimEnd().split('\n');
  const header = lines.findIndex((l) => /^run 1 \[running\] · evolution · nasnet · cpu · 1 worker · up /.test(l));
  assert.ok(header >= 0, `header missing:\n${running}`);
  assert.match(lines[header + 1], /^budget .* [01]\/2 /);
  assert.match(running, /q stop \(again: abort\) · p pause/);
  assert.ok(lines.every((l) => l.length <= 80));
  // NO_COLOR: no colour escapes on the search's screen.
  assert.ok(!hasColour(screen('nas:0', true)), 'no colours with NO_COLOR');

  // A read-only viewer from a second window sees the same run; q quits the viewer only.
  tmux('new-window', '-t', 'nas', `${env} ${[process.execPath, cli, 'dashboard', '--db', db, '--interval', '300'].map(sh).join(' ')}; echo viewer-exit=$?; sleep 300`);
  const viewer = await waitFor('nas:1', /q quit viewer/, 30_000);
  assert.match(viewer, /^run 1 \[running\] · evolution · nasnet/m);
  assert.ok(hasColour(screen('nas:1', true)), 'colours without NO_COLOR');
  tmux('send-keys', '-t', 'nas:1', 'q');
  await waitFor('nas:1', /viewer-exit=0/, 15_000);

  // q in the search: in-flight children finish, the run stays resumable.
  tmux('send-keys', '-t', 'nas:0', 'q');
  await waitFor('nas:0', /finishing the children in flight/, 10_000);
  const done = await waitFor('nas:0', /nas-exit=\d+/, 90_000);
  assert.match(done, /nas-exit=0/);
  let store = Store.open(db, { readonly: true });
  const status = store.requireRun(1).status;
  const before = store.trials(1);
  store.close();
  assert.ok(status === 'interrupted' || status === 'complete', `status ${status}`);
  assert.ok(before.every((t) => t.status === 'complete' || t.status === 'failed'), 'the in-flight child finished');
  if (status === 'interrupted') assert.match(done, /resume with: nas search --resume 1/);

  await promisify(execFile)(process.execPath, [cli, 'search', '--resume', '1', '--db', db]);
  store = Store.open(db, { readonly: true });
  try {
    const trials = store.trials(1);
    assert.deepEqual(trials.map((t) => t.number), [1, 2], 'no trial lost or duplicated');
    assert.deepEqual(trials.slice(0, before.length).map((t) => [t.id, t.key, t.status]), before.map((t) => [t.id, t.key, t.status]), 'finished trials untouched');
    assert.equal(store.requireRun(1).status, 'complete');
  } finally {
    store.close();
  }
});

test('under CI=true a terminal gets plain lines: nas search logs per trial, nas dashboard prints one frame and exits', { ...needs('tmux'), timeout: 60_000 }, async () => {
  const db = join(dir, 'ci.db');
  const table = fileURLToPath(new URL('../../../data/nas-bench-201/nb201-12epoch.csv', import.meta.url));
  const search = [process.execPath, cli, 'search', '--space', 'nas-bench-201', '--evaluator', 'table', '--table', table,
    '--reward-column', 'cifar10_valid_acc_12ep', '--cost-column', 'cost_12ep_s', '--budget', '3', '--db', db].map(sh).join(' ');
  tmux('new-session', '-d', '-s', 'ci', '-x', '100', '-y', '30', `env CI=true ${search}; echo search-exit=$?; sleep 300`);
  const s = await waitFor('ci:0', /search-exit=\d+/, 30_000);
  assert.match(s, /search-exit=0/);
  assert.match(s, /run 1 complete/);
  assert.doesNotMatch(s, /q stop/, 'no dashboard under CI');
  tmux('new-window', '-t', 'ci', `env CI=true ${[process.execPath, cli, 'dashboard', '--db', db, '--width', '100', '--height', '20'].map(sh).join(' ')}; echo viewer-exit=$?; sleep 300`);
  const v = await waitFor('ci:1', /viewer-exit=\d+/, 30_000);
  assert.match(v, /viewer-exit=0/, 'the viewer printed its frame and exited without waiting for q');
  assert.match(v, /^run 1 \[complete\] · evolution · nas-bench-201/m);
});
