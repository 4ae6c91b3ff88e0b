/** The one place a TrainTask is made: what an evaluator needs to train (or look up) one trial of a run, at one rung. */
import type { TrainTask } from '../evaluators/types.js';
import type { RunConfig, TrialRow } from '../store/types.js';
import { canContinue } from '../training/train-cell.js';
import type { Ladder } from './ladder.js';
import { hasConstraints } from '../objectives/objectives.js';

export interface RungOf {
  rung: number;
  ladder: Ladder;
  /** The lower rung's trained state, when this rung continues it. */
  from?: Uint8Array;
}

/** `first`: the trial's first unit (its latency is measured and its constraints checked there, once). */
export function taskFor(config: RunConfig, runId: number, trial: Pick<TrialRow, 'id' | 'number' | 'genotype'>, at?: RungOf, first = true): TrainTask {
  const task: TrainTask = {
    runId, trialId: trial.id, genotype: trial.genotype, spaceFile: config.spaceFile, macro: config.macro, proxy: config.proxy,
    dataset: config.dataset, datasetHash: config.datasetHash,
    // Each child its own seed, fixed by the run's: the same run gives the same children.
    seed: config.seed + trial.number, backend: config.backend, ...(config.regulariser ? { regulariser: config.regulariser } : {}),
    ...(first && config.latency ? { latency: config.latency } : {}),
    ...(first && hasConstraints(config.objectives?.constraints) ? { constraints: config.objectives!.constraints } : {}),
  };
  if (!at) return task;
  task.rung = at.rung;
  const rungs = at.ladder.fidelities;
  if (!rungs) return task; // a table: the rung picks the column
  task.fidelity = rungs[at.rung];
  // Continue the lower rung's training when only the epochs grow; a rung of another size trains afresh.
  if (at.from && at.rung > 0 && canContinue(rungs[at.rung - 1], rungs[at.rung])) task.from = Buffer.from(at.from).toString('base64');
  task.keepState = at.rung + 1 < rungs.length && canContinue(rungs[at.rung], rungs[at.rung + 1]);
  return task;
}
