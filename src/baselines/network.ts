/**
 * A baseline built as its whole network: its cell (the file's genotype, in the file's `space`)
 * on a base macro (the caller's proxy size: stem, F, N, reductions) with the file's macro options
 * on top (WRN's widthMultiplier, PyramidNet's α, RoR's levels, FractalNet's columns, the stem).
 * For a cell baseline (no options) this is the cell at the base macro, as a run builds it.
 */
import { UserError } from '../core/errors.js';
import { loadSpace } from '../space/load.js';
import { opWidthProblem } from '../space/file.js';
import { buildModel, type BuildOptions, type BuiltModel } from '../model/build.js';
import type { MacroSettings, NasnetGenotype, SearchSpace } from '../space/types.js';
import { baselineSpaceName, loadBaseline, type Baseline } from './index.js';

export interface BaselineNetwork {
  baseline: Baseline;
  space: SearchSpace;
  /** The base macro with the baseline's options. */
  macro: MacroSettings;
  built: BuiltModel;
}

/** Builds baseline `name`'s network; UserError when a cardinality does not divide a width of it. */
export function buildBaselineNetwork(name: string, base: MacroSettings, opts: BuildOptions): BaselineNetwork {
  const space = loadSpace(baselineSpaceName(name));
  const baseline = loadBaseline(name, space);
  const macro: MacroSettings = { ...base, ...baseline.macro };
  const g = baseline.genotype as NasnetGenotype;
  const ops = [...new Set([...g.normal, ...g.reduce].flatMap((b) => b.ops))];
  const problem = opWidthProblem(ops, macro, 'nasnet', opts.layout);
  if (problem) throw new UserError(`baseline ${name} cannot be built at these widths: ${problem.reason}`);
  return { baseline, space, macro, built: buildModel(space, baseline.genotype, macro, opts) };
}
