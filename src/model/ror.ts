/**
 * RoR's shortcuts above the cells (Zhang, Sun, Han, Yuan, Guo & Liu 2017, "Residual Networks of
 * Residual Networks: Multilevel Residual Networks", IEEE TCSVT, Sec. III). RoR-m has m levels of
 * shortcuts: the final level is the residual units' own (here: inside the cell, the cell's data);
 * RoR-2 adds a root-level shortcut from the network's first conv output (the stem) to the output
 * of the last unit; RoR-3 also a middle-level shortcut around each group of units (a stage: the
 * cells from a reduction cell, or the first cell, up to the next reduction cell).
 *
 * A shortcut is the identity when its ends have the same shape, else a projection: a 1x1 conv with
 * the stride of the reductions it spans, then BN (ResNet's option B, He et al. 2016, Sec. 3.3,
 * which RoR uses where the dimension changes). It is added to the stage's (or the network's) last
 * cell output, which the next cell then reads as h[i-1].
 * NOTE: the root shortcut crosses all R reductions with a single 1x1 conv of stride 2^R (it reads
 * every 2^R-th pixel of the stem); a chain of strided projections would be another reading of the
 * paper's projection shortcut.
 */
import { batchNorm, channelsOf, conv, heightOf, sum, type BuildContext, type Sym } from './context.js';

/** The cells (plan indices) ending a stage: those followed by a reduction cell, and the last. */
export function stageEnds(plan: readonly boolean[]): Set<number> {
  const ends = new Set<number>();
  plan.forEach((_, i) => {
    if (i === plan.length - 1 || plan[i + 1]) ends.add(i);
  });
  return ends;
}

/** `from` shaped like `to`: itself, or 1x1 conv (stride 2^reductions) + BN. */
export function rorShortcut(ctx: BuildContext, from: Sym, to: Sym, reductions: number): Sym {
  const stride = 2 ** reductions;
  if (channelsOf(from) === channelsOf(to) && stride === 1) return from;
  const y = batchNorm(ctx, conv(ctx, from, channelsOf(to), 1, stride));
  if (heightOf(y) !== heightOf(to)) throw new Error(`RoR shortcut: ${heightOf(from)} / ${stride} gives ${heightOf(y)} rows, the cell output has ${heightOf(to)}`);
  return y;
}

/** The cell output plus its shortcuts (one add). */
export function addShortcuts(ctx: BuildContext, out: Sym, shortcuts: Sym[]): Sym {
  return shortcuts.length === 0 ? out : sum(ctx, [out, ...shortcuts]);
}
