/**
 * `nas search`: start or resume a search. Everything the user can get wrong is checked before the
 * store is touched, so bad input leaves no run (and no file) behind.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../core/errors.js';
import type { Evaluator } from '../evaluators/types.js';
import type { SearchSpace } from '../space/types.js';
import type { Strategy } from '../strategies/types.js';
import { loadSpace } from '../space/load.js';
import { createStrategy, strategyNames } from '../strategies/index.js';
import { Store } from '../store/store.js';
import type { RunConfig } from '../store/types.js';
import { runSearch, type SearchControl } from '../search/loop.js';
import { backendNames } from '../engine/backend.js';
import { defaultWorkers } from '../evaluators/pool/pool.js';
import { createEvaluator, evaluatorKinds } from '../evaluators/index.js';
import { checkNewStorePath } from '../store/open-database.js';
import { refuseLiveOwner } from '../store/owner.js';
import { parseCommand } from './args.js';
import { loadDataset } from '../data/datasets.js';
import { parseLadder, type Ladder } from '../search/ladder.js';
import { parseWarmup, warmUp } from '../search/warmup.js';
import { checkFeasible } from '../search/feasible.js';
import { quietPass } from '../search/quiet-pass.js';
import { quietSummary } from './latency.js';
import { opWidthProblem } from '../space/file.js';
import { macroOptionsProblem } from '../model/macro-options.js';
import { taskFidelity } from '../training/fidelity.js';
import { DEFAULT_REFERENCE, SEARCH_DEFAULT_PROXY } from '../fidelity/presets.js';
import { REGULARISER_OPTIONS, regulariserOption } from './regulariser-options.js';
import { REGULARISERS } from '../model/regularisers/index.js';
import { OBJECTIVE_HELP, OBJECTIVE_OPTIONS, objectiveSettings } from './objective-options.js';
import { choiceOption, defaultDb, intOption, LIMITS, numberOption, runIdOption } from './options.js';
import { duration, rewardText } from '../core/format.js';
import { openReadOnly } from './runs.js';
import { createPlainLogger } from './plain-log.js';
import { workerProgressWriter } from './progress-writer.js';
import { liveTerminal } from './terminal.js';

/** Proxy-task defaults: the measured SEARCH_DEFAULT_PROXY (its width is the nasnet space's macro). */
export const DEFAULT_PROXY = {
  trainSize: SEARCH_DEFAULT_PROXY.trainImages, valSize: SEARCH_DEFAULT_PROXY.valImages, epochs: SEARCH_DEFAULT_PROXY.epochs,
  batchSize: SEARCH_DEFAULT_PROXY.batchSize, learningRate: SEARCH_DEFAULT_PROXY.learningRate, imageSize: SEARCH_DEFAULT_PROXY.imageSize,
};

