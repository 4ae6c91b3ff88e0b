/**
 * The strategy contract (Optuna's sampler / NNI's strategy): ask() / tell() / state() / restore().
 * A strategy never sees a network, a trainer or the store.
 */
import type { Rng } from '../core/rng.js';
import type { Genotype, Mutation, SearchSpace } from '../space/types.js';

/** What a strategy proposes; parent and mutation become the trial's lineage. */
export interface Proposal {
  genotype: Genotype;
  /** Trial id of the parent (mutation-based strategies). */
  parentId?: number | null;
  mutation?: Mutation | null;
  /** 'random' | 'mutation' | 'controller' | 'predictor' | 'baseline' ... */
  origin: string;
}

/** A finished trial, told back to the strategy that proposed it. */
export interface Observation {
  trialId: number;
  genotype: Genotype;
  /** null when the child failed or its reward is not a finite number: skip it. */
  reward: number | null;
  /**
   * Multi-fidelity runs: the rung the reward was measured at. A child is told once per rung it
   * completes (rung 0 first, or its Hyperband bracket's first rung); rewards at different rungs
   * are different numbers (more training), so each strategy says how it uses them.
   */
  rung?: number;
  /**
   * Multi-objective runs (`--objectives`): the child's objective values in the run's order, every one
   * larger-is-better (costs negated). A Pareto-aware strategy (evolution) uses them; the others are
   * told MnasNet's scalarised reward in `reward` instead (src/objectives/objectives.ts).
   */
  objectives?: number[];
}

/**
 * A search strategy (Optuna's sampler / NNI's strategy). `ask()` returns undefined when it
 * cannot propose anything until more results arrive (or it has exhausted the space).
 * state()/restore() round-trip through JSON so a run resumes with the same next proposals.
 */
export interface Strategy {
  readonly name: string;
  /** True when tell() uses Observation.objectives (non-dominated ranking) rather than one reward. */
  readonly paretoAware?: boolean;
  ask(): Proposal | undefined;
  tell(obs: Observation): void;
  state(): unknown;
  restore(state: unknown): void;
  /** Optional resource release (tfjs variables of controllers / predictors). */
  dispose?(): void;
  /**
   * Zero-cost warm-up (`--warmup`, Abdelfattah et al. 2021 §5): cells a zero-cost estimator ranked
   * best, best first. They become the strategy's first proposals (evolution: its initial population;
   * random and REINFORCE: the first batch; SMBO: cells its predictor is first fitted on).
   */
  warmStart?(cells: Genotype[]): void;
  /** A candidate for the warm-up to score: a cell this strategy can take back (default: space.sample). */
  warmCandidate?(rng: Rng): Genotype;
}

export interface StrategyContext {
  space: SearchSpace;
  seed: number;
  /** Strategy options from the command line, already parsed. */
  options: Record<string, number | string | boolean>;
  /** Allow duplicate proposals (default false). */
  allowDuplicates?: boolean;
  /** Log lines a strategy wants to show (e.g. SMBO's rank correlation per round). */
  log?: (line: string) => void;
}
