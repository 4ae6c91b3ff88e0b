/**
 * The stem: one convolution + BN before the first cell, `stemChannels` wide.
 *
 * By default a 3x3 stride-1 conv, NASNet's CIFAR stem (Zoph et al. 2018, nasnet.py). `stemKernel`
 * and `stemStride` give the large strided first layers of the ImageNet networks: AlexNet's 11x11
 * stride 4 (Krizhevsky, Sutskever & Hinton 2012, "ImageNet Classification with Deep Convolutional
 * Neural Networks", Sec. 3.5) and ZFNet's 7x7 stride 2 (Zeiler & Fergus 2014, "Visualizing and
 * Understanding Convolutional Networks", Sec. 4.1, which shrank AlexNet's to cut aliasing).
 * NOTE: 'same' padding (the output side is ceil(side / stride)), where AlexNet's conv1 is unpadded
 * (227 -> 55); and a BN follows, which neither paper has (AlexNet normalises with its local
 * response normalisation). The baselines scale the papers' stems to 28x28 / 32x32 inputs
 * (search-spaces/baselines/alexnet.json, zfnet.json; docs/spaces.md).
 */
import type * as tf from '#tfjs';
import type { MacroSettings } from '../space/types.js';
import { batchNorm, conv, type BuildContext, type Sym } from './context.js';

/** Stem conv + BN on the input image. */
export function buildStem(ctx: BuildContext, input: tf.SymbolicTensor, macro: MacroSettings): Sym {
  return batchNorm(ctx, conv(ctx, input, macro.stemChannels, macro.stemKernel ?? 3, macro.stemStride ?? 1));
}
