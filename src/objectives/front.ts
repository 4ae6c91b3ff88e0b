/**
 * The Pareto front of a run, read off its trials: the non-dominated complete children (baselines
 * and refused children left out), their hypervolume, and (frontCurve) the hypervolume after each
 * child in the order they finished — the measure of a multi-objective run over its budget.
 */
import type { TrialRow } from '../store/types.js';
import { isRejected } from '../search/objectives.js';
import { paretoFront } from './pareto.js';
import { hypervolume, hypervolumeCurve } from './hypervolume.js';
import { directions, objectiveValues, OBJECTIVES } from './objectives.js';

export interface FrontMember {
  trial: TrialRow;
  /** Objective values in the run's order. */
  values: number[];
}

export interface RunFront {
  names: string[];
  members: FrontMember[];
  /** Children with every objective measured, in the order they finished. */
  scored: FrontMember[];
  reference: number[];
  hypervolume: number;
}

/** The children of a run that count: search trials, complete, every objective known, in finishing order. */
export function scoredChildren(trials: TrialRow[], names: string[]): FrontMember[] {
  return trials
    .filter((t) => t.baseline === null && t.status === 'complete' && !isRejected(t))
    .sort((a, b) => (a.finishedAt ?? '').localeCompare(b.finishedAt ?? '') || a.id - b.id)
    .flatMap((trial) => {
      const values = objectiveValues(trial, names);
      return values ? [{ trial, values }] : [];
    });
}

/**
 * The hypervolume's reference point: 0 for accuracy (and every 'max' objective), and for a cost
 * 1.1 × the largest value among `pools` — give every run of a comparison so they share it.
 */
export function referencePoint(names: string[], pools: FrontMember[][]): number[] {
  return names.map((n, i) => {
    if (OBJECTIVES[n].dir === 'max') return 0;
    let worst = 0;
    for (const pool of pools) for (const m of pool) worst = Math.max(worst, m.values[i]);
    return 1.1 * worst;
  });
}

export function runFront(trials: TrialRow[], names: string[], reference?: number[]): RunFront {
  const scored = scoredChildren(trials, names);
  const dirs = directions(names);
  const ref = reference ?? referencePoint(names, [scored]);
  const points = scored.map((m) => m.values);
  const members = paretoFront(points, dirs).map((i) => scored[i]);
  // The front sorted by its first cost objective, cheapest first.
  members.sort((a, b) => a.values[1] - b.values[1] || b.values[0] - a.values[0]);
  return { names, members, scored, reference: ref, hypervolume: hypervolume(points, dirs, ref) };
}

/** Hypervolume after the k-th scored child, k = 1..n (apart from runFront: the dashboard redraws the front often and needs no curve). */
export function frontCurve(front: RunFront): number[] {
  return hypervolumeCurve(front.scored.map((m) => m.values), directions(front.names), front.reference);
}
