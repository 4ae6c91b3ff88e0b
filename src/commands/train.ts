/** `nas train`: replay a cell (best / trial / genotype file / baseline) into full training. */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../core/errors.js';
import type { Genotype, MacroSettings, SearchSpace } from '../space/types.js';
import { loadSpace } from '../space/load.js';
import { Store } from '../store/store.js';
import type { RunRow } from '../store/types.js';
import { baselineSpaceName, loadBaseline } from '../baselines/index.js';
import { readGenotypeFile } from '../export/genotype-json.js';
import { defaultAugment } from '../training/augment.js';
import { REGULARISERS, SHAKEDROP_P_L, SWAPOUT_KEEP } from '../model/regularisers/index.js';
import { REGULARISER_OPTIONS, regulariserOption } from './regulariser-options.js';
import { PRESETS, preset } from '../replay/presets.js';
import { prepareReplay, trainPrepared, type PreparedReplay } from '../replay/replay.js';
import { etaSeconds, ReplayInterrupted, type BatchProgress, type ReplaySettings } from '../training/loop.js';
import { backendNames } from '../engine/backend.js';
import { checkNewStorePath } from '../store/open-database.js';
import { parseCommand } from './args.js';
import { choiceOption, defaultDb, intOption, LIMITS, numberOption, runIdOption } from './options.js';
import { duration, pct, si } from '../core/format.js';
import { openReadOnly } from './runs.js';

const HELP = `usage: nas train (--run RUN --best | --trial ID | --genotype FILE | --baseline NAME) [options]
  replays a cell into full training: the whole training split, the test split scored at the end
  --db FILE              store (default runs/nas.db)
  --dataset NAME         default: the run's dataset, else "default"
  --preset P             ${PRESETS.join(' | ')} (default small)
  --epochs E --cells N --filters F --batch B --lr LR
  --schedule step|cosine --nesterov --weight-decay W
  --cutout PX --random-erasing P --drop-path P --aux-weight W --label-smoothing S --no-augment
  --regulariser R        block regulariser of every NASNet block: ${REGULARISERS.join(' | ')} (default none)
  --shakedrop-p P        ShakeDrop's p_L, the last unit's survival probability (default ${SHAKEDROP_P_L})
  --swapout-keep P[,P2]  swapout's keep probability of every branch, or P of identity branches and P2 of the others
                         (default ${SWAPOUT_KEEP})
  --seed S --backend B --threads T --out DIR --resume
  --threads T            threads (default: every core): data-parallel replicas, one per core while each shard of a
                         batch keeps 16 images, the rest engine threads; a resume keeps the count; the count decides
                         the shards, so give the same T to repeat a replay; give 1 to run two replays side by side)`;

/** Where the cell comes from: exactly one of --best, --trial, --genotype, --baseline. */
interface Source {
  genotype: Genotype;
  label: string;
  run: RunRow | undefined;
  trialId: number | null;
  space: SearchSpace;
  /** A network baseline's macro options (src/baselines: WRN, PyramidNet, RoR, FractalNet, stems). */
  macroOptions?: Partial<MacroSettings>;
}

const SOURCES = ['best', 'trial', 'genotype', 'baseline'] as const;

/** Which of --best, --trial, --genotype, --baseline was given: exactly one. */
function sourceKind(v: Record<string, unknown>): (typeof SOURCES)[number] {
  const given = SOURCES.filter((k) => v[k] !== undefined && v[k] !== false);
  if (given.length === 0) throw new UserError('no cell given: give one of --best (with --run), --trial ID, --genotype FILE, --baseline NAME');
  if (given.length > 1) throw new UserError(`--${given[0]} and --${given[1]} both name a cell; give exactly one of --best, --trial, --genotype, --baseline`);
  if (given[0] === 'best' && v.run === undefined) throw new UserError('--best needs --run RUN');
  return given[0];
}

