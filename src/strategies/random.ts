/**
 * Random search: uniform samples from the space. The baseline every NAS comparison reports
 * (Li & Talwalkar 2019, "Random Search and Reproducibility for NAS"; Dong & Yang 2020, NAS-Bench-201).
 */
import { createRng, restoreRng, type StatefulRng } from '../core/rng.js';
import type { Observation, Proposal, Strategy, StrategyContext } from './types.js';
import type { Genotype, SearchSpace } from '../space/types.js';
import { sampleUnseen } from './unseen.js';

interface RandomState {
  rng: object;
  seen: string[];
  /** Warm-up cells not yet proposed. */
  warm?: Genotype[];
}

export class RandomSearch implements Strategy {
  readonly name = 'random';
  /** It learns nothing from rewards: a multi-objective random search's result is the front of what it sampled. */
  readonly paretoAware = true;
  private rng: StatefulRng;
  private seen = new Set<string>();
  private warm: Genotype[] = [];
  private readonly space: SearchSpace;
  private readonly allowDuplicates: boolean;

  constructor(ctx: StrategyContext) {
    this.space = ctx.space;
    this.allowDuplicates = ctx.allowDuplicates ?? false;
    this.rng = createRng(`random:${ctx.seed}`);
  }

  ask(): Proposal | undefined {
    while (this.warm.length > 0) {
      const g = this.warm.shift()!;
      const key = this.space.key(g);
      if (this.allowDuplicates || !this.seen.has(key)) {
        this.seen.add(key);
        return { genotype: g, origin: 'warmup' };
      }
    }
    const genotype = sampleUnseen(() => this.space.sample(this.rng), this.space, this.seen, this.allowDuplicates);
    return genotype && { genotype, origin: 'random' };
  }

  /** The first batch: the warm-up's best cells, then uniform samples. */
  warmStart(cells: Genotype[]): void {
    this.warm = [...cells];
  }

  tell(_obs: Observation): void {
    // Random search learns nothing from rewards.
  }

  state(): RandomState {
    return { rng: this.rng.state(), seen: [...this.seen], warm: this.warm };
  }

  restore(state: unknown): void {
    const s = state as RandomState;
    this.rng = restoreRng(s.rng);
    this.seen = new Set(s.seen);
    this.warm = s.warm ?? [];
  }
}
