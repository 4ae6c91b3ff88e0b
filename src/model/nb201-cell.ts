/**
 * One NAS-Bench-201 cell (Dong & Yang 2020, "NAS-Bench-201", Sec. 2.1, Fig. 1): node 0 is
 * the cell input, node k (1..3) sums op_e(node j) over its edges j -> k, node 3 is the
 * output. Every op keeps the width and the resolution (stride 1).
 */
import * as tf from '#tfjs';
import { channelsOf, reluConvBn, sum, type BuildContext, type Sym } from './context.js';
import { getOp } from './ops/registry.js';
import { NB201_EDGES } from '../space/nb201.js';
import type { PathInfo } from './nasnet-cell.js';

/**
 * Builds a cell from its 6 edge ops (standard edge order) on `x`; output width `channels`.
 * NOTE: `none` edges, and edges leaving a node that only has `none` inputs, are left out
 * instead of adding zeros (NB201 sums a zero tensor; here a ReLU-conv-BN of zeros would give
 * BN's beta where NB201 gives beta too, so the only difference is that we skip that beta).
 * A cell whose output node has no inputs at all outputs zeros.
 * NOTE: when x is not `channels` wide (stem width != filters) a ReLU-1x1 conv-BN fits it.
 */
export function buildNb201Cell(ctx: BuildContext, edges: readonly string[], x: Sym, channels: number, opts: { index: number; wrapPath?: (y: Sym, info: PathInfo) => Sym }): Sym {
  const input = channelsOf(x) === channels ? x : reluConvBn(ctx, x, channels, 1);
  const nodes: (Sym | null)[] = [input];
  for (let k = 1; k <= 3; k++) {
    const terms: Sym[] = [];
    NB201_EDGES.forEach(([to, from], e) => {
      const src = nodes[from];
      if (to !== k || edges[e] === 'none' || !src) return;
      let y = getOp(edges[e])(ctx, src, channels, 1);
      if (opts.wrapPath) y = opts.wrapPath(y, { cell: opts.index, block: k - 1, pair: from, op: edges[e] });
      terms.push(y);
    });
    nodes[k] = terms.length === 0 ? null : sum(ctx, terms);
  }
  return nodes[3] ?? getOp('none')(ctx, input, channels, 1);
}

/**
 * The residual reduction block between NB201 stages (Dong & Yang 2020, Sec. 2.1: a ResNet
 * basic block, He et al. 2016): ReLU-3x3 conv(stride 2)-BN, ReLU-3x3 conv-BN, plus a
 * shortcut of 2x2 average pool (stride 2) and 1x1 conv.
 * NOTE: the shortcut pool uses 'same' padding so odd sizes (7 -> 4) match the strided conv.
 */
export function buildResidualReduction(ctx: BuildContext, x: Sym, channels: number): Sym {
  const a = reluConvBn(ctx, x, channels, 3, 2);
  const b = reluConvBn(ctx, a, channels, 3, 1);
  const pooled = tf.layers.averagePooling2d({ poolSize: 2, strides: 2, padding: 'same', name: ctx.name('avgpool') }).apply(x) as Sym;
  const shortcut = tf.layers
    .conv2d({ filters: channels, kernelSize: 1, useBias: false, kernelInitializer: ctx.kernelInit(), name: ctx.name('conv') })
    .apply(pooled) as Sym;
  return tf.layers.add({ name: ctx.name('add') }).apply([shortcut, b]) as Sym;
}
