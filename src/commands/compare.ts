/**
 * `nas compare`: the CNN survey's side-by-side experiment as one command. Every model (or one model
 * under every regulariser) trained with one protocol as a full-training replay, then the survey's
 * table and figures. The work is in src/compare/; this file parses, prints and handles signals.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../core/errors.js';
import { Store } from '../store/store.js';
import { checkNewStorePath } from '../store/open-database.js';
import { backendNames } from '../engine/backend.js';
import { parseCommand } from './args.js';
import { choiceOption, defaultDb, intOption, LIMITS, numberOption } from './options.js';
import { openReadOnly } from './runs.js';
import { DEFAULT_SIZE, SURVEY, type ProtocolOptions } from '../compare/protocol.js';
import { REGULARISERS } from '../compare/regularisers.js';
import { checkNewComparison, checkResume, type Setup } from '../compare/setup.js';
import { claimComparison, createComparison, runComparison, type ComparisonResult } from '../compare/compare.js';
import { reportText } from '../compare/report.js';
import type { ComparisonConfig } from '../compare/plan.js';
import { etaSeconds, type BatchProgress } from '../training/loop.js';
import { duration, pct } from '../core/format.js';

const HELP = `usage: nas compare --models M1,M2,... --dataset D --epochs E [options]
       nas compare --models M --regularisers R1,R2,... --dataset D --epochs E [options]
       nas compare --resume COMPARISON [--db FILE] [--parallel N] [--threads T] [--backend B] [--json] [--progress S]
  trains every model with one protocol, each a full-training replay (nas train) recorded in the store,
  and prints the survey's table (test error, training time, params, mult-adds, epochs, status)
  --models LIST          baselines by name (nas baselines --list) and searched trials: trial:ID or trial:ID@RUN
  --regularisers LIST    the regulariser table of ONE network (--models names one):
${REGULARISERS.map((r) => `                           ${r.name.padEnd(Math.max(...REGULARISERS.map((q) => q.name.length)) + 1)}${r.what}`).join('\n')}
  --dataset D            default, fashion-mnist, mnist, cifar10:DIR, cifar100:DIR or a folder of IDX files
  --epochs E             epochs of every model (the learning rate drops x0.1 at 50 % and 75 % of them)
  --db FILE              store (default runs/nas.db)
  --out DIR              a new or empty folder for the checkpoints and figures (default runs/compare-ID/)
  --parallel N           models trained at once (default 1), each with cores/N engine threads
  --resume COMPARISON    continue a comparison: unfinished replays from their checkpoints, the others from the start
  --json                 the table as JSON on stdout (the progress lines go to stderr)
  --progress S           a line per model every S seconds within an epoch: batches done, loss, accuracy, images/s, ETA (default 60; 0: only the epoch lines)
  protocol (default the survey's: momentum SGD ${SURVEY.momentum}, lr ${SURVEY.learningRate} step, batch ${SURVEY.batchSize}, weight decay ${SURVEY.weightDecay}, crop 4 px + flip):
  --batch B --lr LR --weight-decay W --seed S (default 0)
  --cells N --filters F  network size (default N=${DEFAULT_SIZE.cellsPerStage}, F=${DEFAULT_SIZE.filters}, stem ${DEFAULT_SIZE.stemChannels})
  --backend B            ${backendNames.join(' | ')} (default auto)
  --threads T            threads per replay (default: every core for a lone replay, data-parallel; cores/N side by side)`;

const OPTIONS = {
  models: { type: 'string' }, regularisers: { type: 'string' }, dataset: { type: 'string' }, epochs: { type: 'string' }, db: { type: 'string' },
  out: { type: 'string' }, parallel: { type: 'string' }, resume: { type: 'string' }, json: { type: 'boolean' }, batch: { type: 'string' },
  lr: { type: 'string' }, 'weight-decay': { type: 'string' }, seed: { type: 'string' }, cells: { type: 'string' }, filters: { type: 'string' },
  backend: { type: 'string' }, threads: { type: 'string' }, progress: { type: 'string' },
} as const;

/** "epoch 1/3: 120/469 batches, loss 0.5312, acc 80.12%, 141 img/s, ETA 31m12s" (the ETA of the whole replay at this epoch's pace). */
export function progressLine(p: BatchProgress): string {
  return `epoch ${p.epoch}/${p.epochs}: ${p.batch}/${p.batches} batches, loss ${p.loss.toFixed(4)}, acc ${pct(p.accuracy)}, ` +
    `${Math.round(p.imagesPerSec)} img/s, ETA ${duration(etaSeconds(p))}`;
}

/** What a resume keeps as the comparison started it. */
const FIXED_ON_RESUME = ['models', 'regularisers', 'dataset', 'epochs', 'out', 'batch', 'lr', 'weight-decay', 'seed', 'cells', 'filters'] as const;

