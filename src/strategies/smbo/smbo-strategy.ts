/**
 * SMBO / progressive neural architecture search (Liu et al., "Progressive Neural Architecture
 * Search", ECCV 2018, Algorithm 1):
 *
 *   train every cell of 1 block; fit the predictor on them;
 *   for b = 2..B: expand the top-K cells of b-1 blocks by one block, rank all expansions with
 *                 the predictor, train the best K, refit the predictor on everything trained.
 *
 * A round's proposals come out of ask() one by one; then ask() returns undefined until all of
 * the round's results are told (the next round needs them). Before each refit the predictor's
 * Spearman rank correlation with the true rewards of the round just finished (cells it ranked
 * but had not seen: held-out trials) is logged.
 *
 * NOTE: PNAS stops after B blocks; here the search continues: each further round ranks the unseen
 * expansions of the top-K (B-1)-block cells and the one-decision neighbours of the top-K full
 * cells, and trains the predictor's best K.
 * NOTE: the first round trains at most `first` 1-block cells (a random subset when there are more);
 * PNAS trains all of them (136 in its space).
 * NOTE: as in PNAS, a NASNet genotype uses the same structure for its normal and reduction cell.
 * NOTE: duplicates are never proposed, even when allowed: a predictor gains nothing from them.
 */
import type { Genotype } from '../../space/types.js';
import type { Observation, Proposal, Strategy, StrategyContext } from '../types.js';
import { UserError } from '../../core/errors.js';
import { createRng, randInt, restoreRng, type Rng, type StatefulRng } from '../../core/rng.js';
import { findUnseen } from '../unseen.js';
import { CellTemplate } from './cell-template.js';
import { MlpEnsemble } from './mlp-ensemble.js';
import { ranks, spearman } from '../../stats/correlation.js';

/** SMBO options (`--strategy-option name=value`), with defaults. */
export interface SmboOptions {
  /** K: cells trained per round (PNAS: 256 with B = 5; small here for small budgets). */
  beam: number;
  /** Most 1-block cells trained in the first round. */
  first: number;
  /** Members of the MLP ensemble (PNAS: 5). */
  members: number;
  /** Hidden units per member. */
  hidden: number;
  /** Adam steps of the first fit; later fits warm-start and take `refitSteps`. */
  steps: number;
  refitSteps: number;
  /** Adam learning rate of the predictor. */
  lr: number;
  /** Most candidate cells scored per round. */
  candidates: number;
  /** Past B blocks, also score this many uniformly drawn full cells per round (exploration). */
  explore: number;
  /**
   * 1: fit the predictor to reward quantiles in (-1, 1) instead of standardised rewards, so the
   * few very bad cells (NB201's all-`none` cells score 10%) do not dominate the squared error.
   * NOTE: PNAS regresses the accuracy itself.
   */
  rankTargets: number;
}

/** Defaults, tuned on the 12-epoch NAS-Bench-201 table (docs/strategies.md). */
export const SMBO_DEFAULTS: SmboOptions = {
  beam: 10, first: 64, members: 5, hidden: 16, steps: 60, refitSteps: 20, lr: 0.02, candidates: 3000, explore: 0, rankTargets: 1,
};

/** A cell in the pipeline: its template vector, its number of blocks and the prediction it was ranked by. */
interface Cell {
  vec: number[];
  stage: number;
  pred: number | null;
}

interface Evaluated {
  vec: number[];
  stage: number;
  reward: number;
}

interface SmboState {
  strategy: 'smbo';
  version: 1;
  stage: number;
  round: number;
  queue: Cell[];
  outstanding: number;
  pending: [string, Cell[]][];
  evaluated: Evaluated[];
  heldOut: [number, number][];
  seen: string[];
  rng: unknown;
  predictor: Record<string, string> | null;
  /** Warm-up cells (template vectors of full size) not yet proposed. */
  warm?: number[][];
}

