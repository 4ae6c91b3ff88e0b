/**
 * The network around the cells, as numbers: the width of each stage and which cells of a NASNet
 * network are reduction cells. Kept free of tfjs, so that space files and baseline files (which
 * must know the channels an op will see) are checked without importing a tensor library.
 */
import type { MacroSettings } from '../space/types.js';

type StageMacro = Pick<MacroSettings, 'filters' | 'filterMultiplier' | 'widthMultiplier'>;

/**
 * Channels of the cells of stage s (after s reductions) as the schedule gives them:
 * round(k · F · multiplier^s), k = widthMultiplier (WRN's widen factor, default 1). May be 0 for a
 * tiny k: macroOptionsProblem (macro-options.ts) refuses that before anything is built.
 */
export function stageWidth(macro: StageMacro, s: number): number {
  return Math.round((macro.widthMultiplier ?? 1) * macro.filters * macro.filterMultiplier ** s);
}

/** Filters of the cells of stage s: stageWidth, at least 1. */
export function stageFilters(macro: StageMacro, s: number): number {
  return Math.max(1, stageWidth(macro, s));
}

/** The filters of every stage, first to last (reductions + 1 values). */
export function allStageFilters(macro: StageMacro & Pick<MacroSettings, 'reductions'>): number[] {
  return Array.from({ length: macro.reductions + 1 }, (_, s) => stageFilters(macro, s));
}

/**
 * Where a NASNet network's reduction cells go:
 *  - 'nasnet' (default): N normal cells in every stage and a reduction cell between stages,
 *    (R + 1)·N + R cells (Zoph et al. 2018, Fig. 2; nasnet.py inserts its reduction cells
 *    beside num_cells = 3N normal cells).
 *  - 'pnas': (R + 1)·N cells in all, cell k·N (k = 1..R) being the k-th reduction cell in a
 *    normal cell's place: N normal cells in the first stage, N - 1 in the others (Liu et al.
 *    2018, PNAS; pnasnet.py counts its stride-2 cells among num_cells = 3N and puts them at
 *    calc_reduction_layers' floor(k / (R + 1) · num_cells) = k·N).
 */
export type NasnetLayout = 'nasnet' | 'pnas';
export const NASNET_LAYOUTS: readonly NasnetLayout[] = ['nasnet', 'pnas'];

/** The cells of a NASNet network in order: true for a reduction cell. */
export function nasnetCellPlan(macro: Pick<MacroSettings, 'cellsPerStage' | 'reductions'>, layout: NasnetLayout = 'nasnet'): boolean[] {
  const { cellsPerStage: n, reductions: r } = macro;
  const plan: boolean[] = [];
  if (layout === 'pnas') {
    for (let i = 0; i < (r + 1) * n; i++) plan.push(i > 0 && i % n === 0);
    return plan;
  }
  for (let s = 0; s <= r; s++) {
    for (let i = 0; i < n; i++) plan.push(false);
    if (s < r) plan.push(true);
  }
  return plan;
}