const HELP = `usage: nas search [options]            start a search
       nas search --resume RUN [--db FILE] [--workers N] [--backend B] [--no-dashboard]
                                       continue a run with the settings it was started with

  --strategy S          ${strategyNames().join(' | ')}   (default evolution)
  --budget N            children to train (default 200, at most 1,000,000)
  --budget-seconds S    also stop when the children's (simulated) seconds add up to S
  --budget-cpu-hours H  also stop when the training threads' CPU time (every rung) adds up to H hours
  --fidelity SPEC       successive halving or Hyperband: sha:epochs=1,3,9[:eta=3], hyperband:…, sha:train=1200,3600,9000
                        (a table run: sha:eta=3 with one --reward-column per rung); see docs/multi-fidelity.md
  --space NAME|FILE     search space (default nasnet; see search-spaces/)
  --dataset NAME        default (embedded Fashion-MNIST subset) | fashion-mnist | mnist | cifar10:DIR | cifar100:DIR | DIR
  --workers N           worker threads (default: one per core)
  --backend B           auto | gpu | node | onednn | cpu   (default auto)
  --seed N              seed of every random choice (default 1)
  --db FILE             the SQLite store (default runs/nas.db)
  --epochs N --train-size N --val-size N --batch-size N --lr X --image-size N     proxy task
  --stem-channels N --filters N --cells N --reductions N                          child network
  --population P --sample S                 regularized evolution (default 50, 10)
  --strategy-option K=V                     any other strategy option (repeatable)
  --allow-duplicates    let the strategy propose an architecture twice
  --with-baselines      also train the hand-designed baselines and seed the strategy with them
  --evaluator pool|table  --table FILE --reward-column C --cost-column C   tabular (no training)
  --evaluator zero-cost:NAME   reward = a zero-cost estimator's score of the untrained child (synflow, naswot, …)
  --warmup NAME:N       score N random cells with a zero-cost estimator first; the best are the first proposals
${OBJECTIVE_HELP}
  --regulariser R [--shakedrop-p P] [--swapout-keep P[,P2]]   a block regulariser in every child (${REGULARISERS.join(' | ')})
  --queue redis://HOST:PORT   hand children to remote \`nas worker\`s through BullMQ
  --queue-capacity N    children kept in flight on the queue (default: the live workers' total concurrency)
  --no-dashboard        plain lines even on a terminal`;

