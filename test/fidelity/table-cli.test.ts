/** `nas fidelity --table`: a real run on a few NB201 cells, and bad input (one line, exit 2, nothing written). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nas, tempDir } from '../e2e/helpers.js';
import { spearman, kendallTauB } from '../../src/stats/correlation.js';

const TABLE = 'data/nas-bench-201/nb201-12epoch.csv';
const lines = readFileSync(TABLE, 'utf8').trim().split('\n');

function smallTable(dir: string, rows: number, edit?: (fields: string[], i: number) => void): string {
  const file = join(dir, 'small.csv');
  const body = lines.slice(1, rows + 1).map((l, i) => {
    const f = l.split(',');
    edit?.(f, i);
    return f.join(',');
  });
  writeFileSync(file, [lines[0], ...body].join('\n') + '\n');
  return file;
}

function assertBadInput(args: string[], pattern: RegExp, json: string) {
  const r = nas(['fidelity', ...args, '--json', json]);
  assert.equal(r.status, 2, `${args.join(' ')}\n${r.stderr}${r.stdout}`);
  const err = r.stderr.trim().split('\n');
  assert.equal(err.length, 1, r.stderr);
  assert.match(err[0], /^nas: /);
  assert.match(err[0], pattern);
  assert.equal(existsSync(json), false, 'nothing written');
}

test('nas fidelity --table scores a sample of NB201 cells and writes JSON consistent with its table', () => {
  const dir = tempDir();
  const json = join(dir, 'out.json');
  const r = nas(['fidelity', '--space', 'nas-bench-201', '--table', TABLE, '--reference-column', 'cifar10_valid_acc_12ep,cifar10_test_acc_12ep', '--estimators', 'synflow,params,mult-adds', '--sample', '8', '--seed', '3', '--workers', '1', '--json', json], { timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /8 of 15625 cells of nas-bench-201, 32x32x3 input, 10 classes, C=16, N=5, seed 3/);
  assert.match(r.stdout, /synflow\s+cifar10_valid_acc_12ep\s+8\s+0\s+\d+/);
  const out = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(out.cells, 8);
  assert.equal(out.rows.length, 6);
  assert.equal(out.scores.length, 8);
  for (const row of out.rows) {
    // The statistics are those of the per-cell scores the file holds.
    const pairs = out.scores.filter((c: { scores: Record<string, unknown> }) => typeof c.scores[row.estimator] === 'number');
    const est = pairs.map((c: { scores: Record<string, number> }) => c.scores[row.estimator]);
    const ref = pairs.map((c: { reference: Record<string, number> }) => c.reference[row.column]);
    if (pairs.length === 8) {
      assert.ok(Math.abs(row.spearman - spearman(est, ref)) < 1e-12);
      assert.ok(Math.abs(row.kendall - kendallTauB(est, ref)) < 1e-12);
    }
    assert.equal(row.n + row.nan, 8);
  }
  // The same sample and seed give the same cells and scores.
  const again = join(dir, 'again.json');
  assert.equal(nas(['fidelity', '--table', TABLE, '--reference-column', 'cifar10_valid_acc_12ep', '--estimators', 'params', '--sample', '8', '--seed', '3', '--workers', '1', '--json', again], { timeout: 300_000 }).status, 0);
  const b = JSON.parse(readFileSync(again, 'utf8'));
  assert.deepEqual(b.scores.map((c: { arch: string }) => c.arch), out.scores.map((c: { arch: string }) => c.arch));
  assert.deepEqual(b.scores.map((c: { scores: { params: number } }) => c.scores.params), out.scores.map((c: { scores: { params: number } }) => c.scores.params));
});

test('bad input to nas fidelity: one line, exit 2, nothing written', () => {
  const dir = tempDir();
  const json = join(dir, 'out.json');
  const base = ['--table', TABLE, '--reference-column', 'cifar10_valid_acc_12ep'];
  assertBadInput([...base, '--estimators', 'synflow,zen'], /unknown estimator "zen" \(known: synflow/, json);
  assertBadInput([...base, '--estimators', 'snip'], /estimator "snip" needs training images, and no CIFAR-10 images are on this machine/, json);
  assertBadInput(['--table', TABLE, '--reference-column', 'cifar10_final_acc', '--estimators', 'params'], /has no column "cifar10_final_acc"; its columns are: index, arch/, json);
  assertBadInput([...base, '--sample', '0'], /--sample must be an integer ≥ 1, got "0"/, json);
  assertBadInput([...base, '--workers', '0'], /--workers must be an integer ≥ 1/, json);
  assertBadInput(['--table', join(dir, 'missing.csv'), '--reference-column', 'x'], /table .*missing\.csv: cannot read \(ENOENT\)/, json);
  const text = smallTable(dir, 4, (f, i) => { if (i === 2) f[2] = 'n/a'; });
  assertBadInput(['--table', text, '--reference-column', 'cifar10_valid_acc_12ep'], /small\.csv line 4: "n\/a" in column "cifar10_valid_acc_12ep" is not a number/, json);
  const badArch = smallTable(dir, 3, (f, i) => { if (i === 1) f[1] = '|conv_9x9~0|+|none~0|none~1|+|none~0|none~1|none~2|'; });
  assertBadInput(['--table', badArch, '--reference-column', 'cifar10_valid_acc_12ep'], /small\.csv line 3: arch .* is not a cell of nas-bench-201/, json);
  assertBadInput([...base, '--space', 'nasnet'], /needs a nas-bench-201 space/, json);
  assertBadInput(['--reference-column', 'x'], /unknown option "--reference-column" for nas fidelity/, json);
  assertBadInput(['--table', TABLE], /--reference-column COLUMN is required/, json);
});
