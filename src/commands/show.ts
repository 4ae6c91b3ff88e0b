/** `nas show RUN`: the top trials of a run (baselines ranked with them), the best cell and its ancestry. */
import { Store } from '../store/store.js';
import { parseCommand } from './args.js';
import type { TrialRow } from '../store/types.js';
import { defaultDb, intOption, runIdOption } from './options.js';
import { duration, rewardText, si, table } from '../core/format.js';
import { flagStale, openReadOnly, STALE_NOTE, statusOf } from './runs.js';
import { cellLines } from './cell-text.js';
import { describeLadder } from '../search/ladder.js';
import { replayTable, withCurves } from './replays.js';
import { runFront } from '../objectives/front.js';
import { frontLines } from './front-text.js';

export async function showCommand(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, {
    verb: 'nas show', usage: 'usage: nas show RUN [--db FILE] [--top N] [--json]\n  --top N   trials ranked (default 10)\n  --json    the run as JSON on stdout',
    options: { db: { type: 'string' }, top: { type: 'string' }, json: { type: 'boolean' } }, positionals: { max: 1, name: 'RUN' },
  });
  if (!parsed) return;
  const { values, positionals } = parsed;
  const runId = runIdOption(positionals[0], 'RUN');
  const top = intOption(values.top, 'top', 10, 1, 100_000);
  const store = openReadOnly(values.db ?? defaultDb());
  try {
    console.log(renderRun(store, runId, top, values.json ?? false));
  } finally {
    store.close();
  }
}

/** The text of `nas show` (or its JSON), for a run in an open store. */
export function renderRun(store: Store, runId: number, top: number, json = false): string {
  const [run] = flagStale([store.requireRun(runId)]);
  // Every trial row of the run is read (and so checked), not only those shown: a damaged one is refused.
  store.trials(runId);
  const best = store.bestTrial(runId);
  const ancestry = best ? store.ancestry(best.id) : [];
  const ranked = store.topTrials(runId, top, { baselines: true });
  const replays = withCurves(store, store.replays(runId));
  const objectives = run.config.objectives && run.config.objectives.names.length > 1 ? run.config.objectives.names : undefined;
  const front = objectives && runFront(store.trials(runId), objectives);
  if (json) {
    const frontJson = front && { names: front.names, reference: front.reference, hypervolume: front.hypervolume, members: front.members.map((m) => ({ trialId: m.trial.id, values: m.values })) };
    return JSON.stringify({ run, top: ranked, best, ancestry, replays, ...(run.config.ladder ? { rungs: store.rungs(runId) } : {}), ...(frontJson ? { front: frontJson } : {}) }, null, 2);
  }
  const c = run.config;
  const out: string[] = [];
  out.push(`run ${run.id} — ${statusOf(run)}: ${c.strategy} on ${c.space}, dataset ${c.dataset}, seed ${c.seed}, backend ${run.backend ?? c.backend}`);
  out.push(`trials: ${store.countTrials(runId, 'complete')} complete, ${store.countTrials(runId, 'failed')} failed, ${store.countTrials(runId, 'running') + store.countTrials(runId, 'interrupted')} unfinished, budget ${c.budget}`);
  const ladder = c.ladder;
  if (ladder) {
    const rungs = store.rungs(runId);
    const per = Array.from({ length: ladder.rungs }, (_, r) => rungs.filter((x) => x.rung === r));
    out.push(`rungs (${describeLadder(ladder)}): ` + per.map((rows, r) => `${r}: ${rows.filter((x) => x.status === 'complete').length} complete` +
      `${rows.some((x) => x.status === 'failed') ? `, ${rows.filter((x) => x.status === 'failed').length} failed` : ''}` +
      `${rows.some((x) => x.status === 'running' || x.status === 'interrupted') ? `, ${rows.filter((x) => x.status === 'running' || x.status === 'interrupted').length} unfinished` : ''}`).join(' · ') +
      '; ranked by the highest rung reached, then reward');
  }
  out.push('');
  out.push(
    table(
      ['rank', 'trial', ...(ladder ? ['rung'] : []), 'reward', 'params', 'mult-adds', 'time', 'parent', 'how'],
      ranked.map((t, i) => [String(i + 1), String(t.id) + (t.baseline ? ` [${t.baseline}]` : ''), ...(ladder ? [String(t.rung ?? 0)] : []), rewardText(t.reward, c.evaluator), si(t.params), si(t.multAdds), duration(t.seconds), t.parentId ? String(t.parentId) : '-', how(t)]),
    ),
  );
  if (front) out.push('', ...frontLines(front, c));
  if (best) {
    out.push('', `best trial ${best.id} (reward ${rewardText(best.reward, c.evaluator)}${ladder ? ` at rung ${best.rung ?? 0}` : ''}):`, ...cellLines(best.genotype).map((l) => '  ' + l));
    out.push('', `ancestry of trial ${best.id} (${ancestry.length - 1} generation(s) of mutation):`);
    for (const t of ancestry) out.push(`  trial ${String(t.id).padEnd(5)} ${rewardText(t.reward, c.evaluator).padStart(7)}  ${how(t)}`);
  }
  if (replays.length > 0) out.push('', `replays of run ${run.id} (nas train; an unfinished one continues with --resume):`, replayTable(replays));
  if (run.stale) out.push('', STALE_NOTE);
  return out.join('\n');
}

function how(t: TrialRow): string {
  if (t.baseline) return `baseline ${t.baseline}`;
  if (t.mutation) return `${t.mutation.kind} mutation: ${t.mutation.detail}`;
  return t.origin;
}
