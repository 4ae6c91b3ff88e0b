/**
 * The CNN survey's comparison, run on this machine (issue: every network and regulariser of the
 * survey): every model of the zoo, and one network under every regulariser, each trained by
 * `nas compare` with one protocol (the survey's: momentum SGD 0.9, lr 0.1 ×0.1 at 50 % and 75 %,
 * batch 128, crop 4 px + flip) at one size.
 *
 * Each entry is a comparison of its own (a store and a folder under --dir), so two can train at once
 * as separate processes (--parallel, one engine thread each: two independent processes get more of
 * these two cores than one data-parallel training) and each resumes from its own checkpoint. Every
 * finished entry is written at once to --results (a JSON file meant to be committed, default
 * bench/results/survey-zoo.json): an entry already there is not trained again, so the experiment
 * continues on a new machine from what was committed, losing at most the entries in progress.
 *
 *   npx tsc -p . && node dist/bench/survey-zoo.js [--dir runs/survey-zoo] [--dataset fashion-mnist] [--epochs 3]
 *       [--cells 1] [--filters 8] [--models all|a,b,...] [--regularisers all|none,...] [--network resnet]
 *       [--parallel 2] [--beside TEXT] [--results bench/results/survey-zoo.json] [--summary [--readme README.md]]
 *
 * Two drivers may share one --dir (each claims an entry before training it), e.g. one started while
 * the machine still had other work and a second once it was free; --beside records what shared it.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { listBaselines } from '../src/baselines/index.js';
import { REGULARISERS } from '../src/compare/regularisers.js';
import { curvesSvg } from '../src/export/compare-plot.js';
import { curveSeries } from '../src/compare/figures.js';
import type { ReportCurvePoint } from '../src/compare/report.js';
import { codeVersion, experimentArgs, measureHostSpeed, nasChild, writeTablesInto } from './experiment.js';

const cli = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const { arg, has, fail } = experimentArgs('survey-zoo', [
  'dir', 'dataset', 'epochs', 'cells', 'filters', 'models', 'regularisers', 'network', 'parallel', 'beside', 'results', 'readme',
], ['summary']);
// "all": every baseline of search-spaces/baselines/ and every regulariser nas compare knows.
const list = (v: string, all: string[]) => (v === 'all' ? all : v.split(',').filter(Boolean));

const dir = arg('dir', 'runs/survey-zoo');
const resultsFile = arg('results', 'bench/results/survey-zoo.json');
const protocol = { dataset: arg('dataset', 'fashion-mnist'), epochs: Number(arg('epochs', '3')), cells: Number(arg('cells', '1')), filters: Number(arg('filters', '8')) };
const models = list(arg('models', 'all'), listBaselines());
const regularisers = list(arg('regularisers', 'all'), REGULARISERS.map((r) => r.name));
const network = arg('network', 'resnet');
const parallel = Number(arg('parallel', '2'));
// What else shared the machine while these trained (it slows them): recorded beside each entry.
for (const [name, v] of [['epochs', protocol.epochs], ['cells', protocol.cells], ['filters', protocol.filters], ['parallel', parallel]] as const) {
  if (!(Number.isInteger(v) && v >= 1)) fail(`--${name}: "${arg(name, '')}" is not a whole number from 1`);
}
for (const m of [...models, network]) if (!listBaselines().includes(m)) fail(`no model "${m}" in the zoo (${listBaselines().join(', ')})`);
for (const r of regularisers) if (!REGULARISERS.some((x) => x.name === r)) fail(`no regulariser "${r}" (${REGULARISERS.map((x) => x.name).join(', ')})`);
const beside = arg('beside', parallel > 1 ? `${parallel - 1} other zoo training(s)` : 'nothing');

interface Entry { key: string; table: 'models' | 'regularisers'; model: string; regulariser: string | null }
// The regulariser table's "none" row is the network's row of the model table: the same protocol,
// seed and size, so it is trained once and shown in both.
const entries: Entry[] = [
  ...models.map((m): Entry => ({ key: m, table: 'models', model: m, regulariser: null })),
  ...regularisers.filter((r) => r !== 'none' || !models.includes(network)).map((r): Entry => ({ key: `${network}+${r}`, table: 'regularisers', model: network, regulariser: r })),
];

/** One finished entry as committed: the survey table's figures, the curve, and how it was run. */
interface Recorded {
  key: string; table: Entry['table']; model: string; regulariser: string | null;
  dataset: string; epochs: number; cells: number; filters: number;
  testAccuracy: number; testErrorPct: number; trainSeconds: number; wallSeconds: number; params: number; multAdds: number;
  curve: unknown[]; protocol: string; backend: string; threads: number; beside: string; hostSpeed: number | null; code: string; recorded: string;
}
interface Results { note: string; entries: Recorded[] }