/** The cell to train; `store` (a reader) is needed for --run, --best and --trial. */
function resolveSource(store: Store | undefined, v: Record<string, string | boolean | undefined>): Source {
  const kind = sourceKind(v);
  const runId = v.run === undefined ? undefined : runIdOption(v.run as string, 'run');
  const trialId = v.trial === undefined ? undefined : intOption(v.trial as string, 'trial', 0, 1);
  if ((runId !== undefined || trialId !== undefined) && !store) throw new UserError('internal: a run or trial needs the store');
  const run = runId !== undefined ? store!.requireRun(runId) : undefined;
  const spaceOf = (r?: RunRow) => loadSpace(r ? r.config.spaceFile : 'nasnet');
  if (kind === 'best') {
    const best = store!.bestTrial(run!.id);
    if (!best) throw new UserError(`run ${run!.id} has no completed trial yet`);
    return { genotype: best.genotype, label: `trial ${best.id}`, run, trialId: best.id, space: spaceOf(run) };
  }
  if (trialId !== undefined) {
    const t = store!.requireTrial(trialId);
    if (run && t.runId !== run.id) throw new UserError(`trial ${t.id} belongs to run ${t.runId}, not to --run ${run.id}`);
    const r = run ?? store!.requireRun(t.runId);
    return { genotype: t.genotype, label: t.baseline ? `baseline ${t.baseline}` : `trial ${t.id}`, run: r, trialId: t.id, space: spaceOf(r) };
  }
  const space = spaceOf(run);
  if (kind === 'baseline') {
    // Without --run, a baseline trains in the space whose ops build it exactly, with its own macro
    // options (WRN's width, PyramidNet's α, AlexNet's stem) over that space's macro.
    const own = run ? space : loadSpace(baselineSpaceName(v.baseline as string));
    const b = loadBaseline(v.baseline as string, own);
    return { genotype: b.genotype, label: `baseline ${b.name}`, run, trialId: null, space: own, macroOptions: b.macro };
  }
  const file = v.genotype as string;
  return { genotype: readGenotypeFile(file, space), label: `genotype ${file}`, run, trialId: null, space };
}

/** A live one-line bar on a TTY (stderr), nothing otherwise (the per-epoch lines are printed anyway). */
function progressBar(): { onBatch?: (p: BatchProgress) => void; clear: () => void } {
  if (!process.stderr.isTTY) return { clear: () => {} };
  let last = 0;
  const onBatch = (p: BatchProgress) => {
    const now = Date.now();
    if (now - last < 200 && p.batch !== p.batches) return;
    last = now;
    const width = 24;
    const done = Math.round((width * p.batch) / p.batches);
    process.stderr.write(
      `\r\x1b[2Kepoch ${p.epoch}/${p.epochs} [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${p.batch}/${p.batches}  ` +
        `loss ${p.loss.toFixed(4)}  acc ${pct(p.accuracy)}  ${Math.round(p.imagesPerSec)} img/s  lr ${p.lr.toPrecision(3)}  ETA ${duration(etaSeconds(p))}`,
    );
  };
  return { onBatch, clear: () => process.stderr.write('\r\x1b[2K') };
}

const OPTIONS = {
  run: { type: 'string' }, best: { type: 'boolean' }, trial: { type: 'string' }, genotype: { type: 'string' }, baseline: { type: 'string' },
  db: { type: 'string' }, dataset: { type: 'string' }, preset: { type: 'string' }, epochs: { type: 'string' }, cells: { type: 'string' },
  filters: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' }, schedule: { type: 'string' }, nesterov: { type: 'boolean' },
  'weight-decay': { type: 'string' }, cutout: { type: 'string' }, 'random-erasing': { type: 'string' }, 'drop-path': { type: 'string' },
  'aux-weight': { type: 'string' }, 'label-smoothing': { type: 'string' }, 'no-augment': { type: 'boolean' }, resume: { type: 'boolean' },
  out: { type: 'string' }, backend: { type: 'string' }, threads: { type: 'string' }, seed: { type: 'string' },
  ...REGULARISER_OPTIONS,
} as const;

