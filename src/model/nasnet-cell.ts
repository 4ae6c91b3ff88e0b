/**
 * One NASNet cell (Zoph et al. 2018, "Learning Transferable Architectures for Scalable Image
 * Recognition", Sec. 3, Fig. 3 and the reference code nasnet_utils.py): the two inputs are
 * fitted to `filters` channels, each block adds op1(input1) + op2(input2), and the block
 * outputs no later block uses are concatenated into the cell output, or the states a published
 * cell's genotype lists (`concat`).
 */
import * as tf from '#tfjs';
import type { NasnetBlock } from '../space/types.js';
import { channelsOf, factorizedReduce, heightOf, reluConvBn, sum, type BuildContext, type Sym } from './context.js';
import { getOp } from './ops/registry.js';

/** Where an op output sits, for hooks (e.g. scheduled drop-path) that wrap op outputs. */
export interface PathInfo {
  cell: number;
  block: number;
  /** 0 or 1: which of the block's two pairs. */
  pair: number;
  op: string;
}

/** Where a block sits and what its two branches are, for hooks that combine them (block regularisers). */
export interface BlockInfo {
  cell: number;
  block: number;
  reduction: boolean;
  ops: readonly [string, string];
  inputs: readonly [number, number];
  /**
   * Per pair: the op returned its input unchanged (an `identity` at stride 1 on a state of the
   * cell's width), so the block is x + F(y), the residual form. An identity on h[i-2] or h[i-1] of a
   * reduction cell is a factorized reduction, not an identity.
   */
  identity: readonly [boolean, boolean];
}

/**
 * Combines a block's two branches (after wrapPath) into the block's output, in place of the plain
 * sum; `ctx` names its layers. Block regularisers (src/model/regularisers/) are such hooks.
 */
export type BlockCombine = (paths: [Sym, Sym], info: BlockInfo, ctx: BuildContext) => Sym;

export interface CellOptions {
  /** Index of this cell in the network (0-based), passed to hooks. */
  index: number;
  /** A reduction cell applies its ops on h[i-2] and h[i-1] with stride 2. */
  reduction: boolean;
  /** Called on every op output before the block's sum (the replay trainer adds drop-path here). */
  wrapPath?: (y: Sym, info: PathInfo) => Sym;
  /** Replaces the block's sum (default: the plain sum). */
  combine?: BlockCombine;
  /**
   * The states concatenated into the cell output (0 = h[i-2], 1 = h[i-1], 2 + j = block j), as a
   * published cell's reference code lists them; default `unusedBlocks(blocks)`.
   */
  concat?: readonly number[];
}

/** The blocks no block of the cell reads, as state indices (2 + j): the default cell output. */
export function unusedBlocks(blocks: readonly NasnetBlock[]): number[] {
  return blocks.map((_, j) => 2 + j).filter((i) => !blocks.some((b) => b.inputs.includes(i)));
}

/**
 * Builds a cell on (h[i-2], h[i-1]). Returns a tensor of k * filters channels, k = number of
 * concatenated states (by default the unused blocks), at the resolution of h[i-1] (halved in a
 * reduction cell).
 * NOTE: the reference code lists the concatenated states per cell (`used_hiddenstates`), and
 * its lists are not "the unused blocks": NASNet-A's normal cell also concatenates h[i-2] (their
 * h_{i-1}), PNASNet-5 all five blocks. Searched cells follow ENAS/DARTS (unused blocks only, so a
 * cell's width depends only on its blocks); published cells carry the reference list.
 */
export function buildNasnetCell(ctx: BuildContext, blocks: readonly NasnetBlock[], prev2: Sym, prev: Sym, filters: number, opts: CellOptions): Sym {
  const concat = opts.concat ?? unusedBlocks(blocks);
  const used = (i: number) => blocks.some((b) => b.inputs.includes(i)) || concat.includes(i);
  // Fit the inputs (only those some block reads or the output holds): h[i-1] always through
  // ReLU-1x1 conv-BN; h[i-2] through a factorized reduction when the previous cell halved the resolution.
  const states: Sym[] = [];
  if (used(0)) {
    if (heightOf(prev2) !== heightOf(prev)) states[0] = factorizedReduce(ctx, prev2, filters);
    else states[0] = channelsOf(prev2) === filters ? prev2 : reluConvBn(ctx, prev2, filters, 1);
  } else states[0] = prev2; // unused: never read
  states[1] = used(1) ? reluConvBn(ctx, prev, filters, 1) : prev;

  const combine = opts.combine;
  blocks.forEach((b, j) => {
    const identity: boolean[] = [];
    const paths = [0, 1].map((k) => {
      const input = b.inputs[k];
      const stride = opts.reduction && input < 2 ? 2 : 1;
      let y = getOp(b.ops[k])(ctx, states[input], filters, stride);
      identity[k] = y === states[input];
      if (opts.wrapPath) y = opts.wrapPath(y, { cell: opts.index, block: j, pair: k, op: b.ops[k] });
      return y;
    }) as [Sym, Sym];
    const info: BlockInfo = { cell: opts.index, block: j, reduction: opts.reduction, ops: b.ops, inputs: b.inputs, identity: identity as [boolean, boolean] };
    if (!combine) states[2 + j] = sum(ctx, paths);
    else ctx.states.push((states[2 + j] = combine(paths, info, ctx))); // (sum() records its own output: the builder frees what the output never reads)
  });

  // An input in the output of a reduction cell is halved like the blocks (nasnet_utils'
  // _combine_unused_states applies a factorized reduction). NOTE: ours starts with a ReLU
  // (factorizedReduce's), the reference's does not; none of the published cells does this.
  const outs = concat.map((i) => (i < 2 && opts.reduction ? factorizedReduce(ctx, states[i], filters) : states[i]));
  return outs.length === 1 ? outs[0] : (tf.layers.concatenate({ axis: -1, name: ctx.name('cell_out') }).apply(outs) as Sym);
}