const results = (): Results => (existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : { note: 'written by bench/survey-zoo.ts', entries: [] });
const sameProtocol = (r: Recorded) => r.dataset === protocol.dataset && r.epochs === protocol.epochs && r.cells === protocol.cells && r.filters === protocol.filters;
const isRecorded = (key: string) => results().entries.some((r) => r.key === key && sameProtocol(r));
function record(r: Recorded): void {
  const all = results();
  all.entries = [...all.entries.filter((x) => !(x.key === r.key && sameProtocol(x))), r];
  writeFileSync(`${resultsFile}.tmp`, `${JSON.stringify(all, null, 1)}\n`);
  renameSync(`${resultsFile}.tmp`, resultsFile);
}

const code = codeVersion(cli);

/** The comparison an entry's store already holds (a killed run), if any. */
function existing(store: string): number | undefined {
  if (!existsSync(store)) return undefined;
  const d = new Database(store, { readonly: true });
  try {
    return (d.prepare('SELECT id FROM comparisons ORDER BY id DESC LIMIT 1').get() as { id: number } | undefined)?.id;
  } finally {
    d.close();
  }
}

let stopping = false;
const children = new Set<ChildProcess>();
for (const s of ['SIGINT', 'SIGTERM'] as const) {
  process.on(s, () => {
    if (stopping) process.exit(130);
    stopping = true;
    console.error('survey-zoo: stopping every training after its batch; run this again to continue');
    for (const c of children) c.kill('SIGINT');
  });
}

const homeOf = (e: Entry) => join(dir, e.key.replace(/[^a-z0-9+-]+/gi, '-'));

/** Claims an entry for this process (so two drivers on one --dir never train the same one). */
function claim(e: Entry): boolean {
  const lock = join(homeOf(e), 'lock');
  mkdirSync(homeOf(e), { recursive: true });
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8'));
    try {
      process.kill(pid, 0);
      return false; // a live driver has it
    } catch {
      // its driver is gone: take it over
    }
  }
  writeFileSync(lock, String(process.pid));
  return true;
}

async function train(e: Entry, speed: number | null): Promise<void> {
  const home = homeOf(e);
  const store = join(home, 'store.db');
  const id = existing(store);
  const args = id !== undefined
    ? ['compare', '--resume', String(id), '--db', store, '--threads', '1', '--json']
    : ['compare', '--models', e.model, ...(e.regulariser ? ['--regularisers', e.regulariser] : []), '--dataset', protocol.dataset, '--epochs', String(protocol.epochs),
      '--cells', String(protocol.cells), '--filters', String(protocol.filters), '--db', store, '--out', join(home, 'out'), '--threads', '1', '--json'];
  const t0 = Date.now();
  let backend = 'unknown';
  const { child, done } = nasChild(cli, e.key, args, { captureStdout: true, onLine: (line) => (backend = /\bbackend:? ([a-z][\w-]*)/.exec(line)?.[1] ?? backend) });
  children.add(child);
  const { status, stdout: out } = await done;
  children.delete(child);
  const wallSeconds = (Date.now() - t0) / 1000;
  if (status !== 0) {
    console.error(`survey-zoo: ${e.key} exited with ${status}; run this again to continue it`);
    return;
  }
  const report = JSON.parse(out) as { protocol: string; rows: Array<Record<string, unknown>> };
  const row = report.rows[0];
  // A resumed entry's wall time is this stretch's only; its training time (the replay's) is whole.
  record({
    key: e.key, table: e.table, model: e.model, regulariser: e.regulariser, ...protocol,
    testAccuracy: row.testAccuracy as number, testErrorPct: row.testErrorPct as number, trainSeconds: row.seconds as number, wallSeconds,
    params: row.params as number, multAdds: row.multAdds as number, curve: row.curve as unknown[], protocol: report.protocol, backend,
    threads: 1, beside, hostSpeed: speed, code, recorded: new Date().toISOString(),
  });
  console.log(`survey-zoo: ${e.key}: test error ${(row.testErrorPct as number).toFixed(2)} %, ${Math.round(row.seconds as number)} s of training -> ${resultsFile}`);
}

