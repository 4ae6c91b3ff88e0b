/**
 * Bad input, every verb: one clear line on stderr (`nas: ...`), exit status 2, nothing on stdout,
 * and nothing created, changed or lost: the fixture folder (stores with their -wal/-shm,
 * checkpoints, files) and runs/ are compared byte for byte before and after. The cases are a
 * table (bad-input-cases.ts), run by the real CLI a few at a time; docs/bad-input.md lists them
 * (NAS_BAD_INPUT_DOC=docs/bad-input.md writes it from this run).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/paths.js';
import { cli, tempDir } from './helpers.js';
import { makeFixtures, type Fixtures } from './fixtures.js';
import { badInputCases, type BadInputCase } from './bad-input-cases.js';
import { programRootForNobody } from '../helpers/nobody-program.js';

const root = tempDir('nas-bad-input-');
chmodSync(root, 0o755); // the cases run as `nobody` must reach their files
let fixtures: Fixtures;
let groups: Array<[string, BadInputCase[]]>;
const results: Array<{ verb: string; c: BadInputCase; message: string; kept: boolean }> = [];

before(() => {
  fixtures = makeFixtures(root);
  const root_ = process.getuid?.() === 0;
  // Root reads and writes through permission bits: the unreadable cases run as nobody, so only as root.
  groups = badInputCases(fixtures, (name) => join(root, `new-${name}`)).map(([verb, cases]) => [verb, cases.filter((c) => root_ || !c.asNobody)]);
});
after(() => {
  if (process.env.NAS_BAD_INPUT_DOC) writeFileSync(process.env.NAS_BAD_INPUT_DOC, renderDoc());
  chmodSync(fixtures.readOnlyDir, 0o755);
  rmSync(root, { recursive: true, force: true });
});

/** Every file and folder under `dirs`: path -> sha256 of its bytes (or 'folder'). */
function snapshot(dirs: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (path: string) => {
    const st = lstatSync(path);
    if (st.isDirectory()) {
      out.set(path, 'folder');
      for (const name of readdirSync(path)) walk(join(path, name));
    } else out.set(path, createHash('sha256').update(readFileSync(path)).digest('hex'));
  };
  for (const d of dirs) if (existsSync(d)) walk(d);
  return out;
}

function diff(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [path, hash] of after) {
    if (!before.has(path)) changes.push(`created ${path}`);
    else if (before.get(path) !== hash) changes.push(`changed ${path}`);
  }
  for (const path of before.keys()) if (!after.has(path)) changes.push(`removed ${path}`);
  return changes;
}

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function runCli(c: BadInputCase): Promise<Outcome> {
  return new Promise((resolve) => {
    const nobody = c.asNobody && process.getuid?.() === 0;
    // As nobody, the program from where nobody can read it (a clone under mktemp -d is mode 0700).
    const program = nobody ? programRootForNobody() : packageRoot;
    const child = spawn(process.execPath, [nobody ? join(program, 'dist/src/cli.js') : cli, ...c.args], {
      cwd: program, stdio: ['ignore', 'pipe', 'pipe'], ...(nobody ? { uid: 65534, gid: 65534 } : {}),
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, c.timeoutMs ?? 60_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, timedOut });
    });
  });
}

/** What is wrong with one outcome; empty when the promise is kept. */
function problems(c: BadInputCase, r: Outcome): string[] {
  const out: string[] = [];
  if (r.timedOut) out.push('did not finish (killed)');
  if (r.status !== 2) out.push(`exit status ${r.status}, not 2`);
  const lines = r.stderr.replace(/\n$/, '').split('\n');
  if (lines.length !== 1) out.push(`${lines.length} lines on stderr`);
  if (!/^nas: \S/.test(lines[0])) out.push('stderr does not start with "nas: "');
  if (!c.expect.test(lines[0])) out.push(`message does not match ${c.expect}`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(r.stderr)) out.push('control characters on stderr');
  if (lines[0].length > 420) out.push(`message of ${lines[0].length} characters`);
  if (r.stdout !== '') out.push(`printed on stdout: ${JSON.stringify(r.stdout.slice(0, 200))}`);
  return out;
}

/** A few at a time (2 cores), each batch between two snapshots. */
const BATCH = 4;

