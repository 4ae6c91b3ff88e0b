/**
 * The four-arm comparison at equal CPU cost (issue: multi-fidelity search). Each arm searches with
 * the same CPU-hour budget and returns its best cell; every returned cell is then trained at the
 * reference (nas fidelity's reference training, held-out test split) and the arms are compared on
 * that, not on their own rewards (Li & Talwalkar 2019: random search with early stopping is the
 * baseline a NAS method must beat).
 *
 *   a  evolution, one fidelity (the search's proxy)       c  random + successive halving
 *   b  evolution + successive halving (ASHA rungs)        d  random, one fidelity
 *   e  (opt-in, --arms a,b,c,d,e) evolution + successive halving over images and size
 *      (--fidelity-e, default sha:train=1200,6000:size=14,28), what the fidelity study points at
 *
 * Everything lives in one store (runs and the reference study), so the experiment resumes where it
 * stopped: run it again with the same --dir (an unfinished search continues with --resume, finished
 * ones are skipped, the study trains only what has no score).
 *
 * Every scored search is also written to --results (a JSON file meant to be committed, default
 * bench/results/four-arms.json): the store lives on one machine, the results file travels with the
 * repository, and an (arm, seed) already in it is not searched again. So the experiment continues
 * on a new machine from what was committed, at the cost of at most the search in progress.
 *
 *   npx tsc -p . && node dist/bench/four-arms.js [--dir runs/four-arms] [--seeds 1,2,3] [--cpu-hours 0.5]
 *       [--dataset fashion-mnist] [--fidelity sha:epochs=1,3,9] [--reference-seeds 1] [--workers 2] [--baselines resnet]
 *       [--results bench/results/four-arms.json] [--together] [--arms a,b,c,d] [--summary [--readme README.md]]
 *   node dist/bench/four-arms.js --rescore 2 [--dir …] [--workers 2]   every scored cell and baseline again, at reference seed 2
 *
 * --together runs the four searches of a seed at the same time (each with its --workers), so all
 * four see the same host for the same stretch: a CPU-hour buys fewer children on a slower or busier
 * host, and arms searched one after another (on different days, or machines) do not get the same
 * CPU-hour. Their CPU budgets are the training threads' own CPU time, so sharing the cores does not
 * shorten anyone's budget; the wall time of each is then the seed's. Their reference trainings then
 * run --workers at a time, each returned cell in a study of its own.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { codeVersion, experimentArgs, measureHostSpeed, nasChild, writeTablesInto } from './experiment.js';
import { spearman } from '../src/stats/correlation.js';

const cli = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const { arg, has, fail } = experimentArgs('four-arms', [
  'dir', 'seeds', 'cpu-hours', 'dataset', 'fidelity', 'fidelity-e', 'reference-seeds', 'workers', 'baselines',
  'reference', 'search-args', 'results', 'arms', 'rescore', 'readme',
], ['together', 'summary']);
const dir = arg('dir', 'runs/four-arms');
const seeds = arg('seeds', '1,2,3').split(',').map(Number);
const cpuHours = arg('cpu-hours', '0.5');
const dataset = arg('dataset', 'fashion-mnist');
const fidelity = arg('fidelity', 'sha:epochs=1,3,9');
const referenceSeeds = arg('reference-seeds', '1');
const workers = arg('workers', '2');
// The hand-designed cells scored at the reference beside the arms (the issue: the ResNet-style one).
const baselines = arg('baselines', 'resnet');
const reference = has('reference') ? ['--reference', arg('reference', '')] : [];
const extra = has('search-args') ? arg('search-args', '').split(' ').filter(Boolean) : [];
const db = join(dir, 'four-arms.db');
const resultsFile = arg('results', 'bench/results/four-arms.json');
const together = has('together');
/** --rescore S: train every recorded run's cell (and the baselines) again at reference seed S. */
const rescoreSeed = has('rescore') ? Number(arg('rescore', '')) : undefined;
if (rescoreSeed !== undefined && !(Number.isInteger(rescoreSeed) && rescoreSeed >= 1)) fail('--rescore takes a reference seed, a whole number from 1 (e.g. --rescore 2)');
for (const s of seeds) if (!(Number.isInteger(s) && s >= 1)) fail(`--seeds: "${arg('seeds', '')}" is not a list of whole numbers from 1 (e.g. 1,2,3)`);
if (!(Number(cpuHours) > 0)) fail(`--cpu-hours: "${cpuHours}" is not a positive number of hours`);
if (!(Number.isInteger(Number(workers)) && Number(workers) >= 1)) fail(`--workers: "${workers}" is not a whole number from 1`);

interface Arm {
  id: 'a' | 'b' | 'c' | 'd' | 'e';
  what: string;
  strategy: 'evolution' | 'random';
  /** The --fidelity ladder of the arm's search, or null for one fidelity. */
  fidelity: string | null;
}
const ALL_ARMS: Arm[] = [
  { id: 'a', what: 'evolution, one fidelity', strategy: 'evolution', fidelity: null },
  { id: 'b', what: 'evolution + SHA', strategy: 'evolution', fidelity },
  { id: 'c', what: 'random + SHA', strategy: 'random', fidelity },
  { id: 'd', what: 'random, one fidelity', strategy: 'random', fidelity: null },
  // What the fidelity study pointed at: rungs over images and size (which agreed more with the
  // reference) instead of epochs (which agreed less). Not one of the issue's four; --arms a,b,c,d,e.
  { id: 'e', what: 'evolution + SHA over images and size', strategy: 'evolution', fidelity: arg('fidelity-e', 'sha:train=1200,6000:size=14,28') },
];
const armIds = arg('arms', 'a,b,c,d').split(',');
for (const id of armIds) if (!ALL_ARMS.some((a) => a.id === id)) fail(`--arms: no arm "${id}" (a, b, c, d, e)`);
const ARMS = ALL_ARMS.filter((a) => armIds.includes(a.id));
/** The arms a table shows: the selected ones and any the results file holds. */
const shownArms = (file: ResultsFile) => ALL_ARMS.filter((a) => armIds.includes(a.id) || file.runs.some((r) => r.arm === a.id));