function readOptions(raw: StrategyContext['options']): SmboOptions {
  const o: SmboOptions = { ...SMBO_DEFAULTS };
  for (const [k, v] of Object.entries(raw ?? {})) {
    if (!(k in o)) throw new UserError(`smbo: unknown option "${k}" (options: ${Object.keys(o).join(', ')})`);
    const n = Number(v);
    const int = k !== 'lr';
    const min = k === 'explore' || k === 'rankTargets' ? 0 : 1;
    if (!Number.isFinite(n) || n < min || (int && !Number.isInteger(n)) || (k === 'lr' && n <= 0)) {
      throw new UserError(`smbo: option ${k}=${v} must be a ${min === 0 ? 'non-negative' : 'positive'} ${int ? 'integer' : 'number'}`);
    }
    (o as unknown as Record<string, number>)[k] = n;
  }
  return o;
}

/** Progressive search as a Strategy. */
export class SmboStrategy implements Strategy {
  readonly name = 'smbo';
  private readonly opts: SmboOptions;
  private readonly cells: CellTemplate;
  private rng: StatefulRng;
  private stage = 0;
  private round = 0;
  private queue: Cell[] = [];
  private outstanding = 0;
  private pending = new Map<string, Cell[]>();
  private evaluated: Evaluated[] = [];
  /** [prediction, reward] of the current round's trials. */
  private heldOut: [number, number][] = [];
  private seen = new Set<string>();
  private predictor: MlpEnsemble | null = null;
  private warm: number[][] = [];

  constructor(private readonly ctx: StrategyContext) {
    this.opts = readOptions(ctx.options);
    this.cells = new CellTemplate(ctx.space);
    this.rng = createRng(`smbo:${ctx.seed}`);
  }

  ask(): Proposal | undefined {
    // Warm-up cells first: trained like the first round's, they are what the predictor is first fitted on.
    while (this.warm.length > 0) {
      const vec = this.warm.shift()!;
      const genotype = this.cells.genotype(vec, this.ctx.space.blocks);
      if (this.seen.has(this.ctx.space.key(genotype))) continue;
      return this.propose(genotype, { vec, stage: this.ctx.space.blocks, pred: null }, 'warmup');
    }
    if (this.queue.length === 0) {
      if (this.outstanding > 0) return undefined; // the next round needs this round's results
      this.nextRound();
    }
    const cell = this.queue.shift();
    if (cell) {
      const genotype = this.cells.genotype(cell.vec, cell.stage);
      return this.propose(genotype, cell, cell.pred === null ? 'progressive' : 'predictor');
    }
    // Nothing left to rank (tiny space): any unseen cell, or undefined when the space is exhausted.
    const genotype = findUnseen(this.ctx.space, this.seen, this.rng);
    if (!genotype) return undefined;
    return this.propose(genotype, null, 'random');
  }

  /**
   * Full-size cells of the shared template for the warm-up to score (a NASNet genotype whose two
   * cells differ is not one PNAS can grow). NOTE: the warm-up seeds the predictor's data, as
   * Abdelfattah et al. 2021 seed their predictor-based searches; PNAS itself starts from 1-block cells.
   */
  warmCandidate(rng: Rng): Genotype {
    const vec = this.cells.decisionsAt(this.ctx.space.blocks).map((d) => randInt(rng, d.options));
    return this.cells.genotype(vec, this.ctx.space.blocks);
  }

  warmStart(cells: Genotype[]): void {
    const B = this.ctx.space.blocks;
    const n = this.cells.decisionsAt(B).length;
    this.warm = cells.slice(0, this.opts.beam).map((g) => this.ctx.space.encode(g).slice(0, n));
  }

  private propose(genotype: Genotype, cell: Cell | null, origin: string): Proposal {
    const key = this.ctx.space.key(genotype);
    this.seen.add(key);
    if (cell) {
      this.pending.set(key, [...(this.pending.get(key) ?? []), cell]);
      this.outstanding++;
    }
    return { genotype, origin };
  }

