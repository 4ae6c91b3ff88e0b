/** The picture of `nas plot --pareto`: every complete child of a multi-objective run, its front joined. */
import { UserError } from '../core/errors.js';
import { hypervolumeCurveSvg, paretoPlotSvg } from '../export/pareto-plot.js';
import { frontCurve, referencePoint, runFront, scoredChildren } from '../objectives/front.js';
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

/**
 * `nas plot --hypervolume 1,2`: the hypervolume of each run's children against children evaluated,
 * every run on the same reference point (the worst cost among all of them), so the curves compare.
 */
export function hypervolumeSvgOfRuns(runs: Array<{ run: RunRow; trials: TrialRow[] }>): { svg: string; lines: string[] } {
  const names = runs[0].run.config.objectives?.names;
  for (const { run } of runs) {
    const n = run.config.objectives?.names;
    if (!n || n.length < 2) throw new UserError(`run ${run.id} has one objective (started without --objectives)`);
    if (n.join(',') !== names!.join(',')) throw new UserError(`runs ${runs[0].run.id} and ${run.id} have different objectives (${names!.join(',')} vs ${n.join(',')}): their hypervolumes do not compare`);
  }
  const scored = runs.map((r) => scoredChildren(r.trials, names!));
  const reference = referencePoint(names!, scored);
  const fronts = runs.map((r) => runFront(r.trials, names!, reference));
  const curves = fronts.map(frontCurve);
  const label = (r: RunRow) => `run ${r.id} ${r.config.strategy}`;
  const svg = hypervolumeCurveSvg({
    title: `hypervolume of (${names!.join(', ')}) against children evaluated`,
    subtitle: `reference ${names!.map((n, i) => `${n} ${reference[i].toPrecision(4)}`).join(', ')}; latencies as the front uses them (quiet pass where measured)`,
    xLabel: 'children evaluated',
    series: curves.map((c, i) => ({ label: label(runs[i].run), points: c.map((y, k) => ({ x: k + 1, y })) })),
  });
  const at = (c: number[], k: number) => (c.length >= k ? c[k - 1].toPrecision(4) : '-');
  const marks = [25, 50, 100, 150, 200].filter((k) => curves.some((c) => c.length >= k));
  const lines = [
    `hypervolume after k children (reference ${names!.map((n, i) => `${n} ${reference[i].toPrecision(4)}`).join(', ')})`,
    ['run', ...marks.map((k) => `k=${k}`), 'final', 'front'].join('\t'),
    ...fronts.map((f, i) => [label(runs[i].run), ...marks.map((k) => at(curves[i], k)), f.hypervolume.toPrecision(4), `${f.members.length}/${f.scored.length}`].join('\t')),
  ];
  return { svg, lines };
}