/**
 * `--fidelity` keys and the Fidelity fields they vary: src/search/ladder.ts's map, which it does not
 * export at 9279f9a, the commit this driver also runs against (README).
 */
const LADDER_FIELDS: Record<string, string> = { epochs: 'epochs', train: 'trainImages', size: 'imageSize', filters: 'filters', stem: 'stemChannels', cells: 'cellsPerStage' };
/** What a ladder varies, e.g. "epochs" or "imageSize,trainImages": it tells two multi-fidelity arms of one strategy apart. */
const specVaries = (spec: string) => spec.split(':').slice(1).map((p) => LADDER_FIELDS[p.split('=')[0]]).filter(Boolean).sort().join(',');
function ladderVaries(ladder: { fidelities?: Array<Record<string, unknown>> } | undefined): string | null {
  if (!ladder) return null;
  const f = ladder.fidelities ?? [];
  if (f.length < 2) return '';
  return Object.keys(f[0]).filter((k) => JSON.stringify(f[0][k]) !== JSON.stringify(f[f.length - 1][k])).sort().join(',');
}

function nas(args: string[]): void {
  console.log(`$ nas ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`four-arms: nas ${args[0]} exited with ${r.status ?? r.signal}; run this again to continue`);
    process.exit(1);
  }
}

interface RunRow { id: number; status: string; config: string }
/** `varies`: what the run's ladder varies ("epochs", …), null for a run of one fidelity. */
function runsOf(): Array<{ id: number; status: string; strategy: string; varies: string | null; seed: number; dataset: string }> {
  if (!existsSync(db)) return [];
  const d = new Database(db, { readonly: true });
  try {
    return (d.prepare('SELECT id, status, config FROM runs ORDER BY id').all() as RunRow[]).map((r) => {
      const c = JSON.parse(r.config);
      return { id: r.id, status: r.status, strategy: c.strategy, varies: ladderVaries(c.ladder), seed: c.seed, dataset: c.dataset };
    });
  } finally {
    d.close();
  }
}
/** The name of one search (arm and seed) in the wall, host-speed and results records. */
const keyOf = (arm: Arm['id'], seed: number) => `${arm}-${seed}`;
const code = codeVersion(cli);
const runFor = (arm: Arm, seed: number) => runsOf().find((r) => r.strategy === arm.strategy && r.seed === seed
  && (arm.fidelity === null ? r.varies === null : r.varies === specVaries(arm.fidelity)));

// Wall seconds of each arm's searches, summed over resumptions (the store's timestamps would count the gaps).
const wallFile = join(dir, 'wall.json');
const walls = (): Record<string, number> => (existsSync(wallFile) ? JSON.parse(readFileSync(wallFile, 'utf8')) : {});
function addWall(key: string, since: number): void {
  const w = walls();
  w[key] = (w[key] ?? 0) + (Date.now() - since) / 1000;
  writeFileSync(wallFile, JSON.stringify(w, null, 1));
}
function timed(key: string, f: () => void): void {
  const t0 = Date.now();
  try {
    f();
  } finally {
    addWall(key, t0);
  }
}

/**
 * The host's speed when a search starts: a CPU-hour buys fewer children on a slower host, so each
 * search records the images/s of `nas bench train` (the NASNet-A bench child, onednn, one thread)
 * taken just before it (and before each resumption), beside its figures.
 */
const speedFile = join(dir, 'host-speed.json');
const speeds = (): Record<string, number[]> => (existsSync(speedFile) ? JSON.parse(readFileSync(speedFile, 'utf8')) : {});
/**
 * The commit each search ran on (every start and resumption adds its own, once): the results file
 * names the code that searched, not the checkout that happens to record it later.
 */
const codeFile = join(dir, 'code.json');
const codes = (): Record<string, string[]> => (existsSync(codeFile) ? JSON.parse(readFileSync(codeFile, 'utf8')) : {});
function stampCode(keys: string[]): void {
  const c = codes();
  for (const key of keys) if (!(c[key] ?? []).includes(code)) c[key] = [...(c[key] ?? []), code];
  writeFileSync(codeFile, JSON.stringify(c, null, 1));
}
/** One measurement, recorded for every search about to start (the four of a seed, --together, share it). */
function measureHost(keys: string[]): void {
  stampCode(keys);
  const rate = measureHostSpeed(cli);
  if (rate === undefined) return console.error('four-arms: could not measure the host speed (nas bench train failed); going on');
  const s = speeds();
  for (const key of keys) s[key] = [...(s[key] ?? []), rate];
  writeFileSync(speedFile, JSON.stringify(s, null, 1));
  console.log(`host speed before ${keys.join(', ')}: ${rate.toFixed(1)} images/s (nas bench train, NASNet-A, onednn, 1 thread)`);
}

function search(arm: Arm, seed: number): number {
  const found = runFor(arm, seed);
  if (found?.status === 'complete') return found.id;
  const key = keyOf(arm.id, seed);
  measureHost([key]);
  timed(key, () => nas(searchArgs(arm, seed, found)));
  return runFor(arm, seed)!.id;
}

function searchArgs(arm: Arm, seed: number, found: ReturnType<typeof runFor>): string[] {
  return found
    ? ['search', '--resume', String(found.id), '--db', db, '--no-dashboard']
    : ['search', '--strategy', arm.strategy, ...(arm.fidelity ? ['--fidelity', arm.fidelity] : []), '--budget', '1000000', '--budget-cpu-hours', cpuHours,
      '--seed', String(seed), '--dataset', dataset, '--workers', workers, '--db', db, '--no-dashboard', ...extra];
}
/** `nas ARGS` in the background, its lines behind `[key]`; resolves to its exit status. */
const nasAsync = async (key: string, args: string[]) => (await nasChild(cli, key, args).done).status;

function exitIfFailed(codes: Array<number | null>, what: string): void {
  if (codes.every((c) => c === 0)) return;
  console.error(`four-arms: ${what} exited with ${codes.join(', ')}; run this again to continue`);
  process.exit(1);
}

/** Every unfinished search of a seed at once (--together). */
async function searchTogether(arms: Arm[], seed: number): Promise<void> {
  const pending = arms.filter((a) => runFor(a, seed)?.status !== 'complete');
  if (pending.length === 0) return;
  measureHost(pending.map((arm) => keyOf(arm.id, seed)));
  const codes = await Promise.all(pending.map(async (arm) => {
    const t0 = Date.now();
    const status = await nasAsync(keyOf(arm.id, seed), searchArgs(arm, seed, runFor(arm, seed)));
    addWall(keyOf(arm.id, seed), t0);
    return status;
  }));
  exitIfFailed(codes, `a search of seed ${seed}`);
}

/** The study that holds a cell (by canonical key), if any. */
function studyOf(cellKey: string, store = db): number | undefined {
  if (!existsSync(store)) return undefined; // a new machine: nothing searched or scored here yet
  const d = new Database(store, { readonly: true });
  try {
    return (d.prepare('SELECT study_id AS id FROM study_cells WHERE key = ? ORDER BY study_id LIMIT 1').get(cellKey) as { id: number } | undefined)?.id;
  } catch {
    return undefined; // no study table yet
  } finally {
    d.close();
  }
}

/**
 * Trains each queued cell at the reference, --workers at a time, each in a study of its own in
 * `store` (one study trains in one process; a cell whose study exists resumes it). The first new
 * study also takes `baselines`. `after` runs once each training ends; the exit statuses come back.
 */
async function trainAtReference(queue: Array<{ name: string; key: string; cell: string[] }>,
  o: { store: string; seedArgs: string[]; baselines: string; after: () => void }): Promise<Array<number | null>> {
  let wanted = o.baselines;
  const parallel = Math.min(Number(workers), queue.length);
  // The cores shared out among the trainings side by side: each study alone would take them all,
  // and two OpenMP teams on two cores spin against each other.
  const threads = ['--threads', String(Math.max(1, Math.floor(availableParallelism() / Math.max(1, parallel))))];
  const codes: Array<number | null> = [];
  await Promise.all(Array.from({ length: parallel }, async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const study = studyOf(c.key, o.store);
      const args = study !== undefined
        ? ['fidelity', '--resume', String(study), '--workers', '1', ...threads, '--db', o.store]
        : ['fidelity', '--cells', '0', ...c.cell, ...(wanted ? ['--baselines', wanted] : []), '--estimators', 'none',
          ...o.seedArgs, '--dataset', dataset, '--workers', '1', ...threads, '--db', o.store, ...reference];
      if (study === undefined) wanted = '';
      codes.push(await nasAsync(c.name, args));
      o.after();
    }
  }));
  return codes;
}

/**
 * The reference trainings of a seed's returned cells, --workers of them at once (--together): each
 * cell in a study of its own, since one study trains in one process. Same reference, same trainer.
 */
async function scoreTogether(seed: number): Promise<void> {
  // Arms may return the same cell (c and d sample the same cells for one seed): it is trained once.
  // A search pending its reference in the results file (searched on another machine) trains from its genotype.
  const inStore = outcomes().filter((o) => o.seed === seed && o.reference.length === 0 && !isRecorded(results(), o.arm.id, o.seed))
    .map((o) => ({ name: keyOf(o.arm.id, seed), key: o.key, cell: ['--run', String(o.runId), '--top', '1'] }));
  const fromFile = (results().pending ?? []).filter((p) => p.seed === seed && !inStore.some((x) => x.name === keyOf(p.arm, p.seed)) && referenceScores(p.key).length === 0)
    .map((p) => {
      const file = join(dir, `${keyOf(p.arm, p.seed)}.genotype.json`);
      writeFileSync(file, JSON.stringify(p.genotype));
      return { name: keyOf(p.arm, seed), key: p.key, cell: ['--genotype', file] };
    });
  const queue = [...inStore, ...fromFile].filter((o, i, all) => all.findIndex((x) => x.key === o.key) === i)
    .map((o) => ({ ...o, name: `${o.name} reference` }));
  // The baselines go into the first new study, unless the store or the results file has them.
  const scored = new Set([...Object.keys(results().baselines), ...baselineScores().map((b) => b.name)]);
  const wanted = baselines.split(',').filter((b) => b && !scored.has(b)).join(',');
  const codes = await trainAtReference(queue, { store: db, seedArgs: ['--seeds', referenceSeeds], baselines: wanted, after: record });
  exitIfFailed(codes, `a reference training of seed ${seed}`);
}

/**
 * --rescore S: every recorded run's returned cell, and each baseline, trained again at reference seed
 * S (a study of its own per cell, in a store of its own: a study's seeds are fixed when it starts),
 * --workers at a time. What the second seed measures is the reference's own noise: how far one
 * cell's test accuracy moves with the training's seed alone, against which the arms' differences
 * are read. Each run then scores the mean over its reference seeds.
 */
async function rescore(seed: number): Promise<void> {
  const store = join(dir, `rescore-seed-${seed}.db`);
  const file = results();
  const todo = [...file.runs].sort((x, y) => x.seed - y.seed || x.arm.localeCompare(y.arm))
    .filter((r) => r.genotype && !seedsOf(r).includes(seed)) // seed 1's a and b kept no genotype
    .filter((r, i, all) => all.findIndex((x) => x.key === r.key) === i)
    .filter((r) => !referenceScoresBySeed(r.key, store).some((x) => x.seed === seed));
  const queue = todo.map((r) => {
    const genotype = join(dir, `${keyOf(r.arm, r.seed)}.genotype.json`);
    writeFileSync(genotype, JSON.stringify(r.genotype));
    return { name: `${keyOf(r.arm, r.seed)} reference seed ${seed}`, key: r.key, cell: ['--genotype', genotype] };
  });
  const wanted = Object.keys(file.baselines).filter((b) => !baselineSeedsOf(file, b).includes(seed) && baselineAt(store, b, seed) === undefined).join(',');
  const codes = await trainAtReference(queue, { store, seedArgs: ['--seeds', '1', '--first-seed', String(seed)], baselines: wanted, after: () => mergeRescores(store, seed) });
  mergeRescores(store, seed);
  exitIfFailed(codes, `a reference training at seed ${seed}`);
}

/** A baseline's reference score at one seed in a store, if there. */
function baselineAt(store: string, name: string, seed: number): number | undefined {
  const b = baselineScores(store).find((x) => x.name === name);
  return b?.values[b.seeds.indexOf(seed)];
}

/** Appends the scores a rescore store holds at `seed` to the results file's entries that lack that seed. */
function mergeRescores(store: string, seed: number): void {
  const file = results();
  for (const r of file.runs) {
    if (seedsOf(r).includes(seed)) continue;
    const v = referenceScoresBySeed(r.key, store).find((x) => x.seed === seed)?.value;
    if (v === undefined) continue;
    r.referenceSeeds = [...seedsOf(r), seed];
    r.reference = [...r.reference, v];
  }
  for (const name of Object.keys(file.baselines)) {
    if (baselineSeedsOf(file, name).includes(seed)) continue;
    const v = baselineAt(store, name, seed);
    if (v === undefined) continue;
    file.baselineSeeds = { ...file.baselineSeeds, [name]: [...baselineSeedsOf(file, name), seed] };
    file.baselines[name] = [...file.baselines[name], v];
  }
  writeFileSync(resultsFile, JSON.stringify(file, null, 1) + '\n');
}

/** Adds the run's best cell to the one reference study (creating it) and trains what is missing. */
function scoreAtReference(runId: number): void {
  const d = new Database(db, { readonly: true });
  const study = d.prepare('SELECT id FROM studies ORDER BY id LIMIT 1').get() as { id: number } | undefined;
  d.close();
  if (!study) {
    // A baseline the results file already scored is not trained again on a new machine.
    const wanted = baselines.split(',').filter((b) => b && !results().baselines[b]).join(',');
    nas(['fidelity', '--cells', '0', '--run', String(runId), '--top', '1', ...(wanted ? ['--baselines', wanted] : []), '--estimators', 'none',
      '--seeds', referenceSeeds, '--dataset', dataset, '--workers', workers, '--db', db, ...reference]);
  }
  else nas(['fidelity', '--resume', String(study.id), '--run', String(runId), '--top', '1', '--workers', workers, '--db', db]);
}

/**
 * What the rungs of a multi-fidelity search did: for each rung k ≥ 1, Spearman ρ between the rung-0
 * and rung-k rewards of the n children that reached k (do promotions reorder the first rung?), and
 * where the returned cell ranked at rung 0 among all children (1 = the best first-rung reward).
 */
interface RungAgreement { byRung: Array<{ rung: number; n: number; rho: number }>; returnedRank0: number; children0: number }
interface Outcome { arm: Arm; seed: number; runId: number; key: string; genotype: unknown; reward: number; rung: number | null; rungs: number[] | null; children: number; cpuHours: number; reference: number[]; referenceSeeds: number[]; agreement?: RungAgreement }

function rungAgreement(d: Database.Database, runId: number, returnedTrial: number): RungAgreement {
  const rows = d.prepare(`SELECT trial_id AS trial, rung, reward FROM trial_rungs WHERE status = 'complete' AND reward IS NOT NULL AND trial_id IN (SELECT id FROM trials WHERE run_id = ? AND baseline IS NULL)`).all(runId) as Array<{ trial: number; rung: number; reward: number }>;
  const byTrial = new Map<number, Map<number, number>>();
  for (const r of rows) (byTrial.get(r.trial) ?? byTrial.set(r.trial, new Map()).get(r.trial)!).set(r.rung, r.reward);
  const top = Math.max(0, ...rows.map((r) => r.rung));
  const byRung: RungAgreement['byRung'] = [];
  for (let k = 1; k <= top; k++) {
    const both = [...byTrial.values()].filter((m) => m.has(0) && m.has(k));
    if (both.length >= 3) byRung.push({ rung: k, n: both.length, rho: spearman(both.map((m) => m.get(0)!), both.map((m) => m.get(k)!)) });
  }
  const first = [...byTrial.entries()].filter(([, m]) => m.has(0));
  const mine = byTrial.get(returnedTrial)?.get(0);
  return { byRung, returnedRank0: mine === undefined ? NaN : 1 + first.filter(([, m]) => m.get(0)! > mine).length, children0: first.length };
}

function outcomes(): Outcome[] {
  if (!existsSync(db)) return [];
  const d = new Database(db, { readonly: true });
  try {
    const out: Outcome[] = [];
    for (const arm of ARMS) for (const seed of seeds) {
      const run = runFor(arm, seed);
      if (!run || run.status !== 'complete') continue;
      const trials = d.prepare(`SELECT id, key, genotype, reward, rung, metrics FROM trials WHERE run_id = ? AND baseline IS NULL AND status = 'complete'`).all(run.id) as Array<{ id: number; key: string; genotype: string; reward: number; rung: number | null; metrics: string }>;
      if (trials.length === 0) continue;
      // The cell the search returns: highest rung reached, then reward (what nas show ranks first).
      const best = [...trials].sort((x, y) => (y.rung ?? 0) - (x.rung ?? 0) || y.reward - x.reward)[0];
      const scores = referenceScoresBySeed(best.key);
      const cpuRows = run.varies !== null
        ? (d.prepare(`SELECT cpu_seconds AS cpu FROM trial_rungs WHERE trial_id IN (SELECT id FROM trials WHERE run_id = ?)`).all(run.id) as Array<{ cpu: number | null }>)
        : trials.map((t) => ({ cpu: (JSON.parse(t.metrics)?.extra?.cpuSeconds as number | undefined) ?? null }));
      // How many children finished each rung (the promotions the successive halving made).
      const rungs = run.varies !== null
        ? (d.prepare(`SELECT rung, COUNT(*) AS n FROM trial_rungs WHERE status = 'complete' AND trial_id IN (SELECT id FROM trials WHERE run_id = ?) GROUP BY rung ORDER BY rung`).all(run.id) as Array<{ rung: number; n: number }>).map((r) => r.n)
        : null;
      out.push({ arm, seed, runId: run.id, key: best.key, genotype: JSON.parse(best.genotype), reward: best.reward, rung: best.rung, rungs, children: trials.length,
        cpuHours: cpuRows.reduce((s, r) => s + (r.cpu ?? 0), 0) / 3600, reference: scores.map((r) => r.value), referenceSeeds: scores.map((r) => r.seed),
        ...(run.varies !== null ? { agreement: rungAgreement(d, run.id, best.id) } : {}) });
    }
    return out;
  } finally {
    d.close();
  }
}

/** Each baseline's reference scores in a store, in seed order, with their seeds. */
function baselineScores(store = db): Array<{ name: string; seeds: number[]; values: number[] }> {
  if (!existsSync(store)) return [];
  const d = new Database(store, { readonly: true });
  try {
    const cells = d.prepare(`SELECT id, label FROM study_cells WHERE source = 'baseline' ORDER BY id`).all() as Array<{ id: number; label: string }>;
    return cells.map((c) => {
      const rows = d.prepare(`SELECT seed, value FROM study_scores WHERE cell_id = ? AND estimator = 'reference' AND status = 'complete' ORDER BY seed`).all(c.id) as Array<{ seed: number; value: number }>;
      return { name: c.label.replace(/^baseline /, ''), seeds: rows.map((r) => r.seed), values: rows.map((r) => r.value) };
    });
  } catch {
    return []; // no study yet
  } finally {
    d.close();
  }
}

/** One scored search as committed: enough to rebuild the table and to retrain the cell. */
interface Recorded {
  arm: Arm['id']; seed: number; cpuHoursBudget: number; dataset: string; fidelity: string | null;
  children: number; cpuHours: number; wallHours: number | null; reward: number; rung: number | null;
  rungs: number[] | null; key: string; genotype: unknown; reference: number[]; code: string; recorded: string; note?: string;
  /** The reference seed of each `reference` score, in the same order (absent: seed 1 alone). */
  referenceSeeds?: number[];
  /** Multi-fidelity runs recorded from seed 3 on (the stores of seeds 1 and 2 are gone). */
  agreement?: RungAgreement;
  /** The arms of its seed searched at the same time (--together), or absent when one after another. */
  together?: boolean;
  /** images/s of `nas bench train` (NASNet-A, onednn, 1 thread) before the search and each resumption. */
  hostSpeed?: number[];
}
/**
 * `pending`: searches that finished but whose cell has no reference score yet, kept with the cell so
 * that a new machine trains the reference (`nas fidelity --genotype`) instead of searching again.
 */
interface ResultsFile {
  baselines: Record<string, number[]>; runs: Recorded[]; pending?: Recorded[];
  /** The reference seed of each baseline score, by baseline (absent: seed 1 alone). */
  baselineSeeds?: Record<string, number[]>;
}
const results = (): ResultsFile => (existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : { baselines: {}, runs: [] });
const isRecorded = (file: ResultsFile, arm: Arm['id'], seed: number) => file.runs.some((r) => r.arm === arm && r.seed === seed);
const pendingOf = (file: ResultsFile, arm: Arm['id'], seed: number) => file.pending?.find((r) => r.arm === arm && r.seed === seed);
/** Searched already: scored, or pending its reference. */
const isSearched = (file: ResultsFile, arm: Arm['id'], seed: number) => isRecorded(file, arm, seed) || pendingOf(file, arm, seed) !== undefined;

/**
 * The reference scores (one per reference seed, in seed order) the store holds for a cell, by
 * canonical key: a cell two arms returned may sit in two studies (SQLite takes the bare `value` from
 * the row MIN(id) picks: the first score).
 */
function referenceScoresBySeed(cellKey: string, store = db): Array<{ seed: number; value: number }> {
  if (!existsSync(store)) return [];
  const d = new Database(store, { readonly: true });
  try {
    return d.prepare(`SELECT s.seed AS seed, MIN(s.id) AS id, s.value AS value FROM study_scores s JOIN study_cells c ON c.id = s.cell_id
      WHERE c.key = ? AND s.estimator = 'reference' AND s.status = 'complete' GROUP BY s.seed ORDER BY s.seed`).all(cellKey) as Array<{ seed: number; value: number }>;
  } catch {
    return []; // no study yet
  } finally {
    d.close();
  }
}
const referenceScores = (cellKey: string) => referenceScoresBySeed(cellKey).map((r) => r.value);

/**
 * The reference seeds an entry's `reference` holds, in its order. Entries recorded before the field
 * existed were all trained at the driver's default, reference seed 1.
 */
const seedsOf = (r: Pick<Recorded, 'referenceSeeds'>) => r.referenceSeeds ?? [1];
const baselineSeedsOf = (file: ResultsFile, name: string) => file.baselineSeeds?.[name] ?? [1];

/** Writes what the store knows of searches and baselines into the results file (drops nothing: a pending search moves to runs once scored). */
function record(): void {
  const file = results();
  // A pending search (maybe from another machine) whose cell now has its reference score is scored.
  for (const p of [...(file.pending ?? [])]) {
    const scores = referenceScoresBySeed(p.key);
    if (scores.length === 0) continue;
    file.pending = file.pending!.filter((x) => x !== p);
    if (!isRecorded(file, p.arm, p.seed)) file.runs.push({ ...p, reference: scores.map((r) => r.value), referenceSeeds: scores.map((r) => r.seed), recorded: new Date().toISOString() });
  }
  for (const o of outcomes()) {
    // An entry recorded by an older driver gets the rung figures it lacks, while its store is here.
    const had = [...file.runs, ...(file.pending ?? [])].find((r) => r.arm === o.arm.id && r.seed === o.seed && r.key === o.key);
    if (had && o.agreement && !had.agreement) had.agreement = o.agreement;
    if (isSearched(file, o.arm.id, o.seed)) continue;
    const key = keyOf(o.arm.id, o.seed);
    const wall = walls()[key];
    const speed = speeds()[key];
    file.runs.push({ arm: o.arm.id, seed: o.seed, cpuHoursBudget: Number(cpuHours), dataset, fidelity: o.arm.fidelity,
      children: o.children, cpuHours: o.cpuHours, wallHours: wall === undefined ? null : wall / 3600, reward: o.reward, rung: o.rung,
      rungs: o.rungs, key: o.key, genotype: o.genotype, reference: o.reference, referenceSeeds: o.referenceSeeds, code: (codes()[key] ?? [code]).join(' then '), recorded: new Date().toISOString(),
      ...(speed ? { hostSpeed: speed } : {}), ...(together ? { together: true } : {}), ...(o.agreement ? { agreement: o.agreement } : {}) });
    if (o.reference.length === 0) file.pending = [...(file.pending ?? []), file.runs.pop()!];
  }
  if (file.pending?.length === 0) delete file.pending;
  for (const b of baselineScores()) if (b.values.length && !file.baselines[b.name]) file.baselines[b.name] = b.values;
  mkdirSync(dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, JSON.stringify(file, null, 1) + '\n');
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]) => (v.length < 2 ? NaN : Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1)));
const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(2) : '–');

function summary(): string {
  const file = results();
  const fresh = outcomes().filter((o) => !isRecorded(file, o.arm.id, o.seed));
  const what = (id: string) => ALL_ARMS.find((a) => a.id === id)!.what;
  const rungsText = (r: number[] | null) => (r ? r.join(' → ') : '–');
  const row = (r: Pick<Recorded, 'arm' | 'seed' | 'children' | 'cpuHours' | 'wallHours' | 'reward' | 'rung' | 'rungs' | 'reference' | 'hostSpeed'>, origin: string) =>
    `| ${r.arm}: ${what(r.arm)} | ${r.seed} | ${origin} | ${r.hostSpeed?.length ? r.hostSpeed.map((v) => v.toFixed(0)).join(', ') : '–'} | ${r.children} | ${r.cpuHours.toFixed(3)} | ${r.wallHours === null ? '–' : r.wallHours.toFixed(2)} | ${rungsText(r.rungs)} | ${pct(r.reward)}% (${r.rung ?? 0}) | ${r.reference.length ? r.reference.map(pct).join(', ') + '%' : 'not trained yet'} |`;
  const lines = [
    `# Four arms at ${cpuHours} CPU-hours each (worker-thread CPU), ${dataset}, seeds ${seeds.join(',')}; multi-fidelity arms: ${fidelity}`,
    '',
    '| arm | seed | from | host img/s | children | CPU-h | wall h | children per rung | search reward (rung) | reference test acc. |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...[...file.runs].sort((x, y) => x.seed - y.seed || x.arm.localeCompare(y.arm)).map((r) => row(r, `results file${r.together ? ', together' : ''}${r.note ? '*' : ''}`)),
    ...fresh.map((o) => {
      const key = keyOf(o.arm.id, o.seed);
      const wall = walls()[key];
      return row({ ...o, arm: o.arm.id, wallHours: wall === undefined ? null : wall / 3600, hostSpeed: speeds()[key] }, `run ${o.runId}`);
    }),
    '',
    '| arm | seeds scored | reference test acc., mean ± sd over seeds |',
    '|---|---|---|',
  ];
  for (const arm of shownArms(file)) {
    const scored = [...file.runs.filter((r) => r.arm === arm.id), ...fresh.filter((o) => o.arm === arm)].filter((r) => r.reference.length > 0).map((r) => mean(r.reference));
    lines.push(`| ${arm.id}: ${arm.what} | ${scored.length} | ${scored.length ? `${pct(mean(scored))}% ± ${pct(sd(scored))}` : '–'} |`);
  }
  const baselines = { ...Object.fromEntries(baselineScores().map((b) => [b.name, b.values])), ...file.baselines };
  for (const [name, values] of Object.entries(baselines)) {
    lines.push(`| baseline ${name} (no search) | – | ${values.length ? `${values.map(pct).join(', ')}% (reference seeds)` : 'not trained yet'} |`);
  }
  // As in the README's tables: pending searches too (the fresh ones from the store, the rest from the file).
  const searched = [...file.runs, ...(file.pending ?? []).filter((p) => !fresh.some((o) => o.arm.id === p.arm && o.seed === p.seed)), ...fresh.map((o) => ({ ...o, arm: o.arm.id }))];
  lines.push(...agreementTable(searched.filter((r) => r.agreement).map((r) => ({ arm: r.arm, seed: r.seed, agreement: r.agreement! }))));
  const notes = file.runs.filter((r) => r.note).map((r) => `* ${r.arm} seed ${r.seed}: ${r.note}`);
  return [...lines, ...(notes.length ? ['', ...notes] : [])].join('\n') + '\n';
}