export async function trainCommand(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, { verb: 'nas train', usage: HELP, options: OPTIONS });
  if (!parsed) return;
  const v = parsed.values;
  // Every option is checked, then the cell, data, checkpoint and backend (through a reader of the
  // store, if there is one), and only then is the store opened for writing: bad input writes nothing.
  const kind = sourceKind(v);
  const p = preset(v.preset ?? 'small');
  const ps = p.settings;
  const cells = intOption(v.cells, 'cells', p.macro.cellsPerStage, 0, LIMITS.cells);
  const filters = intOption(v.filters, 'filters', p.macro.filters, 1, LIMITS.width);
  const epochs = intOption(v.epochs, 'epochs', ps.epochs, 1, LIMITS.epochs);
  const batchSize = intOption(v.batch, 'batch', ps.batchSize, 1, LIMITS.batch);
  const learningRate = numberOption(v.lr, 'lr', ps.learningRate, 0, true);
  const schedule = choiceOption(v.schedule, 'schedule', ['step', 'cosine'] as const, ps.schedule);
  const weightDecay = numberOption(v['weight-decay'], 'weight-decay', ps.weightDecay);
  const cutout = intOption(v.cutout, 'cutout', ps.cutout, 0, LIMITS.imageSize);
  const randomErasing = probability(v['random-erasing'], 'random-erasing', ps.randomErasing);
  const dropPath = probability(v['drop-path'], 'drop-path', ps.dropPath, true);
  const auxWeight = numberOption(v['aux-weight'], 'aux-weight', ps.auxWeight);
  const labelSmoothing = probability(v['label-smoothing'], 'label-smoothing', ps.labelSmoothing, true);
  const regulariser = regulariserOption(v);
  const seedOption = v.seed === undefined ? undefined : intOption(v.seed, 'seed', 0, 0, LIMITS.seed);
  const threads = v.threads === undefined ? undefined : intOption(v.threads, 'threads', 1, 1, 1024);
  if (v.backend !== undefined) choiceOption(v.backend, 'backend', backendNames, 'auto');
  if (v.run !== undefined) runIdOption(v.run, 'run');
  if (v.trial !== undefined) intOption(v.trial, 'trial', 0, 1);

  const dbFile = v.db ?? defaultDb();
  const storeExists = existsSync(dbFile);
  if (!storeExists && (v.run !== undefined || v.trial !== undefined)) throw new UserError(`no store at ${dbFile} (run nas search first, or pass --db FILE)`);
  // (The default folder runs/ is made when the replay starts.)
  if (!storeExists && (v.db !== undefined || existsSync(dirname(dbFile)))) checkNewStorePath(dbFile);
  const bar = progressBar();
  const reader = storeExists ? openReadOnly(dbFile) : undefined;
  let prepared: PreparedReplay;
  try {
    const src = resolveSource(reader, v);
    const base: MacroSettings = { ...(src.run?.config.macro ?? src.space.macro), ...src.macroOptions };
    const macro: MacroSettings = { ...base, ...p.macro, cellsPerStage: cells, filters };
    const dataset = v.dataset ?? src.run?.config.dataset ?? 'default';
    const aug = defaultAugment(dataset);
    const settings: ReplaySettings = {
      epochs, batchSize, learningRate, schedule, momentum: ps.momentum, nesterov: v.nesterov ?? ps.nesterov, weightDecay,
      augment: { pad: v['no-augment'] ? 0 : aug.pad, flip: v['no-augment'] ? false : aug.flip, cutout, randomErasing },
      dropPath, regulariser, auxWeight, labelSmoothing,
      seed: seedOption ?? src.run?.config.seed ?? 0,
    };
    prepared = await prepareReplay({
      space: src.space, genotype: src.genotype, label: src.label, runId: src.run?.id ?? null, trialId: src.trialId, dataset, macro, settings,
      backend: v.backend ?? src.run?.config.backend ?? 'auto', threads, out: v.out, resume: v.resume ?? false, store: reader,
      log: (line) => {
        bar.clear();
        console.log(line);
      },
      onBatch: undefined,
    });
  } finally {
    reader?.close();
  }

  if (v.db === undefined) mkdirSync(dirname(dbFile), { recursive: true });
  let store: Store;
  try {
    store = Store.open(dbFile);
  } catch (e) {
    prepared.dispose();
    throw e;
  }
  prepared.plan.onBatch = bar.onBatch;
  try {
    // Ctrl-C, SIGTERM (a service manager, a session ending), SIGHUP (a closed terminal): stop between
    // batches and mark the replay interrupted; a second signal quits at once.
    const stop = new AbortController();
    prepared.plan.signal = stop.signal;
    const onSignal = () => {
      if (stop.signal.aborted) process.exit(130);
      bar.clear();
      console.error('stopping after this batch (again: quit at once)…');
      stop.abort();
    };
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    for (const s of signals) process.on(s, onSignal);
    let outcome: Awaited<ReturnType<typeof trainPrepared>>;
    try {
      outcome = await trainPrepared(prepared, store);
    } catch (e) {
      if (!(e instanceof ReplayInterrupted)) throw e;
      bar.clear();
      console.error(
        `replay ${e.replayId} interrupted in epoch ${e.epoch} (batch ${e.batch}); ` +
          (e.epoch > 1 ? `its checkpoint after epoch ${e.epoch - 1} is kept: continue with the same command and --resume` : 'no epoch had finished: run the command again'),
      );
      process.exitCode = 130;
      return;
    } finally {
      for (const s of signals) process.off(s, onSignal);
    }
    bar.clear();
    console.log(
      `replay ${outcome.replayId} done: test accuracy ${pct(outcome.testAccuracy)} (loss ${outcome.testLoss.toFixed(4)}), ` +
        `${si(outcome.params)} params, ${si(outcome.multAdds)} mult-adds, ${duration(outcome.seconds)} on ${outcome.backend}`,
    );
    console.log(`model: ${outcome.dir}/model/model.json (tf.loadLayersModel)`);
  } finally {
    store.close();
  }
}

function probability(value: string | undefined, name: string, fallback: number, belowOne = false): number {
  const p = numberOption(value, name, fallback);
  if (p > 1 || (belowOne && p >= 1)) throw new UserError(`--${name} must be in [0, 1${belowOne ? ')' : ']'}, got "${value}"`);
  return p;
}
