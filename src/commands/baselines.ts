/**
 * `nas baselines --run RUN`: trains the hand-designed baselines (search-spaces/baselines/) with
 * exactly the run's proxy settings, through the same worker pool as the search, and stores them
 * as trials flagged `baseline`, so `nas show RUN` ranks found cells and baselines together.
 * Baselines already complete in the run are skipped; unfinished ones are trained again.
 */
import { existsSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import type { Evaluator, TrainTask } from '../evaluators/types.js';
import { parseCommand } from './args.js';
import { openReadOnly } from './runs.js';
import { loadSpace } from '../space/load.js';
import { Store } from '../store/store.js';
import type { TrialRow } from '../store/types.js';
import { loadBaseline, selectBaselines } from '../baselines/index.js';
import { createPoolEvaluator } from '../evaluators/pool/pool.js';
import { defaultDb, intOption, LIMITS, runIdOption } from './options.js';
import { duration, pct, si, table } from '../core/format.js';

const HELP = `usage: nas baselines --run RUN [--db FILE] [--only a,b] [--workers W] [--list]
  trains the hand-designed baselines with the run's proxy settings; stores them as baseline trials`;

/** Trains `names` in run `runId` with `evaluator`; returns their trials (finished). */
export async function trainBaselines(store: Store, runId: number, names: string[], evaluator: Evaluator, log: (line: string) => void): Promise<TrialRow[]> {
  const run = store.requireRun(runId);
  const config = run.config;
  const space = loadSpace(config.spaceFile);
  const existing = new Map(store.trials(runId).filter((t) => t.baseline).map((t) => [t.baseline!, t]));
  const queue: TrialRow[] = [];
  for (const name of names) {
    const b = loadBaseline(name, space);
    const old = existing.get(name);
    if (old?.status === 'complete') {
      log(`${name}: already trained in run ${runId} (trial ${old.id}, reward ${pct(old.reward)}), skipped`);
      continue;
    }
    if (old) {
      store.restartTrial(old.id);
      queue.push(store.requireTrial(old.id));
    } else {
      queue.push(store.addTrial({ runId, genotype: b.genotype, key: space.key(b.genotype), origin: 'baseline', baseline: name }));
    }
  }
  const done: TrialRow[] = [];
  const next = async (): Promise<void> => {
    const trial = queue.shift();
    if (!trial) return;
    const task: TrainTask = {
      runId, trialId: trial.id, genotype: trial.genotype, spaceFile: config.spaceFile, macro: config.macro, proxy: config.proxy,
      dataset: config.dataset, datasetHash: config.datasetHash, seed: config.seed + trial.number, backend: config.backend,
    };
    log(`${trial.baseline}: training (trial ${trial.id})`);
    const result = await evaluator.evaluate(task);
    const row = store.finishTrial(trial.id, result);
    log(`${trial.baseline}: ${row.status === 'complete' ? `reward ${pct(row.reward)}, ${si(row.params)} params, ${duration(row.seconds)}` : `failed: ${row.error}`}`);
    done.push(row);
    return next();
  };
  await Promise.all(Array.from({ length: Math.max(1, evaluator.capacity) }, () => next()));
  return done;
}

export async function baselinesCommand(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, {
    verb: 'nas baselines', usage: HELP, positionals: { max: 1, name: 'RUN' },
    options: { run: { type: 'string' }, db: { type: 'string' }, only: { type: 'string' }, workers: { type: 'string' }, list: { type: 'boolean' } },
  });
  if (!parsed) return;
  const { values: v, positionals } = parsed;
  if (v.list) {
    const extra = ['run', 'db', 'workers'].find((k) => v[k as keyof typeof v] !== undefined) ?? (positionals.length ? 'run' : undefined);
    if (extra) throw new UserError(`--list only lists the baselines; it does not go with --${extra}`);
    const space = loadSpace('nasnet');
    for (const name of selectBaselines(v.only)) {
      const b = loadBaseline(name, space);
      console.log(`${name.padEnd(20)} ${b.exact ? 'exact  ' : 'approx.'} ${b.title}`);
    }
    return;
  }
  if (v.run !== undefined && positionals[0] !== undefined) throw new UserError(`give the run once: --run ${v.run} or ${positionals[0]}, not both`);
  const runId = v.run !== undefined ? runIdOption(v.run) : runIdOption(positionals[0], 'RUN');
  const names = selectBaselines(v.only);
  const workersOption = v.workers === undefined ? undefined : intOption(v.workers, 'workers', 1, 1, LIMITS.workers);
  const dbFile = v.db ?? defaultDb();
  if (!existsSync(dbFile)) throw new UserError(`no store at ${dbFile} (run nas search first, or pass --db FILE)`);
  // Checked through a reader first: a refused run writes nothing.
  const probe = openReadOnly(dbFile);
  try {
    const run = probe.requireRun(runId);
    const space = loadSpace(run.config.spaceFile);
    for (const name of names) loadBaseline(name, space);
    probe.trials(runId);
  } finally {
    probe.close();
  }
  const store = Store.open(dbFile);
  let evaluator: Evaluator | undefined;
  try {
    const run = store.requireRun(runId);
    const workers = workersOption ?? Math.min(run.config.workers, names.length);
    evaluator = createPoolEvaluator({ workers });
    const trained = await trainBaselines(store, runId, names, evaluator, (l) => console.log(l));
    if (trained.length > 0) {
      console.log('');
      console.log(table(['baseline', 'trial', 'reward', 'params', 'mult-adds', 'time'],
        trained.sort((a, b) => (b.reward ?? -1) - (a.reward ?? -1)).map((t) => [t.baseline!, String(t.id), pct(t.reward), si(t.params), si(t.multAdds), duration(t.seconds)])));
      console.log(`\nranked with the run's trials: nas show ${runId}${v.db ? ` --db ${v.db}` : ''}`);
    }
  } finally {
    await evaluator?.close();
    store.close();
  }
}