const OPTIONS = {
  resume: { type: 'string' },
  strategy: { type: 'string' },
  budget: { type: 'string' },
  'budget-seconds': { type: 'string' },
  'budget-cpu-hours': { type: 'string' },
  fidelity: { type: 'string' },
  warmup: { type: 'string' },
  space: { type: 'string' },
  dataset: { type: 'string' },
  workers: { type: 'string' },
  backend: { type: 'string' },
  seed: { type: 'string' },
  db: { type: 'string' },
  epochs: { type: 'string' },
  'train-size': { type: 'string' },
  'val-size': { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  'image-size': { type: 'string' },
  'stem-channels': { type: 'string' },
  filters: { type: 'string' },
  cells: { type: 'string' },
  reductions: { type: 'string' },
  population: { type: 'string' },
  sample: { type: 'string' },
  'strategy-option': { type: 'string', multiple: true },
  'allow-duplicates': { type: 'boolean' },
  'with-baselines': { type: 'boolean' },
  evaluator: { type: 'string' },
  table: { type: 'string' },
  'reward-column': { type: 'string' },
  'cost-column': { type: 'string' },
  queue: { type: 'string' },
  'queue-capacity': { type: 'string' },
  'no-dashboard': { type: 'boolean' },
  ...OBJECTIVE_OPTIONS,
  ...REGULARISER_OPTIONS,
} as const;

/** What a resume may change; every other setting is the run's own. */
const RESUME_OPTIONS = new Set(['resume', 'db', 'workers', 'backend', 'no-dashboard']);

export async function searchCommand(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, { verb: 'nas search', usage: HELP, options: OPTIONS });
  if (!parsed) return;
  const v = parsed.values;
  const dbFile = v.db ?? defaultDb();
  const workersOverride = v.workers === undefined ? undefined : intOption(v.workers, 'workers', 1, 1, LIMITS.workers);
  if (v.backend !== undefined) choiceOption(v.backend, 'backend', backendNames, 'auto');

  // Everything is checked, and nothing printed, before the store is written.
  let config: RunConfig;
  let resumeId: number | undefined;
  let savedState: unknown;
  if (v.resume !== undefined) {
    resumeId = runIdOption(v.resume, 'resume');
    const fixed = Object.keys(v).filter((k) => !RESUME_OPTIONS.has(k));
    if (fixed.length > 0) throw new UserError(`--${fixed[0]} cannot change on --resume: a run keeps the settings it was started with (--resume takes --db, --workers, --backend, --no-dashboard)`);
    ({ config, state: savedState } = readResumable(dbFile, resumeId));
    if (workersOverride) config = { ...config, workers: workersOverride };
    if (v.backend) config = { ...config, backend: v.backend };
  } else {
    config = configFromOptions(v, workersOverride);
    checkStoreTarget(dbFile, v.db === undefined);
  }

  const space = loadSpace(config.space);
  config.spaceFile = space.file;
  const log = createPlainLogger(process.stdout);
  // Lines said while setting up wait until the run exists: bad input prints nothing but its error.
  const early: string[] = [];
  let setupDone = false;
  const say = (line: string) => (setupDone ? log.line(line) : early.push(line));
  const strategy = await createStrategy(config.strategy, {
    space, seed: config.seed, options: config.strategyOptions, allowDuplicates: config.allowDuplicates, log: say,
  });
  let evaluator: Evaluator | undefined;
  let store: Store | undefined;
  let control: SearchControl | undefined;
  const onSignal = () => {
    if (!control) return;
    if (control.stopping) {
      log.line('stopping now: in-flight children are marked interrupted');
      control.abort();
    } else {
      log.line('finishing the children in flight (Ctrl-C again to stop now); resume with --resume');
      control.stop();
    }
  };
  const onTerm = () => control?.abort();
  try {
    if (savedState !== undefined) restoreStrategy(strategy, savedState, dbFile, resumeId!);
    if (resumeId === undefined) await checkFeasible(config, space);
    const created = await createEvaluator(config, space, say);
    evaluator = created.evaluator;
    const backend = created.backend;
    // A new run's warm-up scores its cells before the run is stored (a resumed strategy has them in its state).
    if (resumeId === undefined && config.warmup) config.warmup = await warmUp(config.warmup, strategy, space, config, say);
    const baselines = config.withBaselines ? await loadBaselineProposals(space) : [];

    const writer = openStore(dbFile, v.db === undefined);
    store = writer;
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onTerm);
    const run = resumeId !== undefined ? store.requireRun(resumeId) : store.createRun(config);
    if (resumeId !== undefined) store.claimRun(run.id);
    store.setRunBackend(run.id, backend);
    setupDone = true;
    for (const line of early) log.line(line);
    const progress = workerProgressWriter(store, run.id);
    // On a terminal the ink dashboard takes over the screen; log lines go into it.
    const ui = liveTerminal(process.stdout) && !v['no-dashboard']
      ? await (await import('../ui/attach.js')).attachDashboard({ store: writer, runId: run.id, space, config, backend, getControl: () => control })
      : undefined;
    if (ui) log.redirect(ui.log);
    log.line(
      `${resumeId !== undefined ? 'resuming' : 'starting'} run ${run.id} in ${store.file}: ${config.strategy} on ${space.name}, ` +
        `budget ${config.budget}${config.budgetSeconds ? ` / ${duration(config.budgetSeconds)}` : ''}, ${evaluator.capacity} worker(s), evaluator ${evaluator.name}`,
    );
    const outcome = await runSearch({
      store, runId: run.id, space, strategy, evaluator, config, baselines,
      control: (c) => (control = c),
      onEvent: (e) => {
        if (ui) ui.onEvent(e);
        else log.event(e, space);
        if (e.type === 'progress') progress.write(e.progress);
        if (e.type === 'trial-end') progress.clear(e.result.trialId);
      },
    });
    progress.flush();
    await ui?.unmount();
    log.redirect(undefined);
    // The workers are done: time the children that can be on the front again, quietly.
    if (config.latency && outcome === 'complete') {
      await evaluator.close();
      evaluator = undefined;
      log.line(quietSummary(await quietPass(store, run.id, space, { log: (l) => log.line(l) })));
    }
    const best = store.bestTrial(run.id);
    log.line(`run ${run.id} ${outcome}: ${store.countTrials(run.id, 'complete')} complete, ${store.countTrials(run.id, 'failed')} failed` +
      (best ? `; best trial ${best.id} reward ${rewardText(best.reward, config.evaluator)}: ${space.describe(best.genotype)}` : ''));
    if (outcome !== 'complete') log.line(`resume with: nas search --resume ${run.id}${v.db ? ` --db ${v.db}` : ''}`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onTerm);
    strategy.dispose?.();
    await evaluator?.close();
    store?.close();
  }
}