async function run(): Promise<void> {
  const todo = entries.filter((e) => !isRecorded(e.key));
  console.log(`survey-zoo: ${entries.length - todo.length} of ${entries.length} entries already in ${resultsFile}; ${todo.length} to train, ${parallel} at a time`);
  if (todo.length === 0) return;
  // The host's speed when this stretch started, recorded beside each entry it trains.
  const speed = measureHostSpeed(cli) ?? null;
  console.log(`host speed: ${speed?.toFixed(1) ?? '?'} images/s (nas bench train, NASNet-A, onednn, 1 thread)`);
  const queue = [...todo];
  await Promise.all(Array.from({ length: Math.min(parallel, queue.length) }, async () => {
    for (let e = queue.shift(); e && !stopping; e = queue.shift()) {
      if (isRecorded(e.key) || !claim(e)) continue;
      try {
        await train(e, speed);
      } finally {
        rmSync(join(homeOf(e), 'lock'), { force: true });
      }
    }
  }));
}

/**
 * CIFAR-10 test error (standard crop + flip) as each network's or regulariser's own paper reports it,
 * with its own network size and schedule (hundreds of epochs): a scale for the table, not the same
 * experiment. Only numbers read off the papers' tables; the networks whose papers report ImageNet
 * only have none.
 */
const PAPER: Record<string, string> = {
  resnet: '6.43 % (ResNet-110; He et al. 2016)',
  wrn: '4.17 % (WRN-28-10; Zagoruyko & Komodakis 2016)',
  densenet: '3.46 % (DenseNet-BC, L 190, k 40; Huang et al. 2017)',
  resnext: '3.58 % (ResNeXt-29, 16×64d; Xie et al. 2017)',
  pyramidnet: '4.58 % (PyramidNet-110, α 48; Han et al. 2017)',
  fractalnet: '5.22 % (20 layers, 38.6M; Larsson et al. 2017)',
  senet: '5.21 % (SE-ResNet-110; Hu et al. 2018)',
  ror: '3.77 % (RoR-3-WRN58-4 + SD; Zhang et al. 2017)',
  'nasnet-a': '3.41 % (6 @ 768, no cutout; Zoph et al. 2018)',
  'amoebanet-a': '3.34 % (N 6, F 36; Real et al. 2019)',
  'pnasnet-5': '3.41 % (N 3, F 48; Liu et al. 2018)',
  'stochastic-depth': '5.25 % (ResNet-110, 6.41 % without; Huang et al. 2016)',
  cutout: '3.08 % (WRN-28-10, 3.87 % without; DeVries & Taylor 2017)',
  'random-erasing': '3.08 % (WRN-28-10, 3.80 % without; Zhong et al. 2020)',
  'shake-shake': '2.86 % (26 2×96d; Gastaldi 2017)',
  'shake-shake+cutout': '2.56 % (26 2×96d; DeVries & Taylor 2017)',
};