  /**
   * Learns from the first reward each sample gets. NOTE: in a multi-fidelity run that is its first
   * rung (rung 0 under successive halving); the rewards of later rungs are more training of a few
   * promoted children, not comparable with the others', and are ignored here.
   */
  tell(obs: Observation): void {
    const key = this.ctx.space.key(obs.genotype);
    const q = this.pending.get(key);
    const cell = q?.shift();
    if (q && q.length === 0) this.pending.delete(key);
    if (!cell) return; // not one of ours (a fallback cell, or from before a resume)
    this.outstanding--;
    const r = obs.reward;
    if (r === null || !Number.isFinite(r)) return; // failed child: not evidence about the cell
    this.evaluated.push({ vec: cell.vec, stage: cell.stage, reward: r });
    if (cell.pred !== null) this.heldOut.push([cell.pred, r]);
  }

  /** Logs the held-out correlation, refits the predictor and queues the next round's K cells. */
  private nextRound(): void {
    const { beam, first, candidates } = this.opts;
    const B = this.ctx.space.blocks;
    if (this.stage === 0) {
      this.stage = 1;
      this.round = 1;
      this.queue = this.cells.allAt(1, first, this.rng).map((vec) => ({ vec, stage: 1, pred: null }))
        .filter((c) => !this.seen.has(this.ctx.space.key(this.cells.genotype(c.vec, 1))));
      return;
    }
    if (this.evaluated.length === 0) { this.queue = []; return; }
    if (this.heldOut.length >= 3) {
      const rho = spearman(this.heldOut.map((h) => h[0]), this.heldOut.map((h) => h[1]));
      this.ctx.log?.(`smbo round ${this.round} (${this.stage} block${this.stage > 1 ? 's' : ''}): predictor Spearman rho = ${rho.toFixed(3)} on ${this.heldOut.length} held-out trials`);
    }
    this.heldOut = [];
    this.fit();
    this.round++;

    const top = (stage: number) => this.evaluated.filter((e) => e.stage === stage).sort((a, b) => b.reward - a.reward).slice(0, beam);
    const perParent = (n: number) => Math.max(1, Math.floor(candidates / Math.max(1, n)));
    if (this.stage < B) {
      const parents = top(this.stage);
      const pool: Cell[] = [];
      for (const p of parents) for (const vec of this.cells.expansions(p.vec, p.stage, perParent(parents.length), this.rng)) pool.push({ vec, stage: p.stage + 1, pred: null });
      this.stage++;
      if (this.rankAndQueue(pool) > 0) return;
    }
    // Past B blocks (or nothing new to expand): the unseen expansions of the best (B-1)-block
    // cells and the neighbours of the best full cells.
    const pool: Cell[] = [];
    const parents = B > 1 ? top(B - 1) : [];
    const best = top(B);
    for (const p of parents) for (const vec of this.cells.expansions(p.vec, p.stage, perParent(parents.length + best.length), this.rng)) pool.push({ vec, stage: B, pred: null });
    for (const p of best) for (const vec of this.cells.neighbours(p.vec, B)) pool.push({ vec, stage: B, pred: null });
    if (B === 1) for (const vec of this.cells.allAt(1, candidates, this.rng)) pool.push({ vec, stage: 1, pred: null });
    for (let i = 0; i < this.opts.explore; i++) pool.push({ vec: this.cells.decisionsAt(B).map((d) => randInt(this.rng, d.options)), stage: B, pred: null });
    this.rankAndQueue(pool);
  }