/**
 * The config and strategy state of the run a --resume continues, read (and checked: a damaged
 * row is refused here) through a reader, so a refused resume writes nothing.
 */
function readResumable(dbFile: string, runId: number): { config: RunConfig; state: unknown } {
  const probe = openReadOnly(dbFile);
  try {
    const run = probe.requireRun(runId);
    refuseLiveOwner(run, `run ${runId} is still being searched`);
    const config = run.config;
    probe.trials(runId);
    probe.replays(runId);
    return { config, state: probe.loadStrategyState(runId) };
  } finally {
    probe.close();
  }
}

/** A saved state the strategy cannot take back is a damaged store, said before the run is claimed. */
function restoreStrategy(strategy: Strategy, state: unknown, dbFile: string, runId: number): void {
  try {
    strategy.restore(state as never);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${dbFile} is damaged: the saved strategy state of run ${runId} cannot be restored (${(e as Error).message})`);
  }
}

/** The store a new run goes into must be creatable, or an existing, healthy nas store (checked by a reader). */
function checkStoreTarget(file: string, isDefault: boolean): void {
  if (existsSync(file)) {
    openReadOnly(file).close();
    return;
  }
  // The default folder runs/ is made when the run starts.
  if (isDefault && !existsSync(dirname(file))) return;
  checkNewStorePath(file);
}

/** `--queue-capacity N` as the run config stores it (so --resume keeps it). */
function queueCapacity(value: string | undefined): { capacity?: number } {
  return value === undefined ? {} : { capacity: intOption(value, 'queue-capacity', 1) };
}

function configFromOptions(v: Record<string, string | boolean | string[] | undefined>, workers: number | undefined): RunConfig {
  const s = (k: string) => v[k] as string | undefined;
  const strategy = s('strategy') ?? 'evolution';
  if (!strategyNames().includes(strategy)) throw new UserError(`unknown strategy "${strategy}" (known: ${strategyNames().join(', ')})`);
  const budget = intOption(s('budget'), 'budget', 200, 1, LIMITS.budget);
  const zeroCost = s('evaluator')?.startsWith('zero-cost:') ? s('evaluator')!.slice('zero-cost:'.length) : undefined;
  const evaluatorKind = zeroCost !== undefined ? 'zero-cost' : choiceOption(s('evaluator') ?? (s('queue') ? 'queue' : undefined), 'evaluator', evaluatorKinds().filter((k) => k !== 'zero-cost'), 'pool');
  if (s('queue-capacity') !== undefined && evaluatorKind !== 'queue') throw new UserError('--queue-capacity needs --queue redis://HOST:PORT');
  if (s('queue') !== undefined && evaluatorKind !== 'queue') throw new UserError(`--queue hands children to remote workers; it does not go with --evaluator ${evaluatorKind}`);
  for (const k of ['table', 'reward-column', 'cost-column']) {
    if (s(k) !== undefined && evaluatorKind !== 'table') throw new UserError(`--${k} needs --evaluator table`);
  }
  if (evaluatorKind === 'table') {
    for (const k of ['dataset', 'epochs', 'train-size', 'val-size', 'batch-size', 'lr', 'image-size', 'with-baselines']) {
      if (v[k] !== undefined) throw new UserError(`--${k} trains children; --evaluator table looks rewards up instead (drop --${k})`);
    }
  }
  const budgetSeconds = s('budget-seconds') === undefined ? undefined : numberOption(s('budget-seconds'), 'budget-seconds', 0, 0, true, 1e9);
  const budgetCpuSeconds = s('budget-cpu-hours') === undefined ? undefined : 3600 * numberOption(s('budget-cpu-hours'), 'budget-cpu-hours', 0, 0, true, 1e5);
  if (budgetCpuSeconds !== undefined && evaluatorKind === 'table') throw new UserError('--budget-cpu-hours counts training time; a table run trains nothing (use --budget-seconds with --cost-column)');
  if (budgetSeconds !== undefined && evaluatorKind === 'table' && !s('cost-column')) {
    throw new UserError('--budget-seconds with --evaluator table needs --cost-column (the simulated seconds of each child)');
  }
  const strategyOptions: Record<string, number | string | boolean> = {};
  for (const k of ['population', 'sample']) {
    if (s(k) !== undefined && strategy !== 'evolution') throw new UserError(`--${k} is an option of --strategy evolution, not of ${strategy}`);
  }
  if (s('population')) strategyOptions.population = intOption(s('population'), 'population', 50, 1, LIMITS.budget);
  if (s('sample')) strategyOptions.sample = intOption(s('sample'), 'sample', 10, 1, LIMITS.budget);
  if (s('sample') && Number(strategyOptions.sample) > Number(strategyOptions.population ?? 50)) {
    throw new UserError(`--sample ${strategyOptions.sample} is larger than --population ${strategyOptions.population ?? 50}: a tournament draws from the population`);
  }
  for (const kv of (v['strategy-option'] as string[] | undefined) ?? []) {
    const at = kv.indexOf('=');
    if (at < 1 || at === kv.length - 1) throw new UserError(`--strategy-option must be KEY=VALUE, got "${kv}"`);
    const raw = kv.slice(at + 1);
    strategyOptions[kv.slice(0, at)] = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  const spaceName = s('space') ?? 'nasnet';
  const space = loadSpace(spaceName);
  const macro = {
    ...space.macro,
    ...(s('stem-channels') && { stemChannels: intOption(s('stem-channels'), 'stem-channels', 0, 1, LIMITS.width) }),
    ...(s('filters') && { filters: intOption(s('filters'), 'filters', 0, 1, LIMITS.width) }),
    ...(s('cells') && { cellsPerStage: intOption(s('cells'), 'cells', 0, 0, LIMITS.cells) }),
    ...(s('reductions') && { reductions: intOption(s('reductions'), 'reductions', 0, 0, 8) }),
  };
  const proxy = {
    trainSize: intOption(s('train-size'), 'train-size', DEFAULT_PROXY.trainSize, 0, LIMITS.images),
    valSize: intOption(s('val-size'), 'val-size', DEFAULT_PROXY.valSize, 1, LIMITS.images),
    epochs: intOption(s('epochs'), 'epochs', DEFAULT_PROXY.epochs, 1, LIMITS.epochs),
    batchSize: intOption(s('batch-size'), 'batch-size', DEFAULT_PROXY.batchSize, 1, LIMITS.batch),
    learningRate: numberOption(s('lr'), 'lr', DEFAULT_PROXY.learningRate, 0, true),
    imageSize: intOption(s('image-size'), 'image-size', DEFAULT_PROXY.imageSize, 0, LIMITS.imageSize),
  };
  const evaluator: RunConfig['evaluator'] =
    evaluatorKind === 'table'
      ? { kind: 'table', table: requireOption(s('table'), 'table'), rewardColumn: requireOption(s('reward-column'), 'reward-column'), costColumn: s('cost-column') }
      : evaluatorKind === 'queue'
        ? { kind: 'queue', url: requireOption(s('queue'), 'queue'), ...queueCapacity(s('queue-capacity')) }
        : evaluatorKind === 'zero-cost' ? { kind: 'zero-cost', estimator: zeroCost } : { kind: 'pool' };
  const dataset = evaluatorKind === 'table' ? `table:${evaluator.table as string}` : s('dataset') ?? 'default';
  const warmup = s('warmup') === undefined ? undefined : parseWarmup(s('warmup')!);
  if (warmup && evaluatorKind === 'zero-cost') throw new UserError('--warmup ranks cells by a zero-cost estimator before training them; --evaluator zero-cost already rewards every child that way');
  const ladder = s('fidelity') === undefined ? undefined : ladderOf(s('fidelity')!, macro, proxy, evaluatorKind === 'table' ? { tableColumns: (evaluator.rewardColumn as string).split(',').length } : { dataset });
  // A grouped conv's cardinality must divide every cell width the run builds (--filters, --cells, each rung).
  for (const [what, m] of [['the network', macro] as const, ...(ladder?.fidelities ?? []).map((f, r) => [`rung ${r}`, { ...macro, filters: f.filters, cellsPerStage: f.cellsPerStage, reductions: f.reductions }] as const)]) {
    const problem = opWidthProblem(space.ops, m, space.family);
    if (problem) throw new UserError(`space ${space.name} cannot be built at ${what}'s widths: ${problem.reason}; choose filters divisible by it`);
    const option = macroOptionsProblem(m, { family: space.family });
    if (option) throw new UserError(`space ${space.name} cannot be built at ${what}'s widths: macro.${option.key}: ${option.reason}`);
  }
  const hardware = objectiveSettings(v, { strategy, evaluatorKind, dataset, macro, space });
  const regulariser = regulariserOption(v as Parameters<typeof regulariserOption>[0]);
  if (regulariser && space.family === 'nas-bench-201') throw new UserError(`--regulariser ${regulariser.name} applies to the two-branch blocks of NASNet cells; a nas-bench-201 cell is a graph of single edges`);
  if (regulariser && (evaluatorKind === 'table' || evaluatorKind === 'zero-cost')) throw new UserError(`--regulariser ${regulariser.name} changes how children train; --evaluator ${evaluatorKind} trains none`);
  return {
    strategy, strategyOptions, space: spaceName, spaceFile: space.file, dataset, ...hardware, ...(regulariser ? { regulariser } : {}),
    seed: intOption(s('seed'), 'seed', 1, 0, LIMITS.seed), budget, budgetSeconds, budgetCpuSeconds, ladder, ...(warmup ? { warmup } : {}),
    workers: workers ?? (evaluatorKind === 'table' ? 1 : defaultWorkers()),
    backend: s('backend') ?? 'auto', macro, proxy, evaluator,
    allowDuplicates: Boolean(v['allow-duplicates']), withBaselines: Boolean(v['with-baselines']),
  };
}

