/**
 * Regularized (aging) evolution — Real, Aggarwal, Huang & Le 2019, "Regularized Evolution for
 * Image Classifier Architecture Search" (AmoebaNet), Algorithm 1, after google-research's reference notebook:
 *
 *   population ← P random architectures (trained);
 *   repeat: sample S members uniformly; parent ← the best of the sample;
 *           child ← mutate(parent); train child; add it; remove the OLDEST member.
 *
 * Removing the oldest rather than the worst is the "regularization": an architecture survives only
 * by having good descendants, which favours architectures that retrain well.
 *
 * NOTE: steady-state and asynchronous, as in the paper's distributed setup: ask() never waits for
 * results. The first P proposals are random; after that, mutations of whatever members have come
 * back. If no member has come back yet, more random samples are proposed rather than idling a worker.
 * NOTE: the paper's identity mutation is left out — with de-duplication it would only re-propose
 * the parent; the two real mutations (op, input) come from space.mutate().
 * NOTE: a failed child (reward null) never joins the population.
 * Multi-fidelity (successive halving / Hyperband): a member keeps its reward at every rung it
 * reached; a later rung updates the member in place (it neither ages the population nor joins it
 * twice). The tournament compares two members at the highest rung both reached — like with like —
 * and, when they share none, prefers the one known at the higher rung (it earned its promotion).
 * NOTE: a departure from the paper, which has one fidelity; as in evolution with successive halving
 * of NASLib / "Regularized evolution with SH" setups, promotions refine the rewards members hold.
 *
 * Multi-objective (`--objectives accuracy,latency`): the tournament is NSGA-II's (Deb, Pratap, Agarwal
 * & Meyarivan 2002, "A Fast and Elitist Multiobjective Genetic Algorithm: NSGA-II", §III): of the S
 * sampled members the winner has the lowest non-domination rank within the population, ties broken
 * by the larger crowding distance. Members carry their objective vector (every objective larger-is-
 * better, as the loop tells it).
 * NOTE: NSGA-II's (μ+λ) survivor selection by rank is not used: the population still ages (the oldest
 * member leaves), so the regularization of Real et al. is kept and only parent choice is Pareto-aware
 * — the reverse of LEMONADE (Elsken, Metzen & Hutter 2019), which keeps the Pareto front as the
 * population. A member's vector holds its highest rung's accuracy in a multi-fidelity run.
 */
import { createRng, randInt, restoreRng, type StatefulRng } from '../core/rng.js';
import { UserError } from '../core/errors.js';
import type { Genotype, SearchSpace } from '../space/types.js';
import type { Observation, Proposal, Strategy, StrategyContext } from './types.js';
import { MAX_DRAWS } from './unseen.js';
import { nsgaRank } from '../objectives/pareto.js';

interface Member {
  trialId: number;
  genotype: Genotype;
  /** The reward at the highest rung reached (the only one in a single-fidelity run). */
  reward: number;
  /** Multi-fidelity: the reward at each rung reached, by rung. */
  rungs?: Record<number, number>;
  /** Multi-objective: every objective, larger-is-better. */
  objectives?: number[];
}

interface EvolutionState {
  rng: object;
  proposed: number;
  population: Member[];
  seen: string[];
  /** Warm-up cells not yet proposed (absent before the warm-up existed). */
  warm?: Genotype[];
}

export class RegularizedEvolution implements Strategy {
  readonly name = 'evolution';
  readonly paretoAware = true;
  /** P: population size. */
  readonly populationSize: number;
  /** S: tournament (sample) size. */
  readonly sampleSize: number;
  private rng: StatefulRng;
  private proposed = 0;
  private population: Member[] = [];
  private seen = new Set<string>();
  private warm: Genotype[] = [];
  private readonly space: SearchSpace;
  private readonly allowDuplicates: boolean;

  constructor(ctx: StrategyContext) {
    this.space = ctx.space;
    this.allowDuplicates = ctx.allowDuplicates ?? false;
    this.populationSize = positiveInt(ctx.options.population ?? 50, 'population');
    this.sampleSize = positiveInt(ctx.options.sample ?? 10, 'sample');
    this.rng = createRng(`evolution:${ctx.seed}`);
  }

