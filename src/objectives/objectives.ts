/**
 * The objectives of a hardware-aware search (`--objectives accuracy,latency`) and its constraints
 * (`--max-latency-ms`, `--max-params`, `--max-mult-adds`), as plain data in the run config.
 * An objective is one registry entry: its direction and how to read it off a finished trial.
 */
import { UserError } from '../core/errors.js';
import type { TrialMetrics } from '../evaluators/types.js';
import type { Direction } from './pareto.js';

export interface ObjectiveDef {
  dir: Direction;
  /** What the column means, for --help and tables. */
  about: string;
  unit: string;
  /** The value of a finished trial; undefined when it was not measured. */
  read(t: ObjectiveSource): number | undefined;
}

/** What an objective is read from: a trial row's fields. */
export interface ObjectiveSource {
  reward: number | null;
  params: number | null;
  multAdds: number | null;
  metrics: TrialMetrics | null;
}

const finite = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? undefined : v);

export const OBJECTIVES: Record<string, ObjectiveDef> = {
  accuracy: { dir: 'max', about: 'the reward (validation accuracy at the run\'s fidelity)', unit: '', read: (t) => finite(t.reward) },
  latency: { dir: 'min', about: 'measured inference latency, ms (--latency-backend, --latency-batch)', unit: 'ms', read: (t) => finite((t.metrics?.quietLatency ?? t.metrics?.latency)?.ms) },
  params: { dir: 'min', about: 'trainable and BN parameters', unit: '', read: (t) => finite(t.params) },
  'mult-adds': { dir: 'min', about: 'multiply-adds per image', unit: '', read: (t) => finite(t.multAdds) },
  // A table's cost column (NAS-Bench-201's training time), or a trained child's wall seconds.
  cost: { dir: 'min', about: 'training seconds of the child (a table: its cost column)', unit: 's', read: (t) => finite(t.metrics?.seconds) },
};

export interface Constraints {
  maxLatencyMs?: number;
  maxParams?: number;
  maxMultAdds?: number;
}

/** The run config's multi-objective part. */
export interface ObjectivesConfig {
  /** Objective names, accuracy first. */
  names: string[];
  constraints: Constraints;
}

/** `accuracy,latency`: known names, no repeats, accuracy among them (it is what a child is trained for). */
export function parseObjectives(spec: string): string[] {
  const names = spec.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!(n in OBJECTIVES)) throw new UserError(`--objectives: unknown objective "${n}" (known: ${Object.keys(OBJECTIVES).join(', ')})`);
  }
  if (new Set(names).size !== names.length) throw new UserError(`--objectives names an objective twice: "${spec}"`);
  if (!names.includes('accuracy')) throw new UserError(`--objectives must include accuracy (the reward children are trained for), got "${spec}"`);
  if (names.length < 2) throw new UserError('--objectives needs accuracy and at least one other objective (latency, params, mult-adds, cost); a single objective is the plain search');
  return ['accuracy', ...names.filter((n) => n !== 'accuracy')];
}

export const directions = (names: string[]): Direction[] => names.map((n) => OBJECTIVES[n].dir);

/** The trial's objective values in `names` order, or undefined when one is missing (a failed child). */
export function objectiveValues(t: ObjectiveSource, names: string[]): number[] | undefined {
  const out: number[] = [];
  for (const n of names) {
    const v = OBJECTIVES[n].read(t);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

/** Larger-is-better form (min objectives negated): what a Pareto-aware strategy is told. */
export const asMaximised = (values: number[], names: string[]): number[] => values.map((v, i) => (OBJECTIVES[names[i]].dir === 'max' ? v : -v));

/** The constraint a child breaks, as one line, or undefined. */
export function violation(c: Constraints, m: { params?: number; multAdds?: number; latencyMs?: number }): string | undefined {
  if (c.maxParams !== undefined && m.params !== undefined && m.params > c.maxParams) return `${m.params.toLocaleString('en')} params > --max-params ${c.maxParams.toLocaleString('en')}`;
  if (c.maxMultAdds !== undefined && m.multAdds !== undefined && m.multAdds > c.maxMultAdds) return `${m.multAdds.toLocaleString('en')} mult-adds > --max-mult-adds ${c.maxMultAdds.toLocaleString('en')}`;
  if (c.maxLatencyMs !== undefined && m.latencyMs !== undefined && m.latencyMs > c.maxLatencyMs) return `${m.latencyMs.toFixed(3)} ms > --max-latency-ms ${c.maxLatencyMs}`;
  return undefined;
}

/** `--max-params 500000, --max-latency-ms 4`: the constraints set, for messages. */
export function constraintText(c: Constraints): string {
  return [
    c.maxParams !== undefined && `--max-params ${c.maxParams}`, c.maxMultAdds !== undefined && `--max-mult-adds ${c.maxMultAdds}`, c.maxLatencyMs !== undefined && `--max-latency-ms ${c.maxLatencyMs}`,
  ].filter(Boolean).join(', ');
}

export const hasConstraints = (c: Constraints | undefined): boolean => !!c && (c.maxLatencyMs !== undefined || c.maxParams !== undefined || c.maxMultAdds !== undefined);

/**
 * MnasNet's weighted product (Tan et al. 2019, "MnasNet: Platform-Aware Neural Architecture Search
 * for Mobile", Eq. 2): reward = ACC × Π (value / target)^w with w = −0.07, the paper's soft
 * constraint (α = β = −0.07). The target of each cost objective is its --max-… constraint.
 * For strategies that learn from one number (REINFORCE, SMBO; random ignores rewards).
 * NOTE: the paper has one cost objective (latency); more are multiplied in the same form.
 */
export const MNAS_W = -0.07;

export function scalarised(values: number[], names: string[], targets: Record<string, number>): number {
  let r = values[0];
  for (let i = 1; i < names.length; i++) r *= Math.pow(values[i] / targets[names[i]], MNAS_W);
  return r;
}

/** The MnasNet target of every cost objective: its constraint; UserError naming the missing one. */
export function mnasTargets(cfg: ObjectivesConfig, strategy: string): Record<string, number> {
  const byName: Record<string, number | undefined> = { latency: cfg.constraints.maxLatencyMs, params: cfg.constraints.maxParams, 'mult-adds': cfg.constraints.maxMultAdds };
  const out: Record<string, number> = {};
  for (const n of cfg.names.slice(1)) {
    const t = byName[n];
    if (t === undefined) {
      const flag = n === 'latency' ? '--max-latency-ms' : n === 'cost' ? undefined : `--max-${n}`;
      if (!flag) throw new UserError(`--strategy ${strategy} learns from one number: objective cost has no target to weigh it against; use --strategy evolution or random for it`);
      throw new UserError(`--strategy ${strategy} learns from one number (MnasNet's accuracy × (${n}/target)^−0.07): give the target with ${flag}`);
    }
    out[n] = t;
  }
  return out;
}
