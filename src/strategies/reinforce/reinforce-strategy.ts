/**
 * The REINFORCE RNN controller (Zoph & Le, ICLR 2017; cells as in Zoph et al., CVPR 2018).
 * An LSTM (lstm-policy.ts) samples a genotype token by token over space.decisions(); each
 * finished child's reward (validation accuracy) trains it with REINFORCE (Williams 1992):
 *   loss = -(R - b) · Σ log p(token) - β · Σ entropy,   b = exponential moving average of R,
 * minimised with Adam.
 *
 * NOTE: Zoph et al. 2018 trained the controller with PPO and Zoph & Le 2017 used 800 GPUs with
 * synchronous batches; here it is plain REINFORCE, asynchronous: ask() always samples from the
 * current weights (never waits), and each reward joins the next update as it arrives, so a
 * sample may come from slightly older weights than the update that uses it.
 * NOTE: the baseline uses the reward of each child as it arrives (advantage computed against
 * the baseline before that reward), as in ENAS (Pham et al. 2018).
 */
import * as tf from '#tfjs';
import type { Observation, Proposal, Strategy, StrategyContext } from '../types.js';
import type { Genotype, SearchSpace } from '../../space/types.js';
import { UserError } from '../../core/errors.js';
import { Adam, type AdamState } from './adam.js';
import { LstmPolicy } from './lstm-policy.js';
import { createRng, restoreRng, type StatefulRng } from '../../core/rng.js';
import { findUnseen } from '../unseen.js';

/** Controller options (`--strategy-option name=value`), with defaults. */
export interface ReinforceOptions {
  /** LSTM units (Zoph et al. used 100; small here to keep the update cheap). */
  hidden: number;
  /** Token embedding size. */
  embed: number;
  /** Adam learning rate. */
  lr: number;
  /** Entropy bonus weight β. */
  entropy: number;
  /** Decay of the moving-average baseline. */
  baselineDecay: number;
  /** Rewards per update (1 = update on every finished child). */
  batch: number;
  /** Controller draws before falling back to a uniform unseen cell (no-duplicate mode). */
  resample: number;
}

/** Defaults, tuned on the 12-epoch NAS-Bench-201 table (docs/strategies.md). */
export const REINFORCE_DEFAULTS: ReinforceOptions = {
  hidden: 32, embed: 16, lr: 0.05, entropy: 1e-3, baselineDecay: 0.9, batch: 8, resample: 50,
};

interface ReinforceState {
  strategy: 'reinforce';
  version: 1;
  decisions: number;
  weights: Record<string, string>;
  adam: AdamState;
  baseline: number | null;
  rng: unknown;
  seen: string[];
  pending: [string, number[][]][];
  buffer: { tokens: number[]; advantage: number }[];
  updates: number;
  /** Warm-up cells not yet proposed (absent before the warm-up existed). */
  warm?: Genotype[];
}

/** Reads numeric options, refusing unknown names and bad values with a UserError. */
function readOptions(raw: StrategyContext['options']): ReinforceOptions {
  const o: ReinforceOptions = { ...REINFORCE_DEFAULTS };
  for (const [k, v] of Object.entries(raw ?? {})) {
    if (!(k in o)) throw new UserError(`reinforce: unknown option "${k}" (options: ${Object.keys(o).join(', ')})`);
    const n = Number(v);
    const int = ['hidden', 'embed', 'batch', 'resample'].includes(k);
    if (!Number.isFinite(n) || n < 0 || (int && (!Number.isInteger(n) || n < 1))) {
      throw new UserError(`reinforce: option ${k}=${v} must be a ${int ? 'positive integer' : 'non-negative number'}`);
    }
    (o as unknown as Record<string, number>)[k] = n;
  }
  if (o.baselineDecay >= 1) throw new UserError(`reinforce: baselineDecay must be below 1, got ${o.baselineDecay}`);
  return o;
}

/** The REINFORCE controller as a Strategy. Call dispose() to free its tfjs variables. */
export class ReinforceStrategy implements Strategy {
  readonly name = 'reinforce';
  private readonly space: SearchSpace;
  private readonly opts: ReinforceOptions;
  private readonly allowDuplicates: boolean;
  private readonly policy: LstmPolicy;
  private readonly adam: Adam;
  private rng: StatefulRng;
  private baseline: number | null = null;
  private seen = new Set<string>();
  /** Tokens of proposals awaiting their reward, by genotype key (FIFO for duplicates). */
  private pending = new Map<string, number[][]>();
  private buffer: { tokens: number[]; advantage: number }[] = [];
  private updates = 0;
  /** Warm-up cells not yet proposed (off-policy: their rewards do not train the controller). */
  private warm: Genotype[] = [];

  constructor(private readonly ctx: StrategyContext) {
    this.space = ctx.space;
    this.opts = readOptions(ctx.options);
    this.allowDuplicates = ctx.allowDuplicates ?? false;
    this.rng = createRng(`reinforce:${ctx.seed}`);
    const init = createRng(`reinforce-init:${ctx.seed}`);
    this.policy = new LstmPolicy(this.space.decisions(), { hidden: this.opts.hidden, embed: this.opts.embed }, init);
    this.adam = new Adam(this.policy.params, this.opts.lr);
  }

