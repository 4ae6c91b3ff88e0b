/**
 * `nas fidelity`: how well each cheap reward ranks cells the way a much longer training does.
 * Everything is checked before the store is touched; a study resumes with `--resume STUDY`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { UserError } from '../core/errors.js';
import type { SearchSpace } from '../space/types.js';
import { loadSpace } from '../space/load.js';
import { loadDataset } from '../data/datasets.js';
import { Store } from '../store/store.js';
import { checkFidelity, describeFidelity, parseFidelity, relativeCost, type Fidelity } from '../training/fidelity.js';
import { DEFAULT_REFERENCE, GRID, PRE_STUDY_PROXY, SEARCH_DEFAULT_PROXY } from '../fidelity/presets.js';
import { baselineCells, fileCells, randomCells, runCells, type NewCell } from '../fidelity/cells.js';
import { describeEstimator, runStudy, type StudyConfig, type StudyControl } from '../fidelity/study.js';
import { REFERENCE, type EstimatorSpec } from '../fidelity/unit.js';
import { reportTable, studyPanels, studyReport } from '../fidelity/report.js';
import { studyPlotSvg } from '../export/study-plot.js';
import { checkOutputFile, writeOutputFile } from './output-file.js';
import { backendNames } from '../engine/backend.js';
import { estimatorNames } from '../estimators/index.js';
import { parseCommand } from './args.js';
import { choiceOption, defaultDb, intOption, LIMITS, runIdOption } from './options.js';

const STATIC = ['params', 'mult-adds'] as const;
/** The zero-cost estimators of src/estimators/ (params and mult-adds are counted by the study itself). */
const ZERO_COST = estimatorNames().filter((n) => !(STATIC as readonly string[]).includes(n));
const DEFAULT_ESTIMATORS = ['proxy:default', ...STATIC, ...ZERO_COST].join(',');

const HELP = `usage: nas fidelity [options]                 measure cheap rewards against a reference training
       nas fidelity --resume STUDY [options]  continue a study (add estimators or cells)
       nas fidelity --show STUDY [--json]     the study's table (also while it runs)
       nas fidelity --show STUDY --svg FILE   the study's figure: estimator score vs reference, one panel each

  --dataset NAME        the data (default fashion-mnist: the reference trains on its whole training split)
  --cells K             random cells of the space in the reference set (default 24; 0 with --run or --with-baselines)
  --run RUN --top K     also the K best trials of a search run (default K 6)
  --with-baselines      also the hand-designed baselines (all the space's cell baselines)
  --baselines LIST      also these baselines only, e.g. resnet,nasnet-a
  --genotype FILE       also this cell, a genotype JSON file as nas export --format json writes (repeatable)
  --reference SPEC      the reference fidelity (default ${specOf(DEFAULT_REFERENCE)})
  --estimators LIST     comma-separated: proxy:default, proxy:<grid name>, ${[...STATIC, ...ZERO_COST].join(', ')}; none: the reference only
                        (default: all but the grid)
  --grid                add every proxy of the grid: ${Object.keys(GRID).map((g) => `proxy:${g}`).join(', ')}
  --proxy NAME=SPEC     add a proxy of your own, e.g. --proxy big=train=6000,val=2000,size=28 (repeatable)
  --seeds N             seeds per trained estimator and for the reference (default 2: the noise floor)
  --first-seed S        number them from S (default 1), e.g. --seeds 1 --first-seed 2: another seed
                        of cells a study already scored at seed 1
  --seed S              draws the random cells (default 1)
  --workers W           trainings side by side (default: one per core)
  --threads T           engine threads per training (default: the cores shared out among the workers)
  --backend B           ${backendNames.join(' | ')} (default auto)
  --db FILE             the store (default runs/nas.db)

SPEC: key=value,... with keys train, val, size, epochs, batch, lr, stem, filters, cells, reductions
(train=0 and size=0 mean the whole training split and the dataset's own resolution).`;

function specOf(f: Fidelity): string {
  return `train=${f.trainImages},size=${f.imageSize},epochs=${f.epochs},batch=${f.batchSize},lr=${f.learningRate},stem=${f.stemChannels},filters=${f.filters},cells=${f.cellsPerStage},reductions=${f.reductions}`;
}