async function runGroup(verb: string, cases: BadInputCase[]): Promise<string[]> {
  const failures: string[] = [];
  const watched = [root, join(packageRoot, 'runs')];
  for (let i = 0; i < cases.length; i += BATCH) {
    const batch = cases.slice(i, i + BATCH);
    const before = snapshot(watched);
    const outcomes = await Promise.all(batch.map(runCli));
    const changes = diff(before, snapshot(watched));
    batch.forEach((c, k) => {
      const r = outcomes[k];
      const wrong = problems(c, r);
      const message = r.stderr.trim().split('\n')[0] ?? '';
      results.push({ verb, c, message, kept: wrong.length === 0 && changes.length === 0 });
      if (wrong.length > 0) failures.push(`nas ${c.args.join(' ')}\n    ${wrong.join('\n    ')}\n    stderr: ${r.stderr.trim().slice(0, 600)}`);
    });
    if (changes.length > 0) failures.push(`files changed by one of:\n${batch.map((c) => `    nas ${c.args.join(' ')}`).join('\n')}\n    ${changes.join('\n    ')}`);
  }
  return failures;
}

const VERBS = ['nas', 'search', 'runs', 'show', 'replays', 'dashboard', 'worker', 'baselines', 'train', 'compare', 'export', 'latency', 'plot', 'bench train', 'bench strategies', 'bench ops'];

for (const verb of VERBS) {
  test(`bad input to ${verb === 'nas' ? 'nas itself' : `nas ${verb}`}: exit 2, one line, nothing written`, { timeout: 600_000 }, async () => {
    const group = groups.find(([v]) => v === verb);
    assert.ok(group, `no cases for ${verb}`);
    const failures = await runGroup(verb, group[1]);
    assert.equal(failures.length, 0, `${failures.length} of ${group[1].length} cases broke the promise:\n${failures.join('\n')}`);
  });
}

test('the table covers every verb with at least 150 cases in all', () => {
  assert.deepEqual(groups.map(([v]) => v).sort(), [...VERBS].sort());
  const total = groups.reduce((n, [, cases]) => n + cases.length, 0);
  assert.ok(total >= 150, `${total} cases`);
});

/** docs/bad-input.md: every case, grouped by verb, with the message this run printed. */
function renderDoc(): string {
  const shown = (text: string) => text.split(root).join('$DIR').split(packageRoot).join('.');
  // eslint-disable-next-line no-control-regex
  const escaped = (a: string) => a.replace(/[\u0000-\u001f\u007f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
  const cut = (a: string) => (a.length > 60 ? `${a.slice(0, 20)}…(${a.length} characters)` : a);
  const arg = (a: string) => (a === '' ? '""' : /[\s|`]/.test(a) ? `'${cut(escaped(a))}'` : cut(escaped(a)));
  const kept = results.filter((r) => r.kept).length;
  const out = [
    '# Bad input',
    '',
    'The promise: bad input gets one clear line on stderr (`nas: ...`) and exit status 2, and nothing is',
    'created, changed or lost. Every case below is run by `test/e2e/bad-input.test.ts` against the real',
    'CLI and real files, and checked for: exit status 2, exactly one stderr line starting `nas: ` that',
    'names the problem, nothing on stdout, and no file created, changed or removed in the test folder or',
    'in `runs/` (file list and bytes, -wal/-shm included). `$DIR` is the test folder (its fixtures are',
    'made in `test/e2e/fixtures.ts`); cases marked *(as nobody)* run as an unprivileged user.',
    '',
    `**${results.length} cases, ${kept} keep the promise.**`,
    '',
    'Regenerate this file with `NAS_BAD_INPUT_DOC=docs/bad-input.md node scripts/run-tests.mjs dist/test/e2e/bad-input.test.js`.',
  ];
  for (const verb of VERBS) {
    const rows = results.filter((r) => r.verb === verb);
    out.push('', `## ${verb === 'nas' ? 'nas (no verb)' : `nas ${verb}`} (${rows.length})`, '', '| arguments | message |', '| --- | --- |');
    for (const r of rows) {
      const args = shown(r.c.args.map(arg).join(' ')) + (r.c.asNobody ? ' *(as nobody)*' : '');
      out.push(`| \`${args.replace(/\|/g, '\\|') || '(none)'}\` | ${shown(r.message).replace(/\|/g, '\\|')}${r.kept ? '' : ' **(broken)**'} |`);
    }
  }
  return out.join('\n') + '\n';
}

