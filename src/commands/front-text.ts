/** The Pareto front of a multi-objective run as `nas show` prints it. */
import { rewardText, si, table } from '../core/format.js';
import type { RunFront } from '../objectives/front.js';
import { OBJECTIVES } from '../objectives/objectives.js';
import type { RunConfig, TrialRow } from '../store/types.js';

const arrow = (n: string) => (OBJECTIVES[n].dir === 'max' ? '↑' : '↓');

/** A value of objective `n` as a column shows it. */
export function objectiveText(n: string, v: number, evaluator: RunConfig['evaluator']): string {
  if (n === 'accuracy') return rewardText(v, evaluator);
  if (n === 'latency') return `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;
  if (n === 'cost') return `${v.toFixed(1)} s`;
  return si(v);
}

function latencyText(t: TrialRow): string {
  const l = t.metrics?.quietLatency ?? t.metrics?.latency;
  if (!l) return '-';
  const where = t.metrics?.quietLatency ? 'quiet' : 'search';
  return `${l.ms.toFixed(2)} [${l.q1Ms.toFixed(2)}–${l.q3Ms.toFixed(2)}] ${where}`;
}

export function frontLines(front: RunFront, config: RunConfig): string[] {
  const { names } = front;
  const latencyKnown = front.members.some((m) => m.trial.metrics?.latency);
  const lat = config.latency;
  const out = [
    `Pareto front (${names.map((n) => `${n} ${arrow(n)}`).join(', ')}): ${front.members.length} of ${front.scored.length} complete children; ` +
      `hypervolume ${front.hypervolume.toPrecision(4)} (reference ${names.map((n, i) => `${n} ${objectiveText(n, front.reference[i], config.evaluator)}`).join(', ')})`,
  ];
  if (lat) out.push(`latency: ${lat.backend}, batch ${lat.batch}, ${lat.threads} thread(s), median of ${lat.runs} runs after ${lat.warmup} warm-up, the ${lat.network === 'replay' ? 'replay network (nas train --preset small)' : "child's own network"}; [quartiles]`);
  out.push(table(
    ['trial', ...names.map((n) => `${n} ${arrow(n)}`), ...(latencyKnown && !names.includes('latency') ? ['latency ms'] : []), ...(latencyKnown ? ['latency [IQR], measured'] : []), 'params', 'mult-adds'],
    front.members.map((m) => [
      String(m.trial.id), ...m.values.map((v, i) => objectiveText(names[i], v, config.evaluator)),
      ...(latencyKnown && !names.includes('latency') ? [m.trial.metrics?.latency ? m.trial.metrics.latency.ms.toFixed(2) : '-'] : []),
      ...(latencyKnown ? [latencyText(m.trial)] : []), si(m.trial.params), si(m.trial.multAdds),
    ]),
  ));
  out.push(`replay any member with: nas train --run ${front.members[0]?.trial.runId ?? 'RUN'} --trial ID`);
  return out;
}
