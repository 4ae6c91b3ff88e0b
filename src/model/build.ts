/**
 * Genotype + macro settings -> a tfjs model of standard layers (saves and loads with
 * tf.loadLayersModel), with its trainable parameter count and multiply-adds per image.
 *
 * NASNet macro (Zoph et al. 2018, Sec. 3 and Fig. 2, CIFAR variant): stem 3x3 conv + BN;
 * (N normal cells, reduction cell) x reductions; N normal cells; ReLU, global average pool,
 * dense. Filters multiply by `filterMultiplier` at every reduction cell. The macro options (stem
 * kernel and stride, width schedules, RoR, FractalNet: macro-options.ts, nasnet-body.ts) change it.
 * NAS-Bench-201 macro (Dong & Yang 2020, Sec. 2.1): stem 3x3 conv + BN; N cells per stage
 * with a residual reduction block between stages; BN, ReLU, global average pool, dense.
 * NOTE: the dense layer outputs logits (no softmax): the trainers apply a stable
 * softmax cross-entropy; pass `softmax: true` for a model that outputs probabilities.
 */
import * as tf from '#tfjs';
import { UserError } from '../core/errors.js';
import type { Genotype, MacroSettings, Nb201Genotype, SearchSpace } from '../space/types.js';
import { batchNorm, relu, BuildContext, type Sym } from './context.js';
import type { BlockCombine, PathInfo } from './nasnet-cell.js';
import { buildNb201Cell, buildResidualReduction } from './nb201-cell.js';
import { modelCost } from './cost.js';
import { NASNET_LAYOUTS, stageFilters, type NasnetLayout } from './macro.js';
import { macroOptionsProblem } from './macro-options.js';
import { buildStem } from './stem.js';
import { nasnetBody } from './nasnet-body.js';
import { parseNb201Arch } from '../space/nb201.js';

export interface BuildOptions {
  /** [height, width, channels] of one image. */
  inputShape: [number, number, number];
  numClasses: number;
  /** Fixes the initial weights (default 0). */
  seed?: number;
  /** End in a softmax instead of logits (default false). */
  softmax?: boolean;
  /** false leaves every batch norm out (default true). Synflow scores the network without BN. */
  batchNorm?: boolean;
  /** Wraps every op output inside cells before the sum (scheduled drop-path). */
  wrapPath?: (y: Sym, info: PathInfo & { cells: number }) => Sym;
  /** Replaces every NASNet block's sum of its two branches (the block regularisers, src/model/regularisers/). */
  combine?: BlockCombine;
  /** Sees every cell output (index 0-based of `cells`), e.g. to attach an auxiliary head at 2/3 depth. */
  onCell?: (out: Sym, info: { index: number; cells: number; reduction: boolean }) => void;
  /** Where a NASNet network's reduction cells go (src/model/macro.ts; default 'nasnet'). */
  layout?: NasnetLayout;
}

export type { NasnetLayout } from './macro.js';

export interface BuiltModel {
  model: tf.LayersModel;
  /** Trainable parameters. */
  params: number;
  /** Multiply-adds per image (convs, depthwise/separable convs, dense). */
  multAdds: number;
  /** Number of layers (a rough proxy for per-step overhead on the JS backends). */
  layers: number;
}

/** Builds the child network of `genotype` (validated against `space`). */
export function buildModel(space: SearchSpace, genotype: Genotype, macro: MacroSettings, opts: BuildOptions): BuiltModel {
  const g = space.validate(genotype);
  checkMacro(macro);
  checkOptions(opts);
  const problem = macroOptionsProblem(macro, { family: g.space, layout: opts.layout, inputShape: opts.inputShape });
  if (problem) throw new UserError(`macro.${problem.key}: ${problem.reason}`);
  if (opts.layout === 'pnas' && macro.cellsPerStage < 1) throw new UserError("layout 'pnas': macro.cellsPerStage must be >= 1 (the reduction cells are among its (R + 1)·N cells)");
  const ctx = new BuildContext(opts.seed ?? 0, '', opts.batchNorm ?? true);
  const input = tf.input({ shape: opts.inputShape, name: 'image' });
  let x = buildStem(ctx, input, macro);
  const onCell: BuildOptions['onCell'] = (out, info) => {
    ctx.states.push(out);
    opts.onCell?.(out, info);
  };
  x = g.space === 'nasnet' ? nasnetBody(ctx, g, macro, x, { ...opts, onCell }) : nb201Body(ctx, g, macro, x, { ...opts, onCell });
  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as Sym;
  const out = tf.layers
    .dense({ units: opts.numClasses, activation: opts.softmax ? 'softmax' : 'linear', kernelInitializer: tf.initializers.glorotUniform({ seed: ctx.nextSeed() }), name: 'classifier' })
    .apply(x) as Sym;
  const model = tf.model({ inputs: input, outputs: out, name: 'child' });
  disposeDeadLayers(model, ctx.states);
  const cost = modelCost(model);
  return { model, params: cost.params, multAdds: cost.multAdds, layers: cost.layers };
}

