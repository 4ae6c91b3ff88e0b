/**
 * The regularisers a regulariser table (`nas compare --regularisers LIST`) can compare on one
 * network: each a named set of replay options, applied over the comparison's protocol. Only what
 * `nas train` really trains is listed; a name here must change the training.
 *
 * Adding one (shake-shake, ShakeDrop and swapout once `nas train --regulariser` has them: they set
 * ReplaySettings.regulariser, src/model/regularisers/) is one entry in REGULARISERS:
 *
 *   {
 *     name: 'shakedrop',                                             // what --regularisers takes
 *     what: 'ShakeDrop, p_L 0.5 (Yamada et al. 2019)',               // one line for --help
 *     apply: (s) => ({ ...s, regulariser: { name: 'shakedrop', pL: SHAKEDROP_P_L } }),
 *     refuses: (g) => (g.space === 'nasnet' ? undefined : 'ShakeDrop perturbs the two-branch blocks of NASNet cells'),
 *   },
 *
 * (likewise { name: 'shake-shake' } and { name: 'swapout', keepIdentity: SWAPOUT_KEEP, keepOp:
 * SWAPOUT_KEEP }). `apply` gets the protocol's settings and the image side, and returns new
 * settings (never edits them); `refuses` (optional) says why the regulariser cannot apply to a
 * network, asked before anything is written (the replay's own checks, e.g. checkRegulariserFits,
 * run then too). The settings an entry produced are stored with the comparison, so a resumed
 * comparison trains what it started with even if an entry here changes later.
 */
import { UserError } from '../core/errors.js';
import type { Genotype } from '../space/types.js';
import type { ReplaySettings } from '../training/loop.js';
import { SHAKEDROP_P_L, SWAPOUT_KEEP } from '../model/regularisers/index.js';

export interface Regulariser {
  name: string;
  /** What it is, its setting and whom to cite: one line. */
  what: string;
  /** The protocol's settings with this regulariser on (`imageSize`: the side of the dataset's images). */
  apply: (s: ReplaySettings, ctx: { imageSize: number }) => ReplaySettings;
  /** Why it cannot apply to this network; undefined when it can. */
  refuses?: (genotype: Genotype) => string | undefined;
}

/** Whether a network has identity shortcuts: the only paths drop-path never drops. */
function hasIdentity(g: Genotype): boolean {
  return g.space === 'nasnet' && [...g.normal, ...g.reduce].some((b) => b.ops.includes('identity'));
}

export const REGULARISERS: readonly Regulariser[] = [
  {
    name: 'none',
    what: 'the protocol alone (crop + flip, weight decay)',
    apply: (s) => ({ ...s, augment: { ...s.augment } }),
  },
  {
    // Huang et al. drop whole residual blocks with a survival probability falling linearly to 0.5 at
    // the last block; the replay's drop-path (NASNet's ScheduledDropPath) drops each non-identity op
    // path, its probability scaled by the cell's depth and rising over training to 0.5.
    name: 'stochastic-depth',
    what: 'drop-path 0.5: non-identity paths dropped, deeper cells more (Huang et al. 2016)',
    apply: (s) => ({ ...s, augment: { ...s.augment }, dropPath: 0.5 }),
    // Without an identity path every path of a block may be dropped at once, zeroing its output:
    // that is not stochastic depth. (NAS-Bench-201's skip_connect is dropped like any op.)
    refuses: (g) => (hasIdentity(g) ? undefined : 'stochastic depth drops residual branches, and this network has no identity shortcut (a NASNet-space cell with an identity op)'),
  },
  {
    name: 'cutout',
    what: 'cutout, a square of half the image side (16 px on 32x32; DeVries & Taylor 2017)',
    apply: (s, { imageSize }) => ({ ...s, augment: { ...s.augment, cutout: Math.max(1, Math.round(imageSize / 2)) } }),
  },
  {
    name: 'random-erasing',
    what: 'random erasing, p 0.5, area 2-40 %, aspect 0.3-3.3 (Zhong et al. 2020)',
    apply: (s) => ({ ...s, augment: { ...s.augment, randomErasing: 0.5 } }),
  },
  {
    name: 'shake-shake',
    what: 'Shake-Shake per image, every block (Gastaldi 2017)',
    apply: (s) => ({ ...s, augment: { ...s.augment }, regulariser: { name: 'shake-shake' } }),
    refuses: twoBranchBlocks,
  },
  {
    name: 'shakedrop',
    what: `ShakeDrop on x + F blocks, p_L ${SHAKEDROP_P_L} (Yamada et al. 2019)`,
    apply: (s) => ({ ...s, augment: { ...s.augment }, regulariser: { name: 'shakedrop', pL: SHAKEDROP_P_L } }),
    refuses: (g) => twoBranchBlocks(g) ?? (hasIdentity(g) ? undefined : 'ShakeDrop perturbs residual blocks (x + F) and this network has no identity branch'),
  },
  {
    name: 'swapout',
    what: `swapout, keep ${SWAPOUT_KEEP} on every branch (Singh et al. 2016)`,
    apply: (s) => ({ ...s, augment: { ...s.augment }, regulariser: { name: 'swapout', keepIdentity: SWAPOUT_KEEP, keepOp: SWAPOUT_KEEP } }),
    refuses: twoBranchBlocks,
  },
  {
    name: 'shake-shake+cutout',
    what: 'Shake-Shake and cutout of half the image side (the survey\'s last row)',
    apply: (s, { imageSize }) => ({ ...s, augment: { ...s.augment, cutout: Math.max(1, Math.round(imageSize / 2)) }, regulariser: { name: 'shake-shake' } }),
    refuses: twoBranchBlocks,
  },
];

/** Block regularisers act on the two-branch blocks of NASNet cells. */
function twoBranchBlocks(g: Genotype): string | undefined {
  return g.space === 'nasnet' ? undefined : `block regularisers act on the two-branch blocks of NASNet cells; a ${g.space} cell is a graph of single edges`;
}

export const regulariserNames = (): string[] => REGULARISERS.map((r) => r.name);

/** The regulariser called `name`; UserError listing the known ones. */
export function regulariser(name: string): Regulariser {
  const r = REGULARISERS.find((x) => x.name === name);
  if (!r) throw new UserError(`unknown regulariser "${name}" (known: ${regulariserNames().join(', ')})`);
  return r;
}
