/**
 * Width schedules: the channels of every cell of a NASNet network, in the order of its cell plan.
 * Kept free of tfjs, like macro.ts, so that space and baseline files are checked without building.
 *
 *  - Geometric (NASNet, Zoph et al. 2018): stage s has F · multiplier^s, doubling at each reduction.
 *  - Widen factor k (Zagoruyko & Komodakis 2016, "Wide Residual Networks", Sec. 2, Table 1: groups
 *    of 16k, 32k, 64k channels after a 16-channel conv1): `widthMultiplier` multiplies the width of
 *    every cell, round(k · w); the stem keeps `stemChannels`, as WRN's conv1 keeps 16.
 *  - Additive pyramid (Han, Kim & Kim 2017, "Deep Pyramidal Residual Networks", Sec. 3, Eq. 2):
 *    `pyramidAlpha` α makes cell j of the N cells (j = 1..N, reduction cells included, as
 *    PyramidNet's downsampling units are among its N units) floor(F + j·α/N) wide: the width grows
 *    by α/N at every cell, from F (the paper's D_1 = 16, its first conv) to F + α at the last,
 *    instead of doubling at the reductions; filterMultiplier is not used.
 *    NOTE: Eq. 2 floors at every step, D_k = floor(D_{k-1} + α/N), which never grows when α/N < 1
 *    (PyramidNet-110: 48/54); we floor the accumulated sum F + j·α/N, as the paper's widths and its
 *    code's float accumulator do (the authors' code rounds to nearest: at most one channel more).
 */
import type { MacroSettings } from '../space/types.js';
import { nasnetCellPlan, stageWidth, type NasnetLayout } from './macro.js';

export type WidthMacro = Pick<MacroSettings, 'filters' | 'filterMultiplier' | 'reductions' | 'cellsPerStage' | 'widthMultiplier' | 'pyramidAlpha'>;

/** One cell's width and where it comes from, for messages. */
export interface CellWidth {
  /** As the schedule gives it: may be 0 for a tiny widthMultiplier (refused by macroOptionsProblem). */
  width: number;
  /** Stage of the cell (the reductions before it, itself included). */
  stage: number;
  /** How the width was computed, e.g. "macro.filters 4 x filterMultiplier 2^1". */
  how: string;
}

/** The width of every cell of a NASNet network, in plan order (src/model/macro.ts). */
export function cellWidths(macro: WidthMacro, layout: NasnetLayout = 'nasnet'): CellWidth[] {
  const plan = nasnetCellPlan(macro, layout);
  const k = macro.widthMultiplier;
  const times = k === undefined ? '' : ` x widthMultiplier ${k}`;
  let stage = 0;
  return plan.map((reduction, i) => {
    if (reduction) stage++;
    if (macro.pyramidAlpha === undefined) {
      const how = stage === 0 ? `macro.filters ${macro.filters}` : `macro.filters ${macro.filters} x filterMultiplier ${macro.filterMultiplier}^${stage}`;
      return { width: stageWidth(macro, stage), stage, how: how + times };
    }
    const j = i + 1;
    const base = pyramidWidth(macro.filters, macro.pyramidAlpha, j, plan.length);
    return { width: k === undefined ? base : Math.round(k * base), stage, how: `floor(macro.filters ${macro.filters} + ${j} x pyramidAlpha ${macro.pyramidAlpha} / ${plan.length} cells)${times}` };
  });
}

/** PyramidNet's width of unit j of n: floor(F + j·α/n). */
export function pyramidWidth(filters: number, alpha: number, j: number, n: number): number {
  // (j·α)/n, not j·(α/n): exact for integer α whenever n divides j·α. The epsilon lets a sum
  // that float arithmetic puts a hair below an integer (a fractional α) floor to that integer.
  return Math.floor(filters + (j * alpha) / n + 1e-9);
}
