/**
 * Grouped 3x3 convolution op `group_conv_3x3_c<k>` (ResNeXt's aggregated transformation, Xie
 * et al. 2017, "Aggregated Residual Transformations for Deep Neural Networks", Sec. 3.3: the
 * 3x3 layer of the bottleneck split into k groups, "cardinality"): ReLU, grouped 3x3 conv
 * (the stride), BN, in the ReLU-conv-BN order of the NASNet ops.
 * Params: 9 · C_in/k · C_out + 2 C_out (BN). Mult-adds: H_out · W_out · C_out · 9 · C_in/k.
 * NOTE: ResNeXt puts the grouped conv between two 1x1 convs of its bottleneck block; as a cell
 * op it is the grouped 3x3 layer alone (the cell's 1x1 input fits play the 1x1s' part).
 */
import { UserError } from '../../core/errors.js';
import { batchNorm, channelsOf, relu, type Sym } from '../context.js';
import { GroupConv2D } from '../layers/group-conv.js';
import type { OpBuilder } from './types.js';

export const groupConv3x3 = (cardinality: number): OpBuilder => (ctx, x, channels, stride) => {
  const inC = channelsOf(x);
  for (const [what, c] of [['input', inC], ['output', channels]] as const)
    if (c % cardinality !== 0) throw new UserError(`group_conv_3x3_c${cardinality}: cardinality ${cardinality} does not divide the ${c} ${what} channels`);
  const layer = new GroupConv2D({ filters: channels, kernelSize: 3, strides: stride, groups: cardinality, seed: ctx.nextSeed(), name: ctx.name('groupconv') });
  return batchNorm(ctx, layer.apply(relu(ctx, x)) as Sym);
};
