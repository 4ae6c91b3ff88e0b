/**
 * Block regularisers: names -> how each turns a NASNet block's two branches into its output (the
 * block-combination hook of src/model/nasnet-cell.ts). The layers live one per file beside this one.
 *  - shake-shake (Gastaldi 2017): every block is ShakeShake(a, b).
 *  - shakedrop (Yamada et al. 2019): a block with exactly one identity branch, x + F, becomes
 *    x + ShakeDrop(F), p_l decaying linearly over those blocks in build order (l = 1..L).
 *    A block with no identity branch (or two) stays a plain sum: ShakeDrop perturbs a residual
 *    branch around an identity it keeps, and such a block has no such pair. A network none of
 *    whose blocks has the form is refused (UserError).
 *  - swapout (Singh et al. 2016): every block is θ1 ⊙ a + θ2 ⊙ b; an identity branch keeps its
 *    units with `keepIdentity` (the paper's θ1 on x), any other branch with `keepOp` (θ2 on F(x)).
 * A NAS-Bench-201 cell is a graph of single edges summed at nodes of up to three, not two-branch
 * blocks: every block regulariser refuses it.
 */
import * as tf from '#tfjs';
import { UserError } from '../../core/errors.js';
import type { Genotype } from '../../space/types.js';
import { sum, type Sym } from '../context.js';
import type { BlockCombine } from '../nasnet-cell.js';
import { ShakeDrop } from './shakedrop.js';
import { ShakeShake } from './shake-shake.js';
import { Swapout } from './swapout.js';

export { restartStreams } from './stream.js';
export { ShakeDrop, ShakeShake, Swapout };

export const REGULARISERS = ['shake-shake', 'shakedrop', 'swapout'] as const;
export type RegulariserName = (typeof REGULARISERS)[number];

/** A block regulariser and its parameters: plain JSON, stored with a replay's settings. */
export type RegulariserSettings =
  | { name: 'shake-shake' }
  /** pL: p_L, the survival probability of the last unit (the paper's 0.5). */
  | { name: 'shakedrop'; pL: number }
  | { name: 'swapout'; keepIdentity: number; keepOp: number };

/** ShakeDrop's p_L (Yamada et al. 2019 use 0.5, stochastic depth's value). */
export const SHAKEDROP_P_L = 0.5;
/** Swapout's keep probability when none is given. */
export const SWAPOUT_KEEP = 0.5;

const probability = (v: unknown) => typeof v === 'number' && v >= 0 && v <= 1;

/** Checks settings from a caller or a file; UserError naming the fault. */
export function checkRegulariser(s: RegulariserSettings): RegulariserSettings {
  if (!REGULARISERS.includes(s?.name)) throw new UserError(`regulariser: expected one of ${REGULARISERS.join(', ')}, got ${JSON.stringify(s?.name)}`);
  if (s.name === 'shakedrop' && !probability(s.pL)) throw new UserError(`regulariser shakedrop: pL must be a probability in [0, 1], got ${JSON.stringify(s.pL)}`);
  if (s.name === 'swapout') {
    for (const k of ['keepIdentity', 'keepOp'] as const) {
      if (!probability(s[k])) throw new UserError(`regulariser swapout: ${k} must be a probability in [0, 1], got ${JSON.stringify(s[k])}`);
    }
  }
  return s;
}

/** One line for logs and messages: `shakedrop (p_L 0.5)`. */
export function describeRegulariser(s: RegulariserSettings | undefined): string {
  if (!s) return 'no block regulariser';
  if (s.name === 'shakedrop') return `shakedrop (p_L ${s.pL})`;
  if (s.name === 'swapout') return `swapout (keep ${s.keepIdentity} on identity branches, ${s.keepOp} on the others)`;
  return s.name;
}

/** Refuses a genotype whose cells are not two-branch blocks (before anything is built). */
export function checkRegulariserFits(s: RegulariserSettings, genotype: Genotype): void {
  if (genotype.space !== 'nasnet') {
    throw new UserError(`--regulariser ${s.name} applies to the two-branch blocks of NASNet cells; a ${genotype.space} cell is a graph of single edges, not two-branch blocks`);
  }
}

/**
 * The regulariser has no block of this network to act on (e.g. ShakeDrop without an x + F block).
 * A UserError for `nas train`; a search refuses such a child like a constraint does (not a child of
 * the budget), since the cell is fine and only the regulariser cannot apply to it.
 */
