/**
 * The NASNet body: the cells of the plan (src/model/macro.ts) on the stem, then a ReLU
 * (Zoph et al. 2018, Sec. 3, Fig. 2). The macro families change it here, around the cells:
 *  - per-cell widths from the width schedule (widths.ts: NASNet's doubling, WRN's k, PyramidNet's α);
 *  - `fractalColumns` C > 1: each normal cell becomes a fractal block of 2^C - 1 cells (fractal.ts);
 *    the reduction cells stay single, as FractalNet pools between its blocks;
 *  - `rorLevels` 2 / 3: RoR's root and stage shortcuts (ror.ts).
 * Without these options the body is the plain NASNet body, layer for layer.
 */
import type { MacroSettings, NasnetGenotype } from '../space/types.js';
import { relu, type BuildContext, type Sym } from './context.js';
import { buildNasnetCell } from './nasnet-cell.js';
import { nasnetCellPlan } from './macro.js';
import { cellWidths } from './widths.js';
import { fractalBlock } from './fractal.js';
import { addShortcuts, rorShortcut, stageEnds } from './ror.js';
import type { BuildOptions } from './build.js';

export function nasnetBody(ctx: BuildContext, g: NasnetGenotype, macro: MacroSettings, stem: Sym, opts: BuildOptions): Sym {
  const plan = nasnetCellPlan(macro, opts.layout);
  const widths = cellWidths(macro, opts.layout).map((c) => Math.max(1, c.width));
  const columns = macro.fractalColumns ?? 1;
  const perNormal = 2 ** columns - 1;
  // Every cell built, fractal units included: hooks (drop-path's schedule) see positions in 0..cells-1.
  const cells = plan.reduce((n, reduction) => n + (reduction ? 1 : perNormal), 0);
  const levels = macro.rorLevels ?? 1;
  const ends = stageEnds(plan);
  const wrap = opts.wrapPath;
  let prev2 = stem;
  let prev = stem;
  let index = 0;
  let stageInput = stem;
  let reductionsInStage = 0;
  const cell = (a: Sym, b: Sym, reduction: boolean, filters: number): Sym => {
    const blocks = reduction ? g.reduce : g.normal;
    const concat = reduction ? g.concat?.reduce : g.concat?.normal;
    const out = buildNasnetCell(ctx, blocks, a, b, filters, { index, reduction, concat, combine: opts.combine, wrapPath: wrap && ((y, info) => wrap(y, { ...info, cells })) });
    opts.onCell?.(out, { index, cells, reduction });
    index++;
    return out;
  };
  plan.forEach((reduction, i) => {
    if (reduction) reductionsInStage++;
    // NOTE: a fractal's cells read their input z as both h[i-2] and h[i-1] (f(z) has one input).
    let out = reduction || columns === 1 ? cell(prev2, prev, reduction, widths[i]) : fractalBlock(ctx, prev, columns, (z) => cell(z, z, false, widths[i]));
    if (levels > 1 && ends.has(i)) {
      const shortcuts: Sym[] = [];
      if (levels >= 3) shortcuts.push(rorShortcut(ctx, stageInput, out, reductionsInStage));
      if (i === plan.length - 1) shortcuts.push(rorShortcut(ctx, stem, out, macro.reductions));
      out = addShortcuts(ctx, out, shortcuts);
      stageInput = out;
      reductionsInStage = 0;
    }
    prev2 = prev;
    prev = out;
  });
  return relu(ctx, prev);
}