/** What the rungs did, one row per multi-fidelity search that has the figures. */
function agreementTable(runs: Array<{ arm: Arm['id']; seed: number; agreement: RungAgreement }>): string[] {
  if (runs.length === 0) return [];
  const top = Math.max(...runs.flatMap((r) => r.agreement.byRung.map((b) => b.rung)));
  const rungs = Array.from({ length: top }, (_, i) => i + 1);
  const signed = (v: number) => (v >= 0 ? '+' : '') + v.toFixed(2);
  return [
    '', `| what the rungs did | seed | ${rungs.map((k) => `ρ(rung 0, rung ${k}) (n)`).join(' | ')} | returned cell's rank at rung 0 |`,
    `|---|---:|${rungs.map(() => '---:').join('|')}|---:|`,
    ...runs.map((r) => `| ${r.arm}: ${ALL_ARMS.find((a) => a.id === r.arm)!.what} | ${r.seed} | ${rungs.map((k) => {
      const b = r.agreement.byRung.find((x) => x.rung === k);
      return b ? `${signed(b.rho)} (${b.n})` : '–';
    }).join(' | ')} | ${Number.isFinite(r.agreement.returnedRank0) ? `${r.agreement.returnedRank0} of ${r.agreement.children0}` : '–'} |`),
  ];
}

