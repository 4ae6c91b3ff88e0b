/**
 * What the loop tells a strategy in a multi-objective run: a Pareto-aware strategy gets the child's
 * objective vector (larger-is-better), the others MnasNet's scalarised reward (src/objectives/).
 */
import type { Strategy, Observation } from '../strategies/types.js';
import type { RunConfig, TrialRow } from '../store/types.js';
import { asMaximised, mnasTargets, objectiveValues, scalarised, type ObjectiveSource } from '../objectives/objectives.js';

/** A child a constraint refused before training (stored failed, with why; not a child of the budget). */
export const isRejected = (t: Pick<TrialRow, 'metrics'>): boolean => t.metrics?.extra?.rejected === 1;

/** reward (and objectives) to tell for a trial's unit with this reward. */
export type Teller = (trialId: number, reward: number | null) => Pick<Observation, 'reward' | 'objectives'>;

/**
 * `row` reads the trial as stored (latency and size were measured at its first unit); it is only
 * called in a multi-objective run, so a plain one reads nothing more per result.
 */
export function rewardTeller(config: RunConfig, strategy: Strategy, row: (trialId: number) => ObjectiveSource): Teller {
  const cfg = config.objectives;
  if (!cfg || cfg.names.length < 2) return (_id, reward) => ({ reward });
  const targets = strategy.paretoAware ? undefined : mnasTargets(cfg, strategy.name);
  return (trialId, reward) => {
    const t = { ...row(trialId), reward };
    const values = reward === null ? undefined : objectiveValues(t, cfg.names);
    if (!values) return { reward: null };
    return targets ? { reward: scalarised(values, cfg.names, targets) } : { reward: t.reward, objectives: asMaximised(values, cfg.names) };
  };
}