/**
 * Frees the weights of what the output never reads: a NASNet cell that reads only h[i-2] leaves the
 * cell before it dead, an NB201 node whose out-edges are all `none` is dead. Their layers are built
 * but are not part of the model, so model.dispose() would never free their weights (~100 tensors
 * per such child, in a worker that trains hundreds).
 */
function disposeDeadLayers(model: tf.LayersModel, roots: Sym[]): void {
  const live = new Set<tf.layers.Layer>(model.layers);
  const seen = new Set<tf.layers.Layer>();
  const stack = [...roots];
  while (stack.length > 0) {
    const t = stack.pop()!;
    const layer = t.sourceLayer;
    if (live.has(layer) || seen.has(layer)) continue;
    seen.add(layer);
    stack.push(...t.inputs);
  }
  for (const layer of seen) layer.dispose();
}

function nb201Body(ctx: BuildContext, g: Nb201Genotype, macro: MacroSettings, stem: Sym, opts: BuildOptions): Sym {
  const edges = parseNb201Arch(g.arch);
  const cells = (macro.reductions + 1) * macro.cellsPerStage;
  const wrap = opts.wrapPath;
  let x = stem;
  let index = 0;
  for (let s = 0; s <= macro.reductions; s++) {
    if (s > 0) x = buildResidualReduction(ctx, x, stageFilters(macro, s));
    for (let n = 0; n < macro.cellsPerStage; n++) {
      x = buildNb201Cell(ctx, edges, x, stageFilters(macro, s), { index, wrapPath: wrap && ((y, info) => wrap(y, { ...info, cells })) });
      opts.onCell?.(x, { index: index++, cells, reduction: false });
    }
  }
  return relu(ctx, batchNorm(ctx, x));
}

function checkMacro(m: MacroSettings): void {
  const int = (k: keyof MacroSettings, min: number) => {
    const v = m?.[k];
    if (!Number.isInteger(v) || (v as number) < min) throw new UserError(`macro.${k}: expected an integer >= ${min}, got ${JSON.stringify(v)}`);
  };
  int('stemChannels', 1);
  int('filters', 1);
  int('cellsPerStage', 0);
  int('reductions', 0);
  if (typeof m.filterMultiplier !== 'number' || !(m.filterMultiplier >= 1)) throw new UserError(`macro.filterMultiplier: expected a number >= 1, got ${JSON.stringify(m.filterMultiplier)}`);
  if (m.cellsPerStage === 0 && m.reductions === 0) throw new UserError('macro: cellsPerStage 0 and reductions 0 leave no cells');
}

function checkOptions(o: BuildOptions): void {
  if (o.layout !== undefined && !NASNET_LAYOUTS.includes(o.layout)) throw new UserError(`layout: expected one of ${NASNET_LAYOUTS.join(', ')}, got ${JSON.stringify(o.layout)}`);
  const s = o.inputShape;
  if (!Array.isArray(s) || s.length !== 3 || !s.every((v) => Number.isInteger(v) && v > 0)) throw new UserError(`inputShape: expected [height, width, channels], got ${JSON.stringify(s)}`);
  if (!Number.isInteger(o.numClasses) || o.numClasses < 2) throw new UserError(`numClasses: expected an integer >= 2, got ${JSON.stringify(o.numClasses)}`);
}
