/** Every verb and sub-verb answers --help and -h with its usage on stdout and exit status 0, even beside bad options. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { packageRoot } from '../../src/core/paths.js';
import { cli } from './helpers.js';

const VERBS = [[], ['search'], ['runs'], ['show'], ['dashboard'], ['worker'], ['baselines'], ['replays'], ['train'], ['compare'], ['export'], ['plot'], ['bench'], ['bench', 'train'], ['bench', 'strategies'], ['bench', 'ops']];

/** `nas ARGS` (or, with `command`, that program with ARGS) in the package folder. */
function run(args: string[], command: [string, ...string[]] = [process.execPath, cli]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command[0], [...command.slice(1), ...args], { cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('--help and -h print the usage of every verb and exit 0, whatever else is on the line', async () => {
  const calls = VERBS.flatMap((verb) => [[...verb, '--help'], [...verb, '-h'], ...(verb.length ? [[...verb, '--epochs', '0', '--help']] : [])]);
  for (let i = 0; i < calls.length; i += 4) {
    const batch = calls.slice(i, i + 4);
    const results = await Promise.all(batch.map((args) => run(args)));
    batch.forEach((args, k) => {
      const r = results[k];
      assert.equal(r.status, 0, `nas ${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr, '', `nas ${args.join(' ')}`);
      assert.match(r.stdout, /^usage: nas/, `nas ${args.join(' ')}`);
    });
  }
});

// npm makes the bin executable when it installs, but every build deletes dist/ and writes it anew:
// without the build's own chmod, `npx nas` after `npm test` said "Permission denied".
test('the built nas is executable: `npx nas --help` works after a build, as the README says', async () => {
  const r = await run(['--help'], ['npx', '--no-install', 'nas']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^usage: nas/);
});
