/**
 * `nas fidelity` end to end with real training: a small study on the embedded dataset, killed with
 * SIGKILL mid-way and resumed (every unit scored exactly once, none computed twice), a live study
 * not taken over, no tensor left behind, and bad input refused with one line before anything is written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Store } from '../../src/store/store.js';
import { loadBaseline } from '../../src/baselines/index.js';
import { loadSpace } from '../../src/space/load.js';
import { packageRoot } from '../../src/core/paths.js';
import { nas, nasAsync, tempDir } from '../e2e/helpers.js';

const SMALL = [
  '--dataset', 'default', '--cells', '3', '--seeds', '2', '--reference', 'train=600,epochs=1,filters=4,stem=8,batch=64',
  '--estimators', 'params,proxy:tiny', '--proxy', 'tiny=train=200,val=100,epochs=1,filters=4,stem=8', '--workers', '2',
];
// 3 cells x 2 seeds x (reference, params, proxy:tiny)
const UNITS = 18;

function scored(db: string): Array<{ cellId: number; estimator: string; seed: number; metrics: Record<string, unknown> | null; status: string }> {
  const s = Store.open(db, { readonly: true });
  try {
    return s.studies.scores(1);
  } finally {
    s.close();
  }
}

test('a study killed with SIGKILL resumes with exactly the units it lacks; a live study is not taken over; nothing leaks', { timeout: 300_000 }, async () => {
  const dir = tempDir();
  const db = join(dir, 'nas.db');
  const first = nasAsync(['fidelity', ...SMALL, '--db', db]);
  let out = '';
  first.stdout!.on('data', (d) => (out += d));
  const deadline = Date.now() + 120_000;
  // Kill once some units are stored but not all (the reference units come last).
  while ((out.match(/^\[ *\d+\/18\]/gm) ?? []).length < 8) {
    assert.ok(Date.now() < deadline, `no progress: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  const before = scored(db);
  assert.ok(before.length >= 8 && before.length < UNITS, `stored ${before.length}`);

  const resumed = nasAsync(['fidelity', '--resume', '1', '--db', db]);
  let rout = '';
  resumed.stdout!.on('data', (d) => (rout += d));
  // While it runs, a second resume is refused with one line and changes nothing.
  while (!/resuming study 1/.test(rout)) await new Promise((r) => setTimeout(r, 50));
  const second = nas(['fidelity', '--resume', '1', '--db', db]);
  assert.equal(second.status, 2, second.stderr);
  assert.match(second.stderr.trim(), /^nas: study 1 is still running by process \d+/);
  assert.equal(second.stderr.trim().split('\n').length, 1);
  const code = await new Promise((r) => resumed.once('exit', r));
  assert.equal(code, 0, rout);
  const left = UNITS - before.length;
  assert.match(rout, new RegExp(`^\\[${left}/${left}\\]`, 'm'), `the resume computed exactly the ${left} missing units:\n${rout}`);
  assert.match(rout, /study 1 complete/);

  const after = scored(db);
  assert.equal(after.length, UNITS);
  assert.equal(new Set(after.map((s) => `${s.cellId}:${s.estimator}:${s.seed}`)).size, UNITS, 'each unit once');
  assert.ok(after.every((s) => s.status === 'complete'), JSON.stringify(after.filter((s) => s.status !== 'complete')));
  // Units stored before the kill are unchanged by the resume.
  for (const b of before) assert.deepEqual(after.find((a) => a.cellId === b.cellId && a.estimator === b.estimator && a.seed === b.seed), b);
  // A worker holds the same number of tensors after every trained unit: nothing leaks from unit to unit.
  const live = after.filter((s) => s.estimator !== 'params').map((s) => s.metrics?.liveTensors);
  assert.ok(live.every((n) => typeof n === 'number'), JSON.stringify(live));
  assert.equal(new Set(live).size, 1, `live tensors after each unit: ${live.join(' ')}`);

  // The table is there, with the reference's own repeatability.
  const show = nas(['fidelity', '--show', '1', '--db', db]);
  assert.equal(show.status, 0, show.stderr);
  assert.match(show.stdout, /study 1 \(complete\): 3 cells of nasnet on default; 18\/18 units scored/);
  assert.match(show.stdout, /^reference +/m);
  assert.match(show.stdout, /^proxy:tiny +200 img 14px 1 ep F4 N1 val 100 +3 /m);
  const json = JSON.parse(nas(['fidelity', '--show', '1', '--db', db, '--json']).stdout);
  assert.equal(json.report.estimators.length, 3);
  assert.equal(json.scores.length, UNITS);
});

test('bad input to nas fidelity: one line, exit 2, no store created', () => {
  const dir = tempDir();
  const db = join(dir, 'nas.db');
  // A dataset folder whose test split has no images.
  const noTest = join(dir, 'no-test');
  mkdirSync(noTest);
  const src = join(packageRoot, 'data/fashion-mnist-subset');
  for (const f of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']) copyFileSync(join(src, f), join(noTest, f));
  const header = (magic: number, dims: number[]) => {
    const b = Buffer.alloc(4 + 4 * dims.length);
    b.writeUInt32BE(magic, 0);
    dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
    return b;
  };
  writeFileSync(join(noTest, 't10k-images-idx3-ubyte.gz'), gzipSync(header(0x803, [0, 28, 28])));
  writeFileSync(join(noTest, 't10k-labels-idx1-ubyte.gz'), gzipSync(header(0x801, [0])));
  const cases: Array<[string[], RegExp]> = [
    [['--cells', '0'], /--cells 0 leaves the study without cells: add --run RUN --top K, --with-baselines, --baselines LIST or --genotype FILE/],
    [['--cells', '0', '--genotype', 'missing.json'], /genotype file not found: missing\.json/],
    [['--baselines', 'telepathy'], /--baselines: "telepathy" is not a cell baseline of nasnet \(known: .*resnet/],
    [['--baselines', ' , '], /--baselines: empty list/],
    [['--with-baselines', '--baselines', 'resnet'], /--with-baselines and --baselines LIST: give one/],
    [['--cells', 'many'], /--cells/],
    [['--svg', 'study.svg'], /--svg FILE goes with --show STUDY/],
    [['--estimators', 'proxy:default,telepathy'], /unknown estimator "telepathy"/],
    [['--estimators', 'reference'], /the reference is always trained/],
    [['--reference', 'train=600,epochs=1,filters=2,stem=4,size=8'], /no cheaper than the reference/],
    [['--reference', 'epochs=0'], /--reference: epochs must be an integer in \[1, 1000\], got "0"/],
    [['--reference', 'depth=3'], /--reference: unknown key "depth"/],
    [['--proxy', 'x=train=-5'], /--proxy x: train must be an integer in \[0, 10000000\], got "-5"/],
    [['--proxy', 'x=lr=abc'], /--proxy x: lr must be a number/],
    [['--proxy', 'default=epochs=2'], /that name is taken/],
    [['--proxy', 'x=train=9000,val=2000'], /9000 training \+ 2000 validation images exceed the dataset's 10000 training images/],
    [['--seeds', '0'], /--seeds must be an integer from 1 to 10/],
    [['--first-seed', '0'], /--first-seed must be an integer from 1 to 1,000,000, got "0"/],
    [['--workers', '0'], /--workers/],
    [['--threads', '0'], /--threads must be an integer from 1 to 1,024, got "0"/],
    [['--backend', 'abacus'], /--backend must be one of/],
    [['--top', '3'], /--top needs --run RUN/],
    [['--run', '1'], /no store at .*nas\.db: --run reads a run from it/],
    [['--resume', '4'], /no store at/],
    [['--show', '1'], /no store at/],
    [['--json'], /--json goes with --show STUDY/],
    [['--dataset', 'imagenet-22k'], /imagenet-22k/],
    [['--cells', '-3'], /--cells must be an integer from 0 to 10,000, got "-3"/],
    [['--grid', '--grid'], /--grid is given twice/],
    [['--frobnicate'], /unknown option "--frobnicate" for nas fidelity/],
    [['stray'], /unexpected argument "stray"/],
    [['--proxy', 'x'], /--proxy must be NAME=SPEC/],
  ];
  for (const [args, pattern] of cases) {
    const dataset = args.some((a) => a === '--resume' || a === '--show' || a === '--dataset') ? [] : ['--dataset', 'default'];
    const r = nas(['fidelity', ...dataset, ...args, '--db', db]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}${r.stdout}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^nas: /);
    assert.match(lines[0], pattern, args.join(' '));
  }
  const r = nas(['fidelity', '--dataset', noTest, '--db', db]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /has no test split|test/);
  assert.equal(existsSync(db), false, 'no store was created');
  assert.deepEqual(readdirSync(dir).sort(), ['no-test']);
});

test('--cells 0 --run R --top 1 --baselines resnet --estimators none: the cell a search returned and one baseline, trained at the reference only', { timeout: 420_000 }, () => {
  const db = join(tempDir(), 'nas.db');
  const search = nas(['search', '--strategy', 'random', '--budget', '3', '--train-size', '200', '--val-size', '100', '--workers', '2', '--backend', 'cpu', '--db', db]);
  assert.equal(search.status, 0, search.stderr + search.stdout);
  const r = nas(['fidelity', '--dataset', 'default', '--cells', '0', '--run', '1', '--top', '1', '--baselines', 'resnet', '--estimators', 'none', '--seeds', '1',
    '--reference', 'train=600,epochs=1,filters=4,stem=8,batch=64', '--workers', '1', '--db', db], { timeout: 280_000 });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const s = Store.open(db, { readonly: true });
  try {
    const best = [...s.trials(1)].sort((a, b) => b.reward! - a.reward!)[0];
    const cells = s.studies.cells(1);
    const resnet = loadBaseline('resnet', loadSpace('nasnet'));
    assert.deepEqual(cells.map((c) => [c.label, c.source, c.key]), [[`run 1 trial ${best.id}`, 'run', best.key], ['baseline resnet', 'baseline', loadSpace('nasnet').key(resnet.genotype)]]);
    const scores = s.studies.scores(1);
    assert.deepEqual(scores.map((x) => [x.estimator, x.status]), [['reference', 'complete'], ['reference', 'complete']]);
    for (const x of scores) assert.ok(x.value! > 0.1, `a trained reference beats chance: ${x.value}`);
  } finally {
    s.close();
  }
});

test('--cells 0 --genotype FILE --first-seed 2: a cell from a file (as another machine exported it) is trained at the reference like a run\'s, at reference seed 2 alone', { timeout: 300_000 }, () => {
  const dir = tempDir();
  const db = join(dir, 'nas.db');
  const space = loadSpace('nasnet');
  const cell = loadBaseline('nasnet-a', space).genotype;
  const file = join(dir, 'cell.json');
  writeFileSync(file, JSON.stringify(cell));
  const r = nas(['fidelity', '--dataset', 'default', '--cells', '0', '--genotype', file, '--estimators', 'none', '--seeds', '1', '--first-seed', '2',
    '--reference', 'train=600,epochs=1,filters=4,stem=8,batch=64', '--workers', '1', '--threads', '1', '--db', db], { timeout: 280_000 });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const s = Store.open(db, { readonly: true });
  try {
    assert.equal((s.studies.require(1).config as { threads?: number }).threads, 1, 'the study keeps --threads');
    assert.deepEqual(s.studies.cells(1).map((c) => [c.label, c.source, c.key]), [[`genotype ${file}`, 'file', space.key(cell)]]);
    const scores = s.studies.scores(1);
    assert.deepEqual(scores.map((x) => [x.estimator, x.seed, x.status]), [['reference', 2, 'complete']]);
    assert.deepEqual((s.studies.require(1).config as { seeds: number[] }).seeds, [2]);
    assert.ok(scores[0].value! > 0.1, `a trained reference beats chance: ${scores[0].value}`);
  } finally {
    s.close();
  }
});
