/**
 * What every op builder shares while one model is built: unique layer names and a seed
 * sequence, so the same (genotype, macro, seed) always gives the same initial weights.
 * The layer helpers here are the standard building blocks of the ops (ReLU-conv-BN, ...).
 */
import * as tf from '#tfjs';
import { batchNormalization } from './batch-norm.js';

export type Sym = tf.SymbolicTensor;

/**
 * A seed as tfjs' initializers need it. Their normal and truncated-normal generators take seed 0
 * for "no seed" (`seed ? seed : Math.random()`), so a build with seed 0 drew different weights
 * every time; 0 becomes 2^31 - 1, which no other seed of a build reaches (those stay < 10^9).
 */
export function initializerSeed(seed: number): number {
  return seed === 0 ? 2 ** 31 - 1 : seed;
}

/** Names and seeds for one model build. */
export class BuildContext {
  private seed: number;
  private readonly counts = new Map<string, number>();
  /** ReLU outputs by input: ops reading the same state share one ReLU layer (fewer kernels per step). */
  readonly relus = new WeakMap<Sym, Sym>();
  /** Every cell state and cell output built: the builder frees those the output never reads. */
  readonly states: Sym[] = [];

  /**
   * @param withBatchNorm false builds every batch norm as the identity (for synflow: Tanaka et al.
   * 2020 score the network without BN, as zero-cost-nas' copy with `bn=False` does).
   */
  constructor(seed = 0, readonly prefix = '', readonly withBatchNorm = true) {
    // Keep seeds in int32 range: tfjs initializers hand them to seedrandom as numbers.
    this.seed = (Math.abs(Math.floor(seed)) % 1_000_000) * 1000;
  }

  /** The next initializer seed. */
  nextSeed(): number {
    return initializerSeed(this.seed++);
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

/** Batch norm of x; x itself when the context builds without BN. */
export function batchNorm(ctx: BuildContext, x: Sym): Sym {
  if (!ctx.withBatchNorm) return x;
  return batchNormalization({ axis: -1, momentum: BN_MOMENTUM, name: ctx.name('bn') }).apply(x) as Sym;
}

/** A bias-free 'same' conv (BN follows, so a bias would be redundant). */
export function conv(ctx: BuildContext, x: Sym, filters: number, kernel: number | [number, number], stride: number | [number, number] = 1, dilation = 1, padding: 'same' | 'valid' = 'same'): Sym {
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

/**
 * The sum of `terms` as one layer. A tensor that appears k times enters once, scaled by k:
 * tfjs-layers' executor counts a tensor's consumers once per layer but releases it once per
 * input slot, so `add([s, s])` (a block `identity(s) + identity(s)`: identity returns its input
 * at stride 1) frees `s` in predict() while later layers still read it, and inference throws
 * "Cannot read properties of undefined (reading 'backend')". Training (apply) is unaffected.
 */
export function sum(ctx: BuildContext, terms: Sym[]): Sym {
  const counts = new Map<Sym, number>();
  for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
  const parts = [...counts].map(([t, k]) => (k === 1 ? t : (tf.layers.rescaling({ scale: k, name: ctx.name('scale') }).apply(t) as Sym)));
  const out = parts.length === 1 ? parts[0] : (tf.layers.add({ name: ctx.name('add') }).apply(parts) as Sym);
  ctx.states.push(out);
  return out;
}

/** Fits x to (channels, stride): itself, a ReLU-1x1 conv-BN projection, or a factorized reduction. */
export function fitShape(ctx: BuildContext, x: Sym, channels: number, stride: number): Sym {
  if (stride === 2) return factorizedReduce(ctx, x, channels);
  return channelsOf(x) === channels ? x : reluConvBn(ctx, x, channels, 1);
}
