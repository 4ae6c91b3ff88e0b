/** The picture of `nas plot --pareto`: every complete child of a multi-objective run, its front joined. */
import { UserError } from '../core/errors.js';
import { paretoPlotSvg } from '../export/pareto-plot.js';
import { runFront } from '../objectives/front.js';
import { OBJECTIVES } from '../objectives/objectives.js';
import type { RunRow, TrialRow } from '../store/types.js';

const AXIS: Record<string, string> = { accuracy: 'accuracy (reward), %', latency: 'latency, ms', params: 'parameters', 'mult-adds': 'mult-adds per image', cost: 'training seconds' };

export function paretoSvgOfRun(run: RunRow, trials: TrialRow[], xName?: string, yName?: string): string {
  const names = run.config.objectives?.names;
  if (!names || names.length < 2) throw new UserError(`run ${run.id} has one objective (started without --objectives): nas plot --run ${run.id} draws it`);
  const x = xName ?? names[1];
  const y = yName ?? 'accuracy';
  for (const [flag, n] of [['x', x], ['y', y]] as const) {
    if (!names.includes(n)) throw new UserError(`--${flag} ${n}: run ${run.id}'s objectives are ${names.join(', ')}`);
  }
  if (x === y) throw new UserError(`--x and --y are both ${x}`);
  // The front of the two objectives drawn (with more than two, the full front has members this plane hides).
  const pair = [x, y];
  const front = runFront(trials, pair);
  if (front.scored.length === 0) throw new UserError(`run ${run.id} has no complete child with ${pair.join(' and ')} measured yet`);
  const onFront = new Set(front.members.map((m) => m.trial.id));
  const scale = (n: string, v: number) => (n === 'accuracy' && run.config.evaluator.kind !== 'zero-cost' ? 100 * v : v);
  const lat = run.config.latency;
  return paretoPlotSvg({
    title: `run ${run.id}: ${run.config.strategy}, ${x} against ${y} — front of ${front.members.length} of ${front.scored.length} children`,
    subtitle: lat && pair.includes('latency') ? `latency on ${lat.backend}, batch ${lat.batch}, ${lat.threads} thread(s), ${lat.network === 'replay' ? 'replay network' : 'search network'}; hypervolume ${front.hypervolume.toPrecision(4)}` : `hypervolume ${front.hypervolume.toPrecision(4)}`,
    x: { label: AXIS[x], dir: OBJECTIVES[x].dir, log: x !== 'accuracy' },
    y: { label: AXIS[y], dir: OBJECTIVES[y].dir, log: y !== 'accuracy' },
    points: front.scored.map((m) => ({ id: m.trial.id, x: scale(x, m.values[0]), y: scale(y, m.values[1]), onFront: onFront.has(m.trial.id) })),
  }).svg;
}