  ask(): Proposal | undefined {
    while (this.warm.length > 0) {
      const g = this.warm.shift()!;
      const key = this.space.key(g);
      if (!this.allowDuplicates && this.seen.has(key)) continue;
      this.seen.add(key);
      return { genotype: g, origin: 'warmup' };
    }
    for (let i = 0; i < this.opts.resample; i++) {
      const { tokens } = this.policy.run(this.rng);
      const genotype = this.space.decode(tokens);
      const key = this.space.key(genotype);
      if (!this.allowDuplicates && this.seen.has(key)) continue;
      this.seen.add(key);
      const q = this.pending.get(key) ?? [];
      q.push(tokens);
      this.pending.set(key, q);
      return { genotype, origin: 'controller' };
    }
    // NOTE: the controller keeps proposing seen cells (it has converged): explore with a uniform
    // unseen cell. It is off-policy, so its reward does not train the controller.
    const genotype = findUnseen(this.space, this.seen, this.rng);
    if (!genotype) return undefined;
    this.seen.add(this.space.key(genotype));
    return { genotype, origin: 'random' };
  }

  /**
   * Learns from the first reward each sample gets. NOTE: in a multi-fidelity run that is its first
   * rung (rung 0 under successive halving); the rewards of later rungs are more training of a few
   * promoted children, not comparable with the others', and are ignored here.
   */
  tell(obs: Observation): void {
    const key = this.space.key(obs.genotype);
    const q = this.pending.get(key);
    const tokens = q?.shift();
    if (q && q.length === 0) this.pending.delete(key);
    if (!tokens) return; // not a controller sample (fallback, or from before a resume)
    const r = obs.reward;
    if (r === null || !Number.isFinite(r)) return; // a failed child must not corrupt the weights
    const advantage = this.baseline === null ? 0 : r - this.baseline;
    this.baseline = this.baseline === null ? r : this.opts.baselineDecay * this.baseline + (1 - this.opts.baselineDecay) * r;
    this.buffer.push({ tokens, advantage });
    if (this.buffer.length >= this.opts.batch) this.update();
  }

  /** One REINFORCE step on the buffered samples. */
  private update(): void {
    const batch = this.buffer;
    this.buffer = [];
    const names = [...this.policy.vars.keys()];
    const varList = names.map((n) => this.policy.vars.get(n)!);
    const grads = tf.tidy(() => {
      const adv = tf.tensor1d(batch.map((b) => b.advantage));
      const { grads } = tf.variableGrads(() => {
        const { logp, entropy } = this.policy.lossTerms(batch.map((b) => b.tokens));
        return tf.neg(tf.add(tf.mean(tf.mul(adv, logp)), tf.mul(this.opts.entropy, tf.mean(entropy)))) as tf.Scalar;
      }, varList);
      return varList.map((v) => grads[v.name]);
    });
    this.adam.apply(new Map(names.map((n, i) => [n, grads[i].dataSync()])));
    tf.dispose(grads);
    this.policy.sync();
    this.updates++;
  }

  /** The first batch: the warm-up's best cells. NOTE: off-policy, as the uniform fallback: the controller learns from its own samples. */
  warmStart(cells: Genotype[]): void {
    this.warm = cells.slice(0, this.opts.batch);
  }

  state(): ReinforceState {
    return {
      strategy: 'reinforce',
      version: 1,
      decisions: this.policy.decisions.length,
      weights: this.policy.state(),
      adam: this.adam.state(),
      baseline: this.baseline,
      rng: this.rng.state(),
      seen: [...this.seen],
      pending: [...this.pending].map(([k, q]) => [k, q.map((t) => t.slice())]),
      buffer: this.buffer.map((b) => ({ tokens: b.tokens.slice(), advantage: b.advantage })),
      updates: this.updates,
      warm: this.warm,
    };
  }

  restore(raw: unknown): void {
    const s = raw as ReinforceState;
    if (!s || s.strategy !== 'reinforce' || s.version !== 1) throw new UserError('reinforce: saved state is not a reinforce controller (version 1)');
    if (s.decisions !== this.policy.decisions.length) {
      throw new UserError(`reinforce: saved controller has ${s.decisions} decisions, this space has ${this.policy.decisions.length}`);
    }
    this.policy.restore(s.weights);
    this.adam.restore(s.adam);
    this.baseline = s.baseline;
    this.rng = restoreRng(s.rng as object);
    this.seen = new Set(s.seen);
    this.pending = new Map(s.pending.map(([k, q]) => [k, q.map((t) => t.slice())]));
    this.buffer = s.buffer.map((b) => ({ tokens: b.tokens.slice(), advantage: b.advantage }));
    this.updates = s.updates;
    this.warm = s.warm ?? [];
  }

  dispose(): void {
    this.policy.dispose();
  }
}

/** Registry entry: `createStrategy('reinforce', ctx)`. */
export function createReinforceStrategy(ctx: StrategyContext): Strategy {
  return new ReinforceStrategy(ctx);
}