/** The estimators a list of names and --grid / --proxy ask for. UserError for an unknown name. */
function estimatorsFrom(list: string | undefined, grid: boolean, proxies: string[]): EstimatorSpec[] {
  // `none`: the reference alone (e.g. to score the cells a search returned at the reference).
  const names = list?.trim() === 'none' ? [] : (list ?? DEFAULT_ESTIMATORS).split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0 && list?.trim() !== 'none') throw new UserError('--estimators: empty list');
  const custom = new Map<string, Fidelity>();
  for (const p of proxies) {
    const at = p.indexOf('=');
    const name = at < 0 ? '' : p.slice(0, at);
    if (!/^[a-z0-9][a-z0-9-]*$/i.test(name)) throw new UserError(`--proxy must be NAME=SPEC with a name of letters, digits and dashes, got "${p}"`);
    if (name === 'default' || name in GRID) throw new UserError(`--proxy ${name}: that name is taken by a built-in proxy`);
    custom.set(name, parseFidelity(p.slice(at + 1), SEARCH_DEFAULT_PROXY, `--proxy ${name}`));
  }
  const out: EstimatorSpec[] = [];
  const add = (e: EstimatorSpec) => {
    if (!out.some((o) => o.name === e.name)) out.push(e);
  };
  for (const name of names) {
    if ((STATIC as readonly string[]).includes(name)) add({ name, kind: 'static' });
    else if (ZERO_COST.includes(name)) add({ name, kind: 'zero-cost' });
    else if (name === 'proxy:default') add({ name, kind: 'trained', fidelity: SEARCH_DEFAULT_PROXY });
    else if (name.startsWith('proxy:') && name.slice(6) in GRID) add({ name, kind: 'trained', fidelity: gridFidelity(name.slice(6)) });
    else if (name.startsWith('proxy:') && custom.has(name.slice(6))) add({ name, kind: 'trained', fidelity: custom.get(name.slice(6))! });
    else if (name === REFERENCE) throw new UserError('--estimators: the reference is always trained; list the estimators to compare with it');
    else throw new UserError(`unknown estimator "${name}" (known: proxy:default, ${Object.keys(GRID).map((g) => `proxy:${g}`).join(', ')}, ${[...STATIC, ...ZERO_COST].join(', ')}${custom.size ? `, ${[...custom.keys()].map((k) => `proxy:${k}`).join(', ')}` : ''})`);
  }
  if (grid) for (const g of Object.keys(GRID)) add({ name: `proxy:${g}`, kind: 'trained', fidelity: gridFidelity(g) });
  for (const name of custom.keys()) add({ name: `proxy:${name}`, kind: 'trained', fidelity: custom.get(name)! });
  return out;
}

function gridFidelity(name: string): Fidelity {
  const f = { ...PRE_STUDY_PROXY, ...GRID[name] };
  checkFidelity(f, `proxy:${name}`);
  return f;
}

/** Every trained estimator must fit the dataset and cost less than the reference. */
function checkAgainst(estimators: EstimatorSpec[], reference: Fidelity, trainCount: number, side: number): void {
  const refCost = relativeCost(reference, trainCount, side);
  for (const e of estimators) {
    if (e.kind !== 'trained') continue;
    const f = e.fidelity!;
    if (f.trainImages + f.valImages > trainCount) {
      throw new UserError(`${e.name}: ${f.trainImages} training + ${f.valImages} validation images exceed the dataset's ${trainCount} training images`);
    }
    if (relativeCost(f, trainCount, side) >= refCost) {
      throw new UserError(`${e.name} (${describeFidelity(f)}) is no cheaper than the reference (${describeFidelity(reference)}): a reference must cost more than what it judges`);
    }
  }
  if (reference.trainImages > trainCount) throw new UserError(`--reference: train=${reference.trainImages} exceeds the dataset's ${trainCount} training images`);
}

