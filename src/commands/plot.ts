/** `nas plot --run RUN`: an SVG of the run (rewards, best so far, baselines, replay curves). */
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { runsDir } from '../core/paths.js';
import { runPlotSvg } from '../export/run-plot.js';
import { rungLabel } from '../search/ladder.js';
import { parseCommand } from './args.js';
import { checkOutputFile, writeOutputFile } from './output-file.js';
import { defaultDb, runIdOption } from './options.js';
import { openReadOnly } from './runs.js';

export async function plotCommand(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, {
    verb: 'nas plot', usage: 'usage: nas plot --run RUN [--db FILE] [--out FILE]   (default runs/run-RUN.svg)',
    options: { run: { type: 'string' }, db: { type: 'string' }, out: { type: 'string' } }, positionals: { max: 1, name: 'RUN' },
  });
  if (!parsed) return;
  const { values: v, positionals } = parsed;
  if (v.run !== undefined && positionals[0] !== undefined) throw new UserError(`give the run once: --run ${v.run} or ${positionals[0]}, not both`);
  const runId = v.run !== undefined ? runIdOption(v.run) : runIdOption(positionals[0], 'RUN');
  const out = v.out ?? join(runsDir, `run-${runId}.svg`);
  checkOutputFile(out);
  const store = openReadOnly(v.db ?? defaultDb());
  try {
    const run = store.requireRun(runId);
    const svg = runPlotSvg({
      title: `run ${run.id}: ${run.config.strategy} on ${run.config.space}, ${run.config.dataset}`,
      trials: store.trials(runId),
      replays: store.replays(runId).map((r) => ({ label: r.label, curve: store.curve({ replayId: r.id }), testAccuracy: r.testAccuracy })),
      rungs: run.config.ladder && store.rungs(runId).filter((r) => r.status === 'complete').map((r) => ({
        trialId: r.trialId, rung: r.rung, reward: r.reward, label: rungLabel(run.config.ladder!, r.rung),
      })),
    });
    writeOutputFile(out, svg);
    console.log(`wrote ${out}`);
  } finally {
    store.close();
  }
}
