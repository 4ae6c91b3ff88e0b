/**
 * What every op builder shares while one model is built: unique layer names and a seed
 * sequence, so the same (genotype, macro, seed) always gives the same initial weights.
 * The layer helpers here are the standard building blocks of the ops (ReLU-conv-BN, ...).
 */
import * as tf from '@tensorflow/tfjs';
import { batchNormalization } from './batch-norm.js';

export type Sym = tf.SymbolicTensor;

/** Names and seeds for one model build. */
export class BuildContext {
  private seed: number;
  private readonly counts = new Map<string, number>();
  /** ReLU outputs by input: ops reading the same state share one ReLU layer (fewer kernels per step). */
  readonly relus = new WeakMap<Sym, Sym>();

  constructor(seed = 0, readonly prefix = '') {
    // Keep seeds in int32 range: tfjs initializers hand them to seedrandom as numbers.
    this.seed = (Math.abs(Math.floor(seed)) % 1_000_000) * 1000;
  }

  /** The next initializer seed. */
  nextSeed(): number {
    return this.seed++;
  }

  /** A layer name unique within the model: `<prefix><base>_<k>`. */
  name(base: string): string {
    const k = this.counts.get(base) ?? 0;
    this.counts.set(base, k + 1);
    return `${this.prefix}${base}_${k}`;
  }

  /** He-normal kernel initializer (He et al. 2015) with the next seed. */
  kernelInit(): ReturnType<typeof tf.initializers.heNormal> {
    return tf.initializers.heNormal({ seed: this.nextSeed() });
  }
}

/** Channels (last axis) of a NHWC symbolic tensor. */
export function channelsOf(x: Sym): number {
  return x.shape[x.shape.length - 1] as number;
}

/** Height of a NHWC symbolic tensor. */
export function heightOf(x: Sym): number {
  return x.shape[1] as number;
}

/** ReLU of x; built once per x and model (ReLU has no weights, so sharing changes nothing but cost). */
export function relu(ctx: BuildContext, x: Sym): Sym {
  let y = ctx.relus.get(x);
  if (!y) ctx.relus.set(x, (y = tf.layers.reLU({ name: ctx.name('relu') }).apply(x) as Sym));
  return y;
}

/**
 * Batch norm with moving-average momentum 0.9 (PyTorch's default, 0.1 in its convention).
 * NOTE: Keras/tfjs default to 0.99 and NASNet to 0.9997; after the few dozen steps of a proxy
 * child those moving statistics are still mostly their initial values, so validation in
 * inference mode scores near chance whatever the architecture. 0.9 converges in ~40 steps.
 */
export const BN_MOMENTUM = 0.9;

export function batchNorm(ctx: BuildContext, x: Sym): Sym {
  return batchNormalization({ axis: -1, momentum: BN_MOMENTUM, name: ctx.name('bn') }).apply(x) as Sym;
}

/** A bias-free 'same' conv (BN follows, so a bias would be redundant). */
export function conv(ctx: BuildContext, x: Sym, filters: number, kernel: number | [number, number], stride = 1, dilation = 1, padding: 'same' | 'valid' = 'same'): Sym {
  return tf.layers
    .conv2d({ filters, kernelSize: kernel, strides: stride, dilationRate: dilation, padding, useBias: false, kernelInitializer: ctx.kernelInit(), name: ctx.name('conv') })
    .apply(x) as Sym;
}

/** ReLU, conv, BN: the standard conv op (Zoph et al. 2018; Dong & Yang 2020's ReLUConvBN). */
export function reluConvBn(ctx: BuildContext, x: Sym, filters: number, kernel: number, stride = 1): Sym {
  return batchNorm(ctx, conv(ctx, relu(ctx, x), filters, kernel, stride));
}

/**
 * Factorized reduction (Zoph et al. 2018, NASNet code `_factorized_reduction`): halves the
 * resolution without losing half of the pixels: ReLU, then two 1x1 stride-2 convs, one on x
 * and one on x shifted by one pixel, concatenated, BN.
 */
export function factorizedReduce(ctx: BuildContext, x: Sym, filters: number): Sym {
  const r = relu(ctx, x);
  const half = Math.floor(filters / 2);
  const padded = tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: ctx.name('pad') }).apply(r) as Sym;
  const shifted = tf.layers.cropping2D({ cropping: [[1, 0], [1, 0]], name: ctx.name('shift') }).apply(padded) as Sym;
  const b = conv(ctx, shifted, filters - half, 1, 2, 1, 'valid');
  const cat = half > 0 ? (tf.layers.concatenate({ axis: -1, name: ctx.name('concat') }).apply([conv(ctx, r, half, 1, 2, 1, 'valid'), b]) as Sym) : b;
  return batchNorm(ctx, cat);
}

/** Fits x to (channels, stride): itself, a ReLU-1x1 conv-BN projection, or a factorized reduction. */
export function fitShape(ctx: BuildContext, x: Sym, channels: number, stride: number): Sym {
  if (stride === 2) return factorizedReduce(ctx, x, channels);
  return channelsOf(x) === channels ? x : reluConvBn(ctx, x, channels, 1);
}