export async function fidelityStudyCommand(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, {
    verb: 'nas fidelity', usage: HELP,
    options: {
      resume: { type: 'string' }, dataset: { type: 'string' }, space: { type: 'string' },
      cells: { type: 'string' }, run: { type: 'string' }, top: { type: 'string' }, 'with-baselines': { type: 'boolean' }, genotype: { type: 'string', multiple: true },
      baselines: { type: 'string' }, reference: { type: 'string' }, estimators: { type: 'string' }, grid: { type: 'boolean' }, proxy: { type: 'string', multiple: true },
      seeds: { type: 'string' }, 'first-seed': { type: 'string' }, seed: { type: 'string' }, workers: { type: 'string' }, threads: { type: 'string' }, backend: { type: 'string' }, db: { type: 'string' },
      show: { type: 'string' }, json: { type: 'boolean' }, svg: { type: 'string' },
    },
  });
  if (!parsed) return;
  const v = parsed.values;
  const dbFile = v.db ?? defaultDb();
  if (v.svg !== undefined && v.show === undefined) throw new UserError('--svg FILE goes with --show STUDY');
  if (v.svg !== undefined && v.json) throw new UserError('--svg FILE and --json: give one');
  if (v.svg !== undefined) checkOutputFile(v.svg);
  if (v.show !== undefined) return showStudy(dbFile, runIdOption(v.show, 'show'), v.json ?? false, v.svg);
  if (v.json) throw new UserError('--json goes with --show STUDY');
  const resumeId = v.resume === undefined ? undefined : runIdOption(v.resume, 'resume');
  if (resumeId !== undefined) {
    for (const k of ['dataset', 'space', 'reference', 'seeds', 'first-seed', 'seed', 'cells'] as const) {
      if (v[k] !== undefined) throw new UserError(`--${k} cannot change on --resume: a study keeps its reference set and reference`);
    }
    if (!existsSync(dbFile)) throw new UserError(`no store at ${dbFile}`);
  }
  if (v.top !== undefined && v.run === undefined) throw new UserError('--top needs --run RUN');
  const workers = intOption(v.workers, 'workers', availableParallelism(), 1, LIMITS.workers);
  const threads = v.threads === undefined ? undefined : intOption(v.threads, 'threads', 1, 1, 1024);
  const backend = choiceOption(v.backend, 'backend', backendNames, 'auto');
  const newEstimators = estimatorsFrom(v.estimators, v.grid ?? false, v.proxy ?? []);

  // Reads first: the store (if resuming or taking a run's cells) is opened read-only for checks.
  let config: StudyConfig;
  let space: SearchSpace;
  let cellsToAdd: NewCell[] = [];
  const peek = existsSync(dbFile) ? Store.open(dbFile, { readonly: true }) : undefined;
  try {
    if (resumeId !== undefined) {
      const study = peek!.studies.require(resumeId);
      if (study.kind !== 'fidelity') throw new UserError(`study ${resumeId} is a ${study.kind} study, not a fidelity study`);
      config = study.config as StudyConfig;
      space = loadSpace(config.spaceFile);
      const ds = loadDataset(config.dataset);
      if (ds.hash !== config.datasetHash) throw new UserError(`dataset ${config.dataset} changed since study ${resumeId} started (hash ${ds.hash}, study has ${config.datasetHash})`);
      const merged = [...config.estimators];
      const given = v.estimators !== undefined || v.grid || (v.proxy?.length ?? 0) > 0;
      for (const e of given ? newEstimators : []) {
        const old = merged.find((o) => o.name === e.name);
        if (old && JSON.stringify(old) !== JSON.stringify(e)) throw new UserError(`${e.name} is defined differently in study ${resumeId}; give the new one another name`);
        if (!old) merged.push(e);
      }
      checkAgainst(merged, config.reference, ds.train.count, ds.height);
      config = { ...config, estimators: merged, workers, threads: threads ?? config.threads, backend: v.backend === undefined ? config.backend : backend };
    } else {
      space = loadSpace(v.space ?? 'nasnet');
      const dataset = v.dataset ?? 'fashion-mnist';
      const ds = loadDataset(dataset);
      if (ds.test.count === 0) throw new UserError(`${dataset} has no test split: the reference is scored on held-out test images`);
      const reference: Fidelity = v.reference === undefined ? DEFAULT_REFERENCE : parseFidelity(v.reference, DEFAULT_REFERENCE, '--reference');
      checkAgainst(newEstimators, reference, ds.train.count, ds.height);
      const count = intOption(v.cells, 'cells', 24, 0, 10_000);
      if (count === 0 && v.run === undefined && !v['with-baselines'] && v.baselines === undefined && v.genotype === undefined) throw new UserError('--cells 0 leaves the study without cells: add --run RUN --top K, --with-baselines, --baselines LIST or --genotype FILE');
      const seeds = intOption(v.seeds, 'seeds', 2, 1, 10);
      const firstSeed = intOption(v['first-seed'], 'first-seed', 1, 1, 1_000_000);
      const seed = intOption(v.seed, 'seed', 1, 0, LIMITS.seed);
      cellsToAdd = randomCells(space, count, seed);
      config = {
        dataset, datasetHash: ds.hash, datasetImages: ds.train.count, datasetSide: ds.height, space: space.name, spaceFile: space.file,
        reference, estimators: newEstimators, seeds: Array.from({ length: seeds }, (_, i) => firstSeed + i), backend, workers, ...(threads ? { threads } : {}),
        cells: { random: count, seed, baselines: false },
      };
    }
    if (v.run !== undefined) {
      const runId = runIdOption(v.run, 'run');
      const top = intOption(v.top, 'top', 6, 1, 10_000);
      if (!peek) throw new UserError(`no store at ${dbFile}: --run reads a run from it`);
      cellsToAdd.push(...runCells(peek, runId, top, space));
      config.cells = { ...config.cells, run: { id: runId, top } };
    }
    if (v.genotype !== undefined) {
      cellsToAdd.push(...fileCells(space, v.genotype));
      config.cells = { ...config.cells, files: [...(config.cells.files ?? []), ...v.genotype] };
    }
    if (v['with-baselines'] && v.baselines !== undefined) throw new UserError('--with-baselines and --baselines LIST: give one');
    if (v['with-baselines'] || v.baselines !== undefined) {
      const flag = v.baselines === undefined ? '--with-baselines' : '--baselines';
      if (space.family !== 'nasnet') throw new UserError(`${flag}: the baselines are cells of the nasnet space`);
      const names = v.baselines === undefined ? undefined : v.baselines.split(',').map((n) => n.trim()).filter(Boolean);
      if (names?.length === 0) throw new UserError('--baselines: empty list');
      cellsToAdd.push(...baselineCells(space, names));
      config.cells = { ...config.cells, baselines: true };
    }
  } finally {
    peek?.close();
  }

  if (v.db === undefined) mkdirSync(dirname(dbFile), { recursive: true });
  const store = Store.open(dbFile);
  let control: StudyControl | undefined;
  const onInt = () => {
    if (!control) return;
    console.log('stopping after the units in flight (Ctrl-C again: now); continue with --resume');
    const c = control;
    control = undefined;
    c.stop();
    process.once('SIGINT', () => c.abort());
  };
  const onTerm = () => control?.abort();
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    let studyId: number;
    if (resumeId !== undefined) {
      store.studies.claim(resumeId);
      const added = store.studies.addCells(resumeId, cellsToAdd);
      store.studies.setConfig(resumeId, config);
      studyId = resumeId;
      console.log(`resuming study ${studyId} in ${store.file}${added ? ` with ${added} more cell(s)` : ''}`);
    } else {
      studyId = store.studies.create('fidelity', config, cellsToAdd).id;
      console.log(`study ${studyId} in ${store.file}: ${store.studies.cells(studyId).length} cells of ${config.space} on ${config.dataset}, seeds ${config.seeds.join(', ')}`);
    }
    console.log(`  reference: ${describeEstimator({ name: REFERENCE, kind: 'trained', fidelity: config.reference })}`);
    for (const e of config.estimators) console.log(`  estimator: ${describeEstimator(e)}`);
    const outcome = await runStudy({ store, studyId, config, log: (l) => console.log(l), control: (c) => (control = c) });
    store.studies.setStatus(studyId, outcome);
    console.log(outcome === 'complete'
      ? `study ${studyId} complete: nas fidelity --show ${studyId}${v.db ? ` --db ${v.db}` : ''}`
      : `study ${studyId} interrupted: continue with nas fidelity --resume ${studyId}${v.db ? ` --db ${v.db}` : ''}`);
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    store.close();
  }
}

