/** `nas latency --run RUN`: the quiet latency pass of a run, again or for the first time (src/search/quiet-pass.ts). */
import { UserError } from '../core/errors.js';
import { Store } from '../store/store.js';
import { refuseLiveOwner } from '../store/owner.js';
import { loadSpace } from '../space/load.js';
import { quietPass, QUIET_ROUNDS } from '../search/quiet-pass.js';
import { parseCommand } from './args.js';
import { defaultDb, intOption, runIdOption } from './options.js';
import { openReadOnly } from './runs.js';

const USAGE = `usage: nas latency --run RUN [--db FILE] [--rounds N]
  re-times every complete child of a run with nothing else of the run running, in interleaved
  rounds, and stores it (its front then uses these latencies); best with the machine otherwise idle
  --rounds N  rounds over the children (default ${QUIET_ROUNDS})`;

export async function latencyCommand(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, {
    verb: 'nas latency', usage: USAGE,
    options: { run: { type: 'string' }, db: { type: 'string' }, rounds: { type: 'string' } },
  });
  if (!parsed) return;
  const v = parsed.values;
  const runId = runIdOption(v.run);
  const rounds = intOption(v.rounds, 'rounds', QUIET_ROUNDS, 1, 1000);
  const file = v.db ?? defaultDb();
  // Checked through a reader first: a refused command writes nothing.
  const probe = openReadOnly(file);
  try {
    const run = probe.requireRun(runId);
    if (!run.config.latency) throw new UserError(`run ${runId} measured no latency (start a search with --objectives accuracy,latency or --latency-backend)`);
    refuseLiveOwner(run, `run ${runId} is still being searched (its latencies are re-timed when it ends)`);
    loadSpace(run.config.spaceFile);
  } finally {
    probe.close();
  }
  const store = Store.open(file);
  try {
    const run = store.requireRun(runId);
    const r = await quietPass(store, runId, loadSpace(run.config.spaceFile), { rounds, log: (l) => console.log(l) });
    console.log(quietSummary(r));
  } finally {
    store.close();
  }
}

export const quietSummary = (r: Awaited<ReturnType<typeof quietPass>>): string =>
  `quiet latency of ${r.measured} children in ${r.seconds.toFixed(0)} s: repeat-to-repeat spread (slowest / fastest round) median ${r.spread.toFixed(2)}×; ` +
  `in-search / quiet median ${r.searchOverQuiet.toFixed(2)}×`;
