/**
 * The long experiment scripts (bench/four-arms.ts, bench/survey-zoo.ts) refuse a mistyped command
 * line with one line and exit 2, before they train or create anything: a typo must not start hours
 * of training with the defaults in the default folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { experimentArgs } from '../../bench/experiment.js';

const script = (name: string) => fileURLToPath(new URL(`../../bench/${name}.js`, import.meta.url));

test('experimentArgs reads values and flags, and a value may start with --', () => {
  const { arg, has } = experimentArgs('x', ['dir', 'search-args'], ['summary'], ['--dir', 'd', '--search-args', '--population 20', '--summary']);
  assert.equal(arg('dir', 'runs'), 'd');
  assert.equal(arg('search-args', ''), '--population 20');
  assert.equal(arg('seeds', '1,2,3'), '1,2,3');
  assert.equal(has('summary'), true);
  assert.equal(has('dir'), true);
  assert.equal(has('seeds'), false);
});

const cases: Array<{ name: string; args: string[]; expect: RegExp }> = [
  { name: 'survey-zoo', args: ['--help'], expect: /unknown option --help/ },
  { name: 'survey-zoo', args: ['--parralel', '2'], expect: /unknown option --parralel/ },
  { name: 'survey-zoo', args: ['--epochs'], expect: /--epochs needs a value/ },
  { name: 'survey-zoo', args: ['--epochs', '0'], expect: /--epochs: "0" is not a whole number/ },
  { name: 'survey-zoo', args: ['--models', 'resnet,resnot'], expect: /no model "resnot" in the zoo/ },
  { name: 'survey-zoo', args: ['--regularisers', 'shake'], expect: /no regulariser "shake"/ },
  { name: 'survey-zoo', args: ['summary'], expect: /unexpected argument "summary"/ },
  { name: 'four-arms', args: ['--arms', 'a,f'], expect: /--arms: no arm "f"/ },
  { name: 'four-arms', args: ['--seeds', '1,x'], expect: /--seeds: "1,x" is not a list/ },
  { name: 'four-arms', args: ['--cpu-hours', '0'], expect: /--cpu-hours: "0" is not a positive/ },
  { name: 'four-arms', args: ['--workers', '1.5'], expect: /--workers: "1.5" is not a whole number/ },
  { name: 'four-arms', args: ['--rescore', '0'], expect: /--rescore takes a reference seed/ },
  { name: 'four-arms', args: ['--seeds', '1', '--seeds', '2'], expect: /--seeds is given twice/ },
];

for (const c of cases) {
  test(`${c.name} ${c.args.join(' ')}: one line, exit 2, nothing created`, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'nas-experiment-args-'));
    try {
      const dir = join(tmp, 'experiment');
      const results = join(tmp, 'results.json');
      const r = spawnSync(process.execPath, [script(c.name), '--dir', dir, '--results', results, ...c.args], { encoding: 'utf8', cwd: tmp, timeout: 60_000 });
      assert.equal(r.status, 2, r.stderr + r.stdout);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], c.expect);
      assert.equal(r.stdout, '');
      assert.equal(existsSync(dir), false);
      assert.equal(existsSync(results), false);
      assert.deepEqual(readdirSync(tmp), []);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}