const fmt2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');

/** The table of a study (finished or not) from a read-only store. */
function showStudy(dbFile: string, id: number, json: boolean, svg?: string): void {
  if (!existsSync(dbFile)) throw new UserError(`no store at ${dbFile}`);
  const store = Store.open(dbFile, { readonly: true });
  try {
    const study = store.studies.require(id);
    const config = study.config as StudyConfig;
    const cells = store.studies.cells(id);
    const scores = store.studies.scores(id);
    const report = studyReport(config, cells, scores);
    if (svg !== undefined) {
      const panels = studyPanels(config, cells, scores, report).map(({ report: e, points }) => ({
        name: e.name === REFERENCE ? `reference: seed ${config.seeds[0]} (x) vs seed ${config.seeds[1]} (y)` : e.name,
        subtitle: e.name === REFERENCE ? `ρ seed↔seed ${fmt2(e.repeatRho)}, n ${points.length}` : `ρ ${fmt2(e.rho)} [${fmt2(e.rhoInterval[0])}, ${fmt2(e.rhoInterval[1])}], n ${e.n}`,
        points, xIsAccuracy: e.kind === 'trained' || e.kind === 'reference',
      }));
      const title = `study ${id}: ${cells.length} cells of ${config.space} on ${config.dataset}, reference ${describeFidelity(config.reference)} (${report.referenceCells} cells scored)`;
      writeOutputFile(svg, studyPlotSvg(title, panels));
      return void console.log(`wrote ${svg}`);
    }
    if (json) return void console.log(JSON.stringify({ study: id, status: study.status, config, report, cells, scores }, null, 2));
    const units = cells.length * config.seeds.length * (config.estimators.length + 1);
    console.log(`study ${id} (${study.status}): ${cells.length} cells of ${config.space} on ${config.dataset}; ${scores.length}/${units} units scored` +
      `; reference ${describeFidelity(config.reference)} on ${report.referenceCells} cells${report.referenceFailed ? ` (${report.referenceFailed} failed)` : ''}`);
    for (const line of reportTable(report)) console.log(line);
  } finally {
    store.close();
  }
}
