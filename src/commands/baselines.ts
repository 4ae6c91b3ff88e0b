/**
 * `nas baselines --run RUN`: trains the hand-designed baselines (search-spaces/baselines/) with
 * exactly the run's proxy settings, through the search loop and the run's own evaluator, and stores
 * them as trials flagged `baseline`, so `nas show RUN` ranks found cells and baselines together.
 * Baselines already complete in the run are skipped; unfinished ones are trained again.
 */
import { existsSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import type { Evaluator } from '../evaluators/types.js';
import type { Strategy } from '../strategies/types.js';
import { createStrategy } from '../strategies/index.js';
import { createEvaluator } from '../evaluators/index.js';
import { runSearch } from '../search/loop.js';
import { parseCommand } from './args.js';
import { openReadOnly } from './runs.js';
import { loadSpace } from '../space/load.js';
import { Store } from '../store/store.js';
import { baselineSpaceName, loadBaseline, macroText, selectBaselines } from '../baselines/index.js';
import { defaultDb, intOption, LIMITS, runIdOption } from './options.js';
import { duration, pct, si, table } from '../core/format.js';

const HELP = `usage: nas baselines --run RUN [--db FILE] [--only a,b] [--workers W] [--list]
  trains the hand-designed baselines with the run's proxy settings; stores them as baseline trials`;

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
    for (const name of selectBaselines(v.only)) {
      const b = loadBaseline(name, loadSpace(baselineSpaceName(name)));
      const where = [b.space !== 'nasnet' ? `space ${b.space}` : '', b.macro ? `network: ${macroText(b.macro)}` : ''].filter(Boolean).join('; ');
      console.log(`${name.padEnd(20)} ${b.exact ? 'exact  ' : 'approx.'} ${b.title}${where ? ` (${where})` : ''}`);
    }
    return;
  }
  if (v.run !== undefined && positionals[0] !== undefined) throw new UserError(`give the run once: --run ${v.run} or ${positionals[0]}, not both`);
  const runId = v.run !== undefined ? runIdOption(v.run) : runIdOption(positionals[0], 'RUN');
  // Named ones (checked now), or the run's space's cell baselines (once the run is read).
  const named = v.only !== undefined && v.only.trim() !== '';
  const names = named ? selectBaselines(v.only) : [];
  refuseNetworks(names);
  const workersOption = v.workers === undefined ? undefined : intOption(v.workers, 'workers', 1, 1, LIMITS.workers);
  const dbFile = v.db ?? defaultDb();
  if (!existsSync(dbFile)) throw new UserError(`no store at ${dbFile} (run nas search first, or pass --db FILE)`);
  // Checked through a reader first: a refused run writes nothing.
  const probe = openReadOnly(dbFile);
  try {
    const run = probe.requireRun(runId);
    const space = loadSpace(run.config.spaceFile);
    // Without --only: the cells the run's space has every op of (SENet's SE conv: nasnet-plus).
    if (!named) names.push(...selectBaselines(undefined, space));
    for (const name of names) loadBaseline(name, space);
    probe.trials(runId);
  } finally {
    probe.close();
  }
  const store = Store.open(dbFile);
  let evaluator: Evaluator | undefined;
  let strategy: Strategy | undefined;
  try {
    const run = store.requireRun(runId);
    const space = loadSpace(run.config.spaceFile);
    // The search loop trains them, as --with-baselines does: stored as baseline trials, told to the
    // run's strategy (a resumed search is seeded by them), promoted in a multi-fidelity run.
    const config = { ...run.config, workers: workersOption ?? Math.min(run.config.workers, names.length) };
    strategy = await createStrategy(config.strategy, { space, seed: config.seed, options: config.strategyOptions, allowDuplicates: config.allowDuplicates });
    const state = store.loadStrategyState(runId);
    if (state !== undefined) strategy.restore(state);
    ({ evaluator } = await createEvaluator(config, space, (line) => console.log(line)));
    const before = new Set(store.trials(runId).filter((t) => t.baseline && t.status === 'complete').map((t) => t.baseline!));
    for (const name of names.filter((n) => before.has(n))) console.log(`${name}: already trained in run ${runId}, skipped`);
    const status = run.status;
    store.claimRun(runId);
    try {
      await runSearch({
        store, runId, space, strategy, evaluator, config, only: 'baselines',
        baselines: names.filter((n) => !before.has(n)).map((name) => ({ name, genotype: loadBaseline(name, space).genotype })),
        onEvent: (e) => {
          if (e.type === 'trial-end' && e.baseline) {
            const r = e.result;
            console.log(`${e.baseline}${e.rung ? ` rung ${e.rung}` : ''}: ${r.status === 'complete' ? `reward ${pct(r.reward)}, ${si(r.metrics?.params)} params, ${duration(r.metrics?.seconds)}` : `failed: ${r.error}`}`);
          }
        },
      });
    } finally {
      // Training baselines does not finish or interrupt the search: the run keeps its status.
      store.setRunStatus(runId, status === 'running' ? 'interrupted' : status);
    }
    const trained = store.trials(runId).filter((t) => t.baseline && names.includes(t.baseline) && !before.has(t.baseline));
    if (trained.length > 0) {
      console.log('');
      console.log(table(['baseline', 'trial', 'reward', 'params', 'mult-adds', 'time'],
        trained.sort((a, b) => (b.reward ?? -1) - (a.reward ?? -1)).map((t) => [t.baseline!, String(t.id), pct(t.reward), si(t.params), si(t.multAdds), duration(t.seconds)])));
      console.log(`\nranked with the run's trials: nas show ${runId}${v.db ? ` --db ${v.db}` : ''}`);
    }
  } finally {
    strategy?.dispose?.();
    await evaluator?.close();
    store.close();
  }
}

/** A network baseline (a cell with macro options) cannot be a trial of a run: one line naming its options. */
function refuseNetworks(names: string[]): void {
  for (const name of names) {
    const b = loadBaseline(name, loadSpace(baselineSpaceName(name)));
    if (b.macro) throw new UserError(`baseline ${name} is a network (its cell with ${macroText(b.macro)}); a run trains every trial at the run's macro settings, so nas baselines trains cell baselines only`);
  }
}