export async function compareCommand(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, { verb: 'nas compare', usage: HELP, options: OPTIONS });
  if (!parsed) return;
  const v = parsed.values;
  const json = v.json ?? false;
  const parallel = intOption(v.parallel, 'parallel', 1, 1, LIMITS.workers);
  const threads = v.threads === undefined ? undefined : intOption(v.threads, 'threads', 1, 1, 1024);
  const backend = v.backend === undefined ? undefined : choiceOption(v.backend, 'backend', backendNames, 'auto');
  const dbFile = v.db ?? defaultDb();
  const resumeId = v.resume === undefined ? undefined : intOption(v.resume, 'resume', 0, 1);
  const progressEvery = numberOption(v.progress, 'progress', 60);

  // Every check first, through a reader of the store (if there is one); only then is it opened for writing.
  let setup: Setup | undefined;
  if (resumeId !== undefined) {
    for (const k of FIXED_ON_RESUME) if (v[k] !== undefined) throw new UserError(`--${k} cannot change on --resume: a comparison keeps its models, data, protocol and folder`);
    const reader = openReadOnly(dbFile);
    try {
      await checkResume(resumeId, reader, { backend, threads });
    } finally {
      reader.close();
    }
  } else {
    if (v.models === undefined) throw new UserError('--models is required: the baselines (nas baselines --list) or trials (trial:ID) to compare');
    if (v.dataset === undefined) throw new UserError('--dataset is required: the data every model trains and is tested on');
    if (v.epochs === undefined) throw new UserError('--epochs is required: the epochs every model trains');
    const protocol: ProtocolOptions = {
      epochs: intOption(v.epochs, 'epochs', 1, 1, LIMITS.epochs),
      batchSize: intOption(v.batch, 'batch', SURVEY.batchSize, 1, LIMITS.batch),
      learningRate: numberOption(v.lr, 'lr', SURVEY.learningRate, 0, true),
      weightDecay: numberOption(v['weight-decay'], 'weight-decay', SURVEY.weightDecay),
      seed: intOption(v.seed, 'seed', 0, 0, LIMITS.seed),
      cellsPerStage: intOption(v.cells, 'cells', DEFAULT_SIZE.cellsPerStage, 0, LIMITS.cells),
      filters: intOption(v.filters, 'filters', DEFAULT_SIZE.filters, 1, LIMITS.width),
    };
    const storeExists = existsSync(dbFile);
    if (!storeExists && (v.db !== undefined || existsSync(dirname(dbFile)))) checkNewStorePath(dbFile);
    const reader = storeExists ? openReadOnly(dbFile) : undefined;
    try {
      setup = await checkNewComparison({ models: v.models, regularisers: v.regularisers, dataset: v.dataset, protocol, backend: backend ?? 'auto', threads, out: v.out }, reader, dbFile);
    } finally {
      reader?.close();
    }
  }

  if (v.db === undefined) mkdirSync(dirname(dbFile), { recursive: true });
  const store = Store.open(dbFile);
  const say = (line: string) => (json ? console.error(line) : console.log(line));
  const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  let stop: (() => void) | undefined;
  let stopping = false;
  const onSignal = () => {
    if (stopping) process.exit(130);
    stopping = true;
    console.error('stopping after this batch (again: quit at once)…');
    stop?.();
  };
  try {
    let id: number;
    let config: ComparisonConfig;
    if (resumeId !== undefined) {
      config = claimComparison(store, resumeId);
      id = resumeId;
      say(`resuming comparison ${id} in ${store.file}`);
    } else {
      ({ id, config } = createComparison(store, setup!));
      say(`comparison ${id} in ${store.file}: ${config.table === 'regularisers' ? `${config.regularisers!.length} regularisers on ${config.models[0]}` : `${config.models.length} models`} on ${config.dataset}, ${config.epochs} epochs; folder ${config.dir}`);
    }
    for (const s of stopSignals) process.on(s, onSignal);
    let result: ComparisonResult;
    try {
      result = await runComparison(store, id, config, {
        parallel, threads, backend, log: (entry, line) => say(`[${entry.name}] ${line}`),
        ...(progressEvery > 0 && { progress: { everySeconds: progressEvery, report: (entry, p) => say(`[${entry.name}] ${progressLine(p)}`) } }),
        control: (s) => {
          stop = s;
          if (stopping) s();
        },
      });
    } finally {
      for (const s of stopSignals) process.off(s, onSignal);
    }
    const again = `nas compare --resume ${id}${v.db !== undefined ? ` --db ${v.db}` : ''}`;
    if (json) console.log(JSON.stringify({ ...result.report, figures: result.figures }, null, 2));
    else {
      console.log('');
      for (const line of reportText(result.report)) console.log(line);
      console.log(`figures: ${result.figures.join(', ')}`);
    }
    if (result.outcome === 'interrupted') {
      console.error(`comparison ${id} interrupted: continue with ${again}`);
      process.exitCode = 130;
    } else if (result.outcome === 'failed') {
      console.error(`comparison ${id}: some models failed (see the table); train them again with ${again}`);
      process.exitCode = 1;
    }
  } finally {
    store.close();
  }
}