  /** Scores the unseen, distinct cells of pool and queues the best K; returns how many were queued. */
  private rankAndQueue(pool: Cell[]): number {
    const space = this.ctx.space;
    const keys = new Set<string>();
    const fresh: Cell[] = [];
    for (const c of pool) {
      const k = space.key(this.cells.genotype(c.vec, c.stage));
      if (this.seen.has(k) || keys.has(k)) continue;
      keys.add(k);
      fresh.push(c);
    }
    const D = this.cells.featureSize;
    const X = new Float32Array(fresh.length * D);
    fresh.forEach((c, i) => this.cells.features(c.vec, X, i * D));
    const pred = this.predictor!.predict(X);
    const order = fresh.map((_, i) => i).sort((a, b) => pred[b] - pred[a] || a - b);
    this.queue = order.slice(0, this.opts.beam).map((i) => ({ ...fresh[i], pred: pred[i] }));
    return this.queue.length;
  }

  /** Fits the ensemble on every evaluated cell (standardised rewards), warm-starting after the first fit. */
  private fit(): void {
    const { members, hidden, steps, refitSteps, lr } = this.opts;
    const D = this.cells.featureSize;
    const n = this.evaluated.length;
    const X = new Float32Array(n * D);
    this.evaluated.forEach((e, i) => this.cells.features(e.vec, X, i * D));
    const rewards = this.evaluated.map((e) => e.reward);
    const mean = rewards.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(rewards.reduce((a, b) => a + (b - mean) ** 2, 0) / n) || 1;
    const rk = this.opts.rankTargets ? ranks(rewards) : null;
    const y = Float32Array.from(rewards, (r, i) => (rk ? (2 * (rk[i] - 0.5)) / n - 1 : (r - mean) / std));
    // Each member trains on a random ~80% of the cells (all of them while there are few).
    const mask = Float32Array.from({ length: n * members }, () => (n < 10 || this.rng() < 0.8 ? 1 : 0));
    const warm = this.predictor !== null;
    if (!this.predictor) this.predictor = new MlpEnsemble({ inputs: D, hidden, members }, this.rng);
    this.predictor.fit(X, y, mask, warm ? refitSteps : steps, lr);
  }

  state(): SmboState {
    const copy = (c: Cell): Cell => ({ vec: c.vec.slice(), stage: c.stage, pred: c.pred });
    return {
      strategy: 'smbo',
      version: 1,
      stage: this.stage,
      round: this.round,
      queue: this.queue.map(copy),
      outstanding: this.outstanding,
      pending: [...this.pending].map(([k, q]) => [k, q.map(copy)]),
      evaluated: this.evaluated.map((e) => ({ vec: e.vec.slice(), stage: e.stage, reward: e.reward })),
      heldOut: this.heldOut.map(([p, r]) => [p, r]),
      seen: [...this.seen],
      rng: this.rng.state(),
      predictor: this.predictor ? this.predictor.state() : null,
      warm: this.warm.map((v) => v.slice()),
    };
  }

  restore(raw: unknown): void {
    const s = raw as SmboState;
    if (!s || s.strategy !== 'smbo' || s.version !== 1) throw new UserError('smbo: saved state is not an smbo search (version 1)');
    this.stage = s.stage;
    this.round = s.round;
    this.queue = s.queue.map((c) => ({ ...c, vec: c.vec.slice() }));
    this.outstanding = s.outstanding;
    this.pending = new Map(s.pending.map(([k, q]) => [k, q.map((c) => ({ ...c, vec: c.vec.slice() }))]));
    this.evaluated = s.evaluated.map((e) => ({ ...e, vec: e.vec.slice() }));
    this.heldOut = s.heldOut.map(([p, r]) => [p, r]);
    this.seen = new Set(s.seen);
    this.rng = restoreRng(s.rng as object);
    this.warm = (s.warm ?? []).map((v) => v.slice());
    this.predictor = null;
    if (s.predictor) {
      this.predictor = new MlpEnsemble({ inputs: this.cells.featureSize, hidden: this.opts.hidden, members: this.opts.members }, () => 0.5);
      this.predictor.restore(s.predictor);
    }
  }
}

/** Registry entry: `createStrategy('smbo', ctx)`. */
export function createSmboStrategy(ctx: StrategyContext): Strategy {
  return new SmboStrategy(ctx);
}
