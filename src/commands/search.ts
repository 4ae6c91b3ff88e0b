/**
 * `nas search`: start or resume a search. Everything the user can get wrong is checked before the
 * store is touched, so bad input leaves no run (and no file) behind.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { UserError, type Evaluator, type SearchSpace, type Strategy } from '../core/types.js';
import { loadSpace } from '../space/load.js';
import { createStrategy, strategyNames } from '../strategies/index.js';
import { Store } from '../store/store.js';
import type { RunConfig } from '../store/types.js';
import { runSearch, type SearchControl } from '../search.js';
import { selectBackend } from '../engine/backend.js';
import { createPoolEvaluator, defaultWorkers, threadsPerWorker } from '../train/pool.js';
import { loadDataset } from '../data/datasets.js';
import { choiceOption, defaultDb, intOption, numberOption, runIdOption } from './options.js';
import { createPlainLogger } from './plain-log.js';
import { workerProgressWriter } from './progress-writer.js';
import { liveTerminal } from './terminal.js';

/** Proxy-task defaults: one child in seconds on 2 cores with the pure-JS engine (see README, "Speed"). */
export const DEFAULT_PROXY = { trainSize: 1200, valSize: 500, epochs: 1, batchSize: 32, learningRate: 0.05, imageSize: 14 };

const HELP = `usage: nas search [options]            start a search
       nas search --resume RUN [--db FILE] [--workers N] [--backend B]

  --strategy S          ${strategyNames().join(' | ')}   (default evolution)
  --budget N            children to train (default 200)
  --budget-seconds S    also stop when the children's (simulated) seconds add up to S
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
  --queue redis://HOST:PORT   hand children to remote \`nas worker\`s through BullMQ
  --queue-capacity N    children kept in flight on the queue (default: the live workers' total concurrency)
  --no-dashboard        plain lines even on a terminal`;

export async function searchCommand(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      resume: { type: 'string' },
      strategy: { type: 'string' },
      budget: { type: 'string' },
      'budget-seconds': { type: 'string' },
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
      queue: { type: 'string' }, 'queue-capacity': { type: 'string' },
      'no-dashboard': { type: 'boolean' },
    },
  });
  if (v.help) {
    console.log(HELP);
    return;
  }
  const dbFile = v.db ?? defaultDb();
  const workersOverride = v.workers === undefined ? undefined : intOption(v.workers, 'workers', 1);

  let config: RunConfig;
  let resumeId: number | undefined;
  if (v.resume !== undefined) {
    resumeId = runIdOption(v.resume, 'resume');
    const probe = openStore(dbFile, v.db === undefined);
    try {
      config = probe.requireRun(resumeId).config;
    } finally {
      probe.close();
    }
    if (workersOverride) config = { ...config, workers: workersOverride };
    if (v.backend) config = { ...config, backend: v.backend };
  } else {
    config = configFromOptions(v, workersOverride);
  }

  // Everything checked before the store is written.
  const space = loadSpace(config.space);
  config.spaceFile = space.file;
  const log = createPlainLogger(process.stdout);
  const strategy = await createStrategy(config.strategy, {
    space, seed: config.seed, options: config.strategyOptions, allowDuplicates: config.allowDuplicates, log: (line) => log.line(line),
  });
  const { evaluator, backend } = await createEvaluator(config, space);
  const baselines = config.withBaselines ? await loadBaselineProposals(space) : [];

  const store = openStore(dbFile, v.db === undefined);
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
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', () => control?.abort());
  try {
    const run = resumeId !== undefined ? store.requireRun(resumeId) : store.createRun(config);
    if (resumeId !== undefined) {
      store.claimRun(run.id);
      const state = store.loadStrategyState(run.id);
      if (state !== undefined) strategy.restore(state);
    }
    store.setRunBackend(run.id, backend);
    const progress = workerProgressWriter(store, run.id);
    // On a terminal the ink dashboard takes over the screen; log lines go into it.
    const ui = liveTerminal(process.stdout) && !v['no-dashboard']
      ? await (await import('../ui/attach.js')).attachDashboard({ store, runId: run.id, space, config, backend, getControl: () => control })
      : undefined;
    if (ui) log.redirect(ui.log);
    log.line(
      `${resumeId !== undefined ? 'resuming' : 'starting'} run ${run.id} in ${store.file}: ${config.strategy} on ${space.name}, ` +
        `budget ${config.budget}${config.budgetSeconds ? ` / ${config.budgetSeconds}s` : ''}, ${evaluator.capacity} worker(s), evaluator ${evaluator.name}`,
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
    const best = store.bestTrial(run.id);
    log.line(`run ${run.id} ${outcome}: ${store.countTrials(run.id, 'complete')} complete, ${store.countTrials(run.id, 'failed')} failed` +
      (best ? `; best trial ${best.id} reward ${best.reward?.toFixed(4)}: ${space.describe(best.genotype)}` : ''));
    if (outcome !== 'complete') log.line(`resume with: nas search --resume ${run.id}${v.db ? ` --db ${v.db}` : ''}`);
  } finally {
    process.off('SIGINT', onSignal);
    strategy.dispose?.();
    await evaluator.close();
    store.close();
  }
}