export class RegulariserDoesNotApply extends UserError {
  /** The plain network's size, when the build reported it. */
  size?: { params: number; multAdds: number };
}

export interface BlockRegulariser {
  readonly settings: RegulariserSettings;
  /** The hook of every cell's blocks. */
  readonly combine: BlockCombine;
  /**
   * Once the network is built: gives the ShakeDrop units their p_l, and returns how many blocks of
   * `model` are regularised (UserError when none is).
   */
  finish(model: tf.LayersModel): number;
}

/** A fresh regulariser for one build; `seed` fixes every layer's random stream. */
export function blockRegulariser(settings: RegulariserSettings, seed: number): BlockRegulariser {
  const s = checkRegulariser(settings);
  const made: tf.layers.Layer[] = [];
  // Layer k's seed; < 10^5 layers per network, so two (seed, k) never meet.
  const layerSeed = () => seed * 100_000 + made.length;
  const record = <L extends tf.layers.Layer>(layer: L): L => {
    made.push(layer);
    return layer;
  };

  const combine: BlockCombine = ([a, b], info, ctx) => {
    if (s.name === 'shake-shake') {
      // NOTE: the same tensor twice in one layer's inputs breaks tfjs' executor (see sum() in
      // context.ts), and Shake-Shake of (x, x) is x whatever α: such a block stays a sum.
      if (a === b) return sum(ctx, [a, b]);
      return record(new ShakeShake({ seed: layerSeed(), name: ctx.name('shake_shake') })).apply([a, b]) as Sym;
    }
    if (s.name === 'shakedrop') {
      // NOTE: the paper has only residual units; a block that is not x + F stays a plain sum.
      if (info.identity[0] === info.identity[1]) return sum(ctx, [a, b]);
      const [x, f] = info.identity[0] ? [a, b] : [b, a];
      const shaken = record(new ShakeDrop({ p: s.pL, seed: layerSeed(), name: ctx.name('shakedrop') })).apply(f) as Sym;
      return sum(ctx, [x, shaken]);
    }
    const masked = [a, b].map((y, k) => {
      const p = info.identity[k] ? s.keepIdentity : s.keepOp;
      return record(new Swapout({ keep: p, seed: layerSeed(), name: ctx.name('swapout') })).apply(y) as Sym;
    });
    return sum(ctx, masked);
  };

  const finish = (model: tf.LayersModel): number => {
    const live = new Set(model.layers);
    const layers = made.filter((l) => live.has(l));
    if (s.name === 'shakedrop') {
      // The linear decay rule over the L units in build order (cell by cell, block by block).
      layers.forEach((l, i) => ((l as ShakeDrop).p = 1 - ((i + 1) / layers.length) * (1 - s.pL)));
    }
    const blocks = s.name === 'swapout' ? layers.length / 2 : layers.length;
    if (blocks === 0) {
      throw new RegulariserDoesNotApply(
        s.name === 'shakedrop'
          ? '--regulariser shakedrop needs a residual block (one branch an identity: x + F) and no block of this network has one (an identity on h[i-2] or h[i-1] of a reduction cell is a factorized reduction, not an identity)'
          : `--regulariser ${s.name}: no block of this network has two distinct branches to combine`,
      );
    }
    return blocks;
  };
  return { settings: s, combine, finish };
}

/**
 * Builds a network with `settings`' regulariser in every NASNet block (none: `build()` as is).
 * UserError, the network disposed, when the regulariser cannot apply to it.
 */
export function buildRegularised<T extends { model: tf.LayersModel }>(settings: RegulariserSettings | undefined, seed: number, genotype: Genotype, build: (combine: BlockCombine | undefined) => T): T & { regularised: number } {
  if (!settings) return { ...build(undefined), regularised: 0 };
  checkRegulariserFits(settings, genotype);
  const reg = blockRegulariser(settings, seed);
  const built = build(reg.combine);
  try {
    return { ...built, regularised: reg.finish(built.model) };
  } catch (e) {
    if (e instanceof RegulariserDoesNotApply) {
      const { params, multAdds } = built as { params?: unknown; multAdds?: unknown };
      if (typeof params === 'number' && typeof multAdds === 'number') e.size = { params, multAdds };
    }
    built.model.dispose();
    throw e;
  }
}