/** The rows of the two tables: every model, best first, and `network` under each regulariser ("none" is its model row). */
function tableRows(rs: Recorded[]): Record<'models' | 'regularisers', Array<{ name: string; r: Recorded }>> {
  const none = rs.find((x) => x.table === 'models' && x.model === network);
  const regs = rs.filter((x) => x.table === 'regularisers' && x.model === network);
  return {
    models: rs.filter((x) => x.table === 'models').sort((a, b) => a.testErrorPct - b.testErrorPct).map((r) => ({ name: r.model, r })),
    regularisers: regularisers.flatMap((name) => {
      const r = name === 'none' ? (regs.find((x) => x.regulariser === 'none') ?? none) : regs.find((x) => x.regulariser === name);
      return r ? [{ name, r }] : [];
    }),
  };
}

/** The two tables as markdown lines, from the results file alone. */
function tables(): string[] {
  const rs = results().entries.filter(sameProtocol);
  const pct = (v: number) => `${v.toFixed(2)} %`;
  const si = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : `${(v / 1e3).toFixed(1)}k`);
  const min = (t: number) => `${Math.floor(Math.round(t) / 60)} min ${String(Math.round(t) % 60).padStart(2, '0')} s`;
  const line = (name: string, r: Recorded) => `| ${name} | ${pct(r.testErrorPct)} | ${min(r.trainSeconds)} | ${si(r.params)} | ${si(r.multAdds)} | ${PAPER[name] ?? '–'} |`;
  const head = (first: string) => [`| ${first} | test error | training time | params | mult-adds | CIFAR-10 error in its paper |`, '|---|---:|---:|---:|---:|---|'];
  const { models: modelRows, regularisers: regRows } = tableRows(rs);
  const out = [...head('model'), ...modelRows.map(({ name, r }) => line(name, r))];
  if (regRows.length) out.push('', ...head(`regulariser on ${network}`), ...regRows.map(({ name, r }) => line(name, r)));
  const missing = entries.filter((e) => !rs.some((r) => r.key === e.key)).map((e) => e.key);
  if (missing.length) out.push('', `Not trained yet: ${missing.join(', ')}.`);
  return out;
}

/**
 * The survey's figures of the two tables (accuracy and loss per epoch, training and test side by
 * side, one line per model or regulariser), written beside the results file; returns the lines
 * that show them in the README.
 */
function figures(readme: string): string[] {
  const rows = tableRows(results().entries.filter(sameProtocol));
  const what = { models: 'every model', regularisers: `${network} with each regulariser` };
  const out: string[] = [];
  for (const table of ['models', 'regularisers'] as const) {
    if (rows[table].length === 0) continue;
    const lines = rows[table].map(({ name, r }) => ({ name, testErrorPct: r.testErrorPct, curve: r.curve as ReportCurvePoint[] }));
    out.push('');
    for (const measure of ['accuracy', 'loss'] as const) {
      const file = join(dirname(resultsFile), `survey-zoo-${table}-${measure}.svg`);
      const title = `${measure} per epoch, ${what[table]}: ${protocol.dataset}, ${protocol.epochs} epochs, N ${protocol.cells}, F ${protocol.filters}`;
      writeFileSync(`${file}.tmp`, curvesSvg({ title, measure, percent: measure === 'accuracy', epochs: protocol.epochs, series: curveSeries(lines, measure) }));
      renameSync(`${file}.tmp`, file);
      out.push(`![${measure} per epoch, ${what[table]}](${relative(dirname(readme), file)})`);
    }
  }
  return out;
}

/** --summary prints the tables; with --readme FILE it also puts them (and the figures) between FILE's survey-zoo markers. */
function summary(): void {
  const lines = tables();
  console.log(`${protocol.dataset}, ${protocol.epochs} epochs, N ${protocol.cells}, F ${protocol.filters}\n\n${lines.join('\n')}`);
  const readme = has('readme') ? arg('readme', 'README.md') : undefined;
  if (readme === undefined) return;
  writeTablesInto(readme, 'survey-zoo', [...lines, ...figures(readme)]);
}

if (has('summary')) summary();
else await run();