/** `--fidelity` over the run's proxy (rung 0), checked against the dataset and the reference training. */
function ladderOf(spec: string, macro: RunConfig['macro'], proxy: RunConfig['proxy'], where: { tableColumns?: number; dataset?: string }): Ladder {
  const base = taskFidelity({ macro, proxy });
  if (where.tableColumns !== undefined) return parseLadder(spec, base, { images: 0, side: 0 }, { tableColumns: where.tableColumns });
  const ds = loadDataset(where.dataset!);
  return parseLadder(spec, base, { images: ds.train.count, side: ds.height }, { ceiling: DEFAULT_REFERENCE });
}

function requireOption(value: string | undefined, name: string): string {
  if (!value) throw new UserError(`--${name} is required here`);
  return value;
}

async function loadBaselineProposals(space: SearchSpace): Promise<Array<{ name: string; genotype: unknown }>> {
  // The cells alone: a network baseline (macro options) cannot be trained at the run's macro.
  const { cellBaselines, loadBaseline } = await import('../baselines/index.js');
  return cellBaselines(space).map((name: string) => {
    const b = loadBaseline(name, space);
    return { name: b.name, genotype: b.genotype };
  });
}

/** Opens the store, creating runs/ when the default location is used. */
function openStore(file: string, isDefault: boolean): Store {
  if (isDefault) mkdirSync(dirname(file), { recursive: true });
  return Store.open(file);
}

export type { Strategy };