/** `--queue-capacity N` as the run config stores it (so --resume keeps it). */
function queueCapacity(value: string | undefined): { capacity?: number } {
  return value === undefined ? {} : { capacity: intOption(value, 'queue-capacity', 1) };
}

function configFromOptions(v: Record<string, string | boolean | string[] | undefined>, workers: number | undefined): RunConfig {
  const s = (k: string) => v[k] as string | undefined;
  const strategy = s('strategy') ?? 'evolution';
  if (!strategyNames().includes(strategy)) throw new UserError(`unknown strategy "${strategy}" (known: ${strategyNames().join(', ')})`);
  const budget = Number(s('budget') ?? 200);
  if (!Number.isInteger(budget) || budget <= 0) throw new UserError(`--budget must be a positive integer, got "${s('budget')}"`);
  const evaluatorKind = choiceOption(s('evaluator') ?? (s('queue') ? 'queue' : undefined), 'evaluator', ['pool', 'table', 'queue'] as const, 'pool');
  if (s('queue-capacity') !== undefined && evaluatorKind !== 'queue') throw new UserError('--queue-capacity needs --queue redis://HOST:PORT');
  const budgetSeconds = s('budget-seconds') === undefined ? undefined : numberOption(s('budget-seconds'), 'budget-seconds', 0, 0, true);
  if (budgetSeconds !== undefined && evaluatorKind === 'table' && !s('cost-column')) {
    throw new UserError('--budget-seconds with --evaluator table needs --cost-column (the simulated seconds of each child)');
  }
  const strategyOptions: Record<string, number | string | boolean> = {};
  if (s('population')) strategyOptions.population = intOption(s('population'), 'population', 50);
  if (s('sample')) strategyOptions.sample = intOption(s('sample'), 'sample', 10);
  for (const kv of (v['strategy-option'] as string[] | undefined) ?? []) {
    const at = kv.indexOf('=');
    if (at < 1) throw new UserError(`--strategy-option must be KEY=VALUE, got "${kv}"`);
    const raw = kv.slice(at + 1);
    strategyOptions[kv.slice(0, at)] = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  const spaceName = s('space') ?? 'nasnet';
  const space = loadSpace(spaceName);
  const macro = {
    ...space.macro,
    ...(s('stem-channels') && { stemChannels: intOption(s('stem-channels'), 'stem-channels', 0) }),
    ...(s('filters') && { filters: intOption(s('filters'), 'filters', 0) }),
    ...(s('cells') && { cellsPerStage: intOption(s('cells'), 'cells', 0, 0) }),
    ...(s('reductions') && { reductions: intOption(s('reductions'), 'reductions', 0, 0) }),
  };
  const proxy = {
    trainSize: intOption(s('train-size'), 'train-size', DEFAULT_PROXY.trainSize, 0),
    valSize: intOption(s('val-size'), 'val-size', DEFAULT_PROXY.valSize),
    epochs: intOption(s('epochs'), 'epochs', DEFAULT_PROXY.epochs),
    batchSize: intOption(s('batch-size'), 'batch-size', DEFAULT_PROXY.batchSize),
    learningRate: numberOption(s('lr'), 'lr', DEFAULT_PROXY.learningRate, 0, true),
    imageSize: intOption(s('image-size'), 'image-size', DEFAULT_PROXY.imageSize, 0),
  };
  const evaluator: RunConfig['evaluator'] =
    evaluatorKind === 'table'
      ? { kind: 'table', table: requireOption(s('table'), 'table'), rewardColumn: requireOption(s('reward-column'), 'reward-column'), costColumn: s('cost-column') }
      : evaluatorKind === 'queue'
        ? { kind: 'queue', url: requireOption(s('queue'), 'queue'), ...queueCapacity(s('queue-capacity')) }
        : { kind: 'pool' };
  const dataset = evaluatorKind === 'table' ? `table:${evaluator.table as string}` : s('dataset') ?? 'default';
  return {
    strategy, strategyOptions, space: spaceName, spaceFile: space.file, dataset,
    seed: intOption(s('seed'), 'seed', 1, 0), budget, budgetSeconds,
    workers: workers ?? (evaluatorKind === 'table' ? 1 : defaultWorkers()),
    backend: s('backend') ?? 'auto', macro, proxy, evaluator,
    allowDuplicates: Boolean(v['allow-duplicates']), withBaselines: Boolean(v['with-baselines']),
  };
}

function requireOption(value: string | undefined, name: string): string {
  if (!value) throw new UserError(`--${name} is required here`);
  return value;
}

/** Creates the evaluator of a run; checks the dataset (and records its hash) for training evaluators. */
async function createEvaluator(config: RunConfig, space: SearchSpace): Promise<{ evaluator: Evaluator; backend: string }> {
  const kind = config.evaluator.kind;
  if (kind === 'table') {
    const { loadTable, createTableEvaluator } = await import('../evaluators/table.js');
    const e = config.evaluator as unknown as { table: string; rewardColumn: string; costColumn?: string };
    const table = loadTable(e.table, { rewardColumn: e.rewardColumn, costColumn: e.costColumn, space });
    // Controllers (REINFORCE, SMBO) still run tfjs in this thread.
    await selectBackend('cpu');
    return { evaluator: createTableEvaluator(table, { capacity: config.workers, budgetSeconds: config.budgetSeconds }), backend: 'table' };
  }
  const dataset = loadDataset(config.dataset);
  if (config.datasetHash && config.datasetHash !== dataset.hash) {
    throw new UserError(`dataset "${config.dataset}" changed since the run started (hash ${dataset.hash}, run has ${config.datasetHash})`);
  }
  config.datasetHash = dataset.hash;
  // The same thread count the pool gives each worker (workers × threads = cores), so the line printed is what trains.
  const backend = await selectBackend(config.backend, { threads: threadsPerWorker(config.workers), log: (line) => console.log(line) });
  console.log(`backend: ${backend.name} — ${backend.description}`);
  if (kind === 'queue') {
    const { createQueueEvaluator } = await import('../distributed/queue-evaluator.js');
    const capacity = config.evaluator.capacity as number | undefined;
    return { evaluator: await createQueueEvaluator({ url: config.evaluator.url as string, capacity }), backend: 'queue' };
  }
  return { evaluator: createPoolEvaluator({ workers: config.workers }), backend: backend.name };
}

async function loadBaselineProposals(space: SearchSpace): Promise<Array<{ name: string; genotype: unknown }>> {
  const { listBaselines, loadBaseline } = await import('../baselines/index.js');
  return listBaselines().map((name: string) => {
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