/** The README's tables, from the committed results file alone (what any clone can redo). */
function readmeTables(): string[] {
  const file = results();
  const runs = [...file.runs].sort((x, y) => x.seed - y.seed || x.arm.localeCompare(y.arm));
  const what = (id: string) => ALL_ARMS.find((a) => a.id === id)!.what;
  const score = (r: Recorded) => (r.reference.length ? mean(r.reference) : NaN);
  // The rung the returned cell reached, named by its fidelity (sha:epochs=1,3,9 → "9 epochs";
  // sha:train=1200,6000:size=14,28 → "6,000 img 28 px").
  const units: Record<string, (v: string) => string> = { epochs: (v) => `${v} epochs`, train: (v) => `${Number(v).toLocaleString('en')} img`, size: (v) => `${v} px` };
  const rungName = (r: Recorded) => {
    if (r.rung === null || r.fidelity === null) return '';
    const parts = r.fidelity.split(':').slice(1).flatMap((p) => {
      const [k, list] = p.split('=');
      const v = list?.split(',')[r.rung!];
      return units[k] && v ? [units[k](v)] : [];
    });
    return parts.length ? ` (${parts.join(' ')})` : ` (rung ${r.rung})`;
  };
  const out = [
    '| arm | seed | host img/s | children (per rung) | CPU-h | wall h | best search reward | **reference test acc.** |',
    '|---|---:|---:|---|---:|---:|---:|---:|',
    ...runs.map((r) => `| ${r.arm}: ${what(r.arm)} | ${r.seed}${r.together ? '' : '†'} | ${r.hostSpeed?.length ? r.hostSpeed.map((v) => v.toFixed(0)).join(', ') : '–'} | ${r.children}${r.rungs ? ` (${r.rungs.join(' → ')})` : ''} | ${r.cpuHours.toFixed(3)} | ${r.wallHours === null ? '–' : r.wallHours.toFixed(2)} | ${pct(r.reward)} %${rungName(r)} | **${r.reference.map(pct).join(', ')} %** |`),
    '',
    '| arm | seeds | reference test acc., mean ± sd over seeds | per seed |',
    '|---|---:|---:|---|',
  ];
  for (const arm of shownArms(file)) {
    const mine = runs.filter((r) => r.arm === arm.id && r.reference.length);
    const v = mine.map(score);
    out.push(`| ${arm.id}: ${arm.what} | ${v.length} | ${v.length ? `${pct(mean(v))} % ± ${pct(sd(v))}` : '–'} | ${mine.map((r) => `${r.seed}: ${pct(score(r))}`).join(', ')} |`);
  }
  for (const [name, values] of Object.entries(file.baselines)) out.push(`| ${name} cell (no search) | – | ${values.map(pct).join(', ')} % | reference seeds |`);
  // The reference's own noise: one cell's accuracy moving with the reference training's seed alone
  // (pooled within-cell sd over the cells trained at two or more reference seeds, each cell once).
  const cells = [...runs.filter((r, i) => r.reference.length > 1 && runs.findIndex((x) => x.key === r.key) === i).map((r) => r.reference),
    ...Object.values(file.baselines).filter((v) => v.length > 1)];
  if (cells.length) {
    const within = Math.sqrt(mean(cells.map((v) => sd(v) ** 2)));
    const k = Math.min(...cells.map((v) => v.length));
    out.push('', '| the reference\'s own noise | cells | reference seeds each | within-cell sd | sd of a ' + k + '-seed mean | widest spread of one cell |',
      '|---|---:|---:|---:|---:|---:|',
      `| same cell, same data, another training seed | ${cells.length} | ${k}${cells.some((v) => v.length !== k) ? '+' : ''} | ${pct(within)} | ${pct(within / Math.sqrt(k))} | ${pct(Math.max(...cells.map((v) => Math.max(...v) - Math.min(...v))))} |`);
  }
  // Paired by seed: the two arms of a pair share the seed's random stream (and, --together, the host).
  const pairs: Array<[Arm['id'], Arm['id'], string]> = [['b', 'd', 'the search with SHA over plain random search'], ['b', 'a', 'SHA on evolution'], ['c', 'd', 'SHA on random'], ['a', 'd', 'evolution over random, one fidelity'], ['b', 'c', 'evolution over random, with SHA'],
    ['e', 'a', 'SHA over images and size on evolution'], ['e', 'b', 'its rungs over the epochs rungs']];
  out.push('', '| difference, paired by seed | seeds | mean ± sd (points) | per seed |', '|---|---:|---:|---|');
  const shown = new Set(shownArms(file).map((a) => a.id));
  for (const [x, y, label] of pairs.filter(([x, y]) => shown.has(x) && shown.has(y))) {
    const both = [...new Set(runs.map((r) => r.seed))].flatMap((seed) => {
      const rx = runs.find((r) => r.arm === x && r.seed === seed);
      const ry = runs.find((r) => r.arm === y && r.seed === seed);
      return rx && ry && rx.reference.length && ry.reference.length ? [{ seed, d: score(rx) - score(ry) }] : [];
    });
    const d = both.map((b) => b.d);
    const signed = (v: number) => (v >= 0 ? '+' : '') + pct(v);
    out.push(`| ${x} − ${y}: ${label} | ${d.length} | ${d.length ? `${signed(mean(d))} ± ${pct(sd(d))}` : '–'} | ${both.map((b) => `${b.seed}: ${signed(b.d)}`).join(', ')} |`);
  }
  // The rungs of a search are known once it ends, before its cell has a reference score.
  const searched = [...runs, ...(file.pending ?? [])].sort((x, y) => x.seed - y.seed || x.arm.localeCompare(y.arm));
  out.push(...agreementTable(searched.filter((r) => r.agreement).map((r) => ({ ...r, agreement: r.agreement! }))));
  const counts = new Set(runs.filter((r) => r.reference.length).map((r) => r.reference.length));
  if (counts.size > 1) {
    const fewest = Math.min(...counts);
    const short = runs.filter((r) => r.reference.length === fewest).map((r) => `${r.arm} seed ${r.seed}`);
    out.push('', `A run scores the mean over its cell's reference seeds (listed in the first table); ${short.join(', ')} ${short.length === 1 ? 'has' : 'have'} ${fewest === 1 ? 'one' : fewest} only.`);
  }
  if (runs.some((r) => !r.together)) out.push('', '† the arms of this seed were searched one after another, not together (see the notes in the results file).');
  return out;
}

mkdirSync(dir, { recursive: true });
if (rescoreSeed !== undefined) await rescore(rescoreSeed);
else if (!has('summary')) {
  // Seed-major: a first full comparison (every arm, seed 1) arrives before the second seed starts.
  for (const seed of seeds) {
    if (together) {
      await searchTogether(ARMS.filter((arm) => !isSearched(results(), arm.id, seed)), seed);
      await scoreTogether(seed);
    }
    for (const arm of ARMS) {
      if (isRecorded(results(), arm.id, seed) || (pendingOf(results(), arm.id, seed) && !runFor(arm, seed))) continue;
      scoreAtReference(search(arm, seed));
      record();
    }
    await scoreTogether(seed); // what the results file left pending
  }
}
if (existsSync(db)) record(); // --summary too: what the store knows goes into the results file first
const text = summary();
writeFileSync(join(dir, 'summary.md'), text);
console.log(text);
if (has('readme')) writeTablesInto(arg('readme', 'README.md'), 'four-arms', readmeTables());