  ask(): Proposal | undefined {
    const mutating = this.proposed >= this.populationSize && this.population.length > 0;
    for (let i = 0; i < MAX_DRAWS; i++) {
      // The initial population: the warm-up's cells first (Abdelfattah et al. 2021's warm-up), then random ones.
      const warm = !mutating && this.warm.length > 0 ? this.warm.shift() : undefined;
      const proposal = warm ? { genotype: warm, origin: 'warmup' } : mutating ? this.mutateTournamentWinner() : { genotype: this.space.sample(this.rng), origin: 'random' };
      const key = this.space.key(proposal.genotype);
      if (this.allowDuplicates || !this.seen.has(key)) {
        this.seen.add(key);
        this.proposed++;
        return proposal;
      }
    }
    return undefined;
  }

  tell(obs: Observation): void {
    if (obs.reward === null || !Number.isFinite(obs.reward)) return;
    if (obs.rung !== undefined) {
      const member = this.population.find((m) => m.trialId === obs.trialId);
      if (member) {
        member.rungs = { ...member.rungs, [obs.rung]: obs.reward };
        member.reward = obs.reward;
        if (obs.objectives) member.objectives = obs.objectives;
        return;
      }
    }
    this.population.push({
      trialId: obs.trialId, genotype: obs.genotype, reward: obs.reward,
      ...(obs.rung !== undefined ? { rungs: { [obs.rung]: obs.reward } } : {}), ...(obs.objectives ? { objectives: obs.objectives } : {}),
    });
    // Aging: once full, every newcomer pushes out the oldest member.
    if (this.population.length > this.populationSize) this.population.shift();
  }

  warmStart(cells: Genotype[]): void {
    this.warm = cells.slice(0, this.populationSize);
  }

  state(): EvolutionState {
    return { rng: this.rng.state(), proposed: this.proposed, population: this.population, seen: [...this.seen], warm: this.warm };
  }

  restore(state: unknown): void {
    const s = state as EvolutionState;
    this.rng = restoreRng(s.rng);
    this.proposed = s.proposed;
    this.population = s.population.map((m) => ({ ...m }));
    this.seen = new Set(s.seen);
    this.warm = s.warm ?? [];
  }

  /** Rank and crowding of every member when every member has an objective vector (a multi-objective run). */
  private paretoStanding(): { rank: number[]; crowding: number[] } | undefined {
    if (!this.population.every((m) => m.objectives)) return undefined;
    const points = this.population.map((m) => m.objectives!);
    return nsgaRank(points, points[0].map(() => 'max' as const));
  }

  /** Samples S members with replacement (as the reference code does) and mutates the best. */
  private mutateTournamentWinner(): Proposal {
    const pareto = this.paretoStanding();
    const beats = (a: number, b: number) => (pareto ? paretoBetter(pareto, a, b) : better(this.population[a], this.population[b]));
    let parentAt = randInt(this.rng, this.population.length);
    for (let i = 1; i < this.sampleSize; i++) {
      const candidate = randInt(this.rng, this.population.length);
      if (beats(candidate, parentAt)) parentAt = candidate;
    }
    const parent = this.population[parentAt];
    const { genotype, mutation } = this.space.mutate(parent.genotype, this.rng);
    return { genotype, parentId: parent.trialId, mutation, origin: 'mutation' };
  }
}

/** a beats b in NSGA-II's crowded comparison: lower rank, or the same rank and more crowding distance. */
function paretoBetter(s: { rank: number[]; crowding: number[] }, a: number, b: number): boolean {
  return s.rank[a] < s.rank[b] || (s.rank[a] === s.rank[b] && s.crowding[a] > s.crowding[b]);
}

/** a beats b: on reward in one fidelity; at the highest rung both reached in a ladder, else by rung. */
function better(a: Member, b: Member): boolean {
  if (!a.rungs || !b.rungs) return a.reward > b.reward;
  const common = Object.keys(a.rungs).map(Number).filter((r) => r in b.rungs!);
  if (common.length > 0) {
    const r = Math.max(...common);
    return a.rungs[r] > b.rungs[r];
  }
  return Math.max(...Object.keys(a.rungs).map(Number)) > Math.max(...Object.keys(b.rungs).map(Number));
}

function positiveInt(value: number | string | boolean, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--${name} must be a positive integer, got ${String(value)}`);
  return n;
}
