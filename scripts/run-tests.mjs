#!/usr/bin/env node
// Runs every dist/test/**/*.test.js with node's test runner, one file at a time (2 cores, real
// training in several tests). Helpers and fixtures beside the tests are not run as tests.
// Pass folders or files to run a part: node scripts/run-tests.mjs dist/test/store
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';

function collect(path, out) {
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) collect(join(path, name), out);
  } else if (path.endsWith('.test.js')) {
    out.push(path);
  }
  return out;
}

const roots = process.argv.slice(2);
const files = (roots.length ? roots : ['dist/test']).flatMap((r) => collect(r, []));
if (files.length === 0) {
  console.error('no test files found: run npm run build first');
  process.exit(1);
}
// CI machines set CI=true, which puts ink into a mode that draws only the final frame; the
// dashboard tests check the frames a person sees on a terminal, so they run without it (the
// commands' own CI behaviour, plain lines, is tested in test/ui/tmux.test.ts).
// They learn that it is CI from NAS_CI instead: there a missing system component fails its tests
// rather than skipping them (test/helpers/system.ts).
const env = { ...process.env };
if ((env.CI && env.CI !== 'false') || env.CONTINUOUS_INTEGRATION) env.NAS_CI = '1';
delete env.CI;
delete env.CONTINUOUS_INTEGRATION;
// The usual reporter (spec on a terminal, tap otherwise), then a list of every skip and its reason.
const reporters = [
  `--test-reporter=${process.stdout.isTTY ? 'spec' : 'tap'}`, '--test-reporter-destination=stdout',
  `--test-reporter=${join(dirname(fileURLToPath(import.meta.url)), 'skip-summary.mjs')}`, '--test-reporter-destination=stdout',
];
// node's runner sets FORCE_COLOR for every test file when its own output is a terminal, and the CLI
// children the tests start would then colour the lines the tests read. So the runner writes into a
// pipe that this script copies to the terminal, and nobody's FORCE_COLOR is passed on.
delete env.FORCE_COLOR;
const child = spawn(process.execPath, ['--test', '--test-concurrency=1', ...reporters, ...files], { stdio: ['inherit', 'pipe', 'pipe'], env });
child.stdout.pipe(process.stdout);
child.stderr.pipe(process.stderr);
child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
