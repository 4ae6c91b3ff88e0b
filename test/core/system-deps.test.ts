/** The set-up step and the rule that decides, for a test needing a system component, between run, skip and fail. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decide, readSetUpRecord } from '../helpers/system.js';

const script = fileURLToPath(new URL('../../../scripts/system-deps.sh', import.meta.url));

test('a missing component runs never, skips only when the set-up step could not install it, and fails under CI', () => {
  const couldNot = { status: 'unavailable', reason: 'not root and no password-less sudo', missing: ['redis-server', 'tmux'] };
  assert.deepEqual(decide('tmux', true, couldNot, true), {});
  assert.deepEqual(decide('tmux', false, couldNot, false), { skip: 'tmux is not installed: scripts/system-deps.sh could not install tmux (not root and no password-less sudo)' });
  assert.match((decide('tmux', false, couldNot, true) as { fail: string }).fail, /missing and this is CI/);
  // The set-up step installed everything (or never ran): a missing component is a failure that says what to run.
  assert.match((decide('oneDNN engine', false, { status: 'ok', reason: '', missing: [] }, false) as { fail: string }).fail, /run scripts\/system-deps\.sh \(it installs libdnnl-dev\)/);
  assert.match((decide('redis-server', false, undefined, false) as { fail: string }).fail, /run scripts\/system-deps\.sh/);
  // Could not install something else: this one should be there.
  assert.ok('fail' in decide('dataset-fashion-mnist', false, couldNot, false));
});

/** Runs the script with PATH holding only `tools` (links to the real commands), recording into a temp file. */
function runWith(tools: string[], extraBin: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'nas-sysdeps-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const t of tools.filter((t) => !(t in extraBin))) symlinkSync(spawnSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).stdout.trim(), join(bin, t));
  for (const [name, body] of Object.entries(extraBin)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  const record = join(dir, 'record');
  const r = spawnSync('/bin/sh', [script], { encoding: 'utf8', env: { PATH: bin, NAS_SYSTEM_DEPS_FILE: record } });
  const rec = readSetUpRecord(record);
  rmSync(dir, { recursive: true, force: true });
  return { ...r, rec };
}

const basics = ['sed', 'grep', 'printf', 'cat', 'dirname', 'id'];

test('system-deps.sh off Debian prints one line naming what to install, exits 0, records why', () => {
  const r = runWith(basics);
  assert.equal(r.status, 0);
  assert.equal(r.stdout.trim().split('\n').length, 1, r.stdout);
  assert.match(r.stdout, /^nas: not a Debian\/Ubuntu system; install oneDNN, redis-server, tmux and Fashion-MNIST yourself/);
  assert.deepEqual(r.rec, { status: 'unavailable', reason: 'not a Debian/Ubuntu system', missing: ['libdnnl-dev', 'redis-server', 'tmux', 'dataset-fashion-mnist'] });
});

test('system-deps.sh without root or sudo names the apt-get command and carries on; with everything installed it is silent', () => {
  // A Debian whose dpkg says redis-server and tmux are missing, run by a user who is not root and has no sudo.
  const r = runWith(basics, {
    'dpkg-query': 'case "$3" in redis-server|tmux) exit 1;; *) echo "install ok installed";; esac',
    'apt-get': 'exit 0',
    id: 'echo 1000',
  });
  assert.equal(r.status, 0);
  assert.equal(r.stdout.trim(), 'nas: not root and no password-less sudo; to get the fast engine and the full test suite run: sudo apt-get install redis-server tmux');
  assert.deepEqual(r.rec, { status: 'unavailable', reason: 'not root and no password-less sudo', missing: ['redis-server', 'tmux'] });
  const all = runWith(basics, { 'dpkg-query': 'echo "install ok installed"', 'apt-get': 'exit 0' });
  assert.equal(all.status, 0);
  assert.equal(all.stdout, '');
  assert.equal(all.rec?.status, 'ok');
});
