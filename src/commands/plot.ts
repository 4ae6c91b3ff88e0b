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
import { hypervolumeSvgOfRuns, paretoSvgOfRun } from './pareto-svg.js';

export async function plotCommand(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, {
    verb: 'nas plot', usage: 'usage: nas plot --run RUN [--db FILE] [--out FILE] [--pareto [--x OBJ] [--y OBJ]]   (default runs/run-RUN.svg, runs/run-RUN-pareto.svg)\n       nas plot --hypervolume RUN,RUN,... [--db FILE] [--out FILE]   (default runs/hypervolume-RUN-RUN.svg)\n  --pareto       the Pareto front of a multi-objective run (x: its first cost objective, y: accuracy)\n  --hypervolume  each run\'s hypervolume against children evaluated, on one reference point',
    options: { run: { type: 'string' }, db: { type: 'string' }, out: { type: 'string' }, pareto: { type: 'boolean' }, x: { type: 'string' }, y: { type: 'string' }, hypervolume: { type: 'string' } }, positionals: { max: 1, name: 'RUN' },
  });
  if (!parsed) return;
  const { values: v, positionals } = parsed;
  if (v.hypervolume !== undefined) return plotHypervolume(v.hypervolume, v, positionals);
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

/** `nas plot --hypervolume 1,2`: the curves (SVG) and the table of hypervolume after k children (stdout). */
function plotHypervolume(list: string, v: { run?: string; db?: string; out?: string; pareto?: boolean }, positionals: string[]): void {
  if (v.run !== undefined || positionals.length > 0 || v.pareto) throw new UserError('--hypervolume takes its runs itself (--hypervolume 1,2), without --run or --pareto');
  const ids = list.split(',').map((x) => runIdOption(x.trim(), 'hypervolume'));
  if (new Set(ids).size !== ids.length) throw new UserError(`--hypervolume names a run twice: ${list}`);
  const out = v.out ?? join(runsDir, `hypervolume-${ids.join('-')}.svg`);
  checkOutputFile(out);
  const store = openReadOnly(v.db ?? defaultDb());
  try {
    const { svg, lines } = hypervolumeSvgOfRuns(ids.map((id) => ({ run: store.requireRun(id), trials: store.trials(id) })));
    writeOutputFile(out, svg);
    for (const l of lines) console.log(l);
    console.log(`wrote ${out}`);
  } finally {
    store.close();
  }
}
