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
import { paretoSvgOfRun } from './pareto-svg.js';

export async function plotCommand(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, {
    verb: 'nas plot', usage: 'usage: nas plot --run RUN [--db FILE] [--out FILE] [--pareto [--x OBJ] [--y OBJ]]   (default runs/run-RUN.svg, runs/run-RUN-pareto.svg)\n  --pareto  the Pareto front of a multi-objective run (x: its first cost objective, y: accuracy)',
    options: { run: { type: 'string' }, db: { type: 'string' }, out: { type: 'string' }, pareto: { type: 'boolean' }, x: { type: 'string' }, y: { type: 'string' } }, positionals: { max: 1, name: 'RUN' },
  });
  if (!parsed) return;
  const { values: v, positionals } = parsed;
  if (v.run !== undefined && positionals[0] !== undefined) throw new UserError(`give the run once: --run ${v.run} or ${positionals[0]}, not both`);
  const runId = v.run !== undefined ? runIdOption(v.run) : runIdOption(positionals[0], 'RUN');
  if (!v.pareto && (v.x !== undefined || v.y !== undefined)) throw new UserError(`--${v.x !== undefined ? 'x' : 'y'} chooses an axis of --pareto`);
  const out = v.out ?? join(runsDir, v.pareto ? `run-${runId}-pareto.svg` : `run-${runId}.svg`);
  checkOutputFile(out);
  const store = openReadOnly(v.db ?? defaultDb());
  try {
    const run = store.requireRun(runId);
    if (v.pareto) {
      writeOutputFile(out, paretoSvgOfRun(run, store.trials(runId), v.x, v.y));
      console.log(`wrote ${out}`);
      return;
    }
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
