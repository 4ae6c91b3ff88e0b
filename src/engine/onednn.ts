/**
 * Loads the oneDNN N-API addon (native/, built by scripts/build-native.mjs) and wraps it as
 * a ConvImpl. oneDNN (Intel, "oneAPI Deep Neural Network Library") runs the convolutions
 * directly on the Float32Arrays the tfjs cpu backend holds: no copies of activations.
 *
 * The addon path can be overridden with NAS_ONEDNN_ADDON (tests point it at a missing file
 * to exercise the fallback).
 */
import './openmp-wait.js'; // before the addon loads libgomp
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../core/paths.js';
import { freshArray } from './buffer-pool.js';
import type { ConvImpl, ConvInfo } from './conv-impl.js';

/** What the native module exports (native/src/addon.cc). */
interface NativeModule {
  /** api: the version of these entry points (native/src/addon.cc kApi). */
  version(): { compiled: string; runtime: string; api?: number };
  setThreads(n: number): void;
  /** direction 0 forward, 1 backward-data, 2 backward-weights; returns false when oneDNN declines. */
  conv(direction: number, src: Float32Array, weights: Float32Array, dst: Float32Array, geom: Int32Array): boolean;
  /** Primitives cached so far in this thread (for tests). */
  cacheSize(): number;
  binary(op: number, big: Float32Array, small: Float32Array, out: Float32Array, outer: number, mid: number, inner: number, flip: boolean): boolean;
  unary(op: number, x: Float32Array, out: Float32Array, alpha: number): boolean;
  reduce(x: Float32Array, out: Float32Array, outer: number, mid: number, inner: number, mean: boolean): boolean;
  /** kind 0 max (x, y), 2 avg (x, y), 3 avg gradient (dy, dx). */
  pool(kind: number, a: Float32Array, b: Float32Array, geom: Int32Array): boolean;
  /** Copies a 4-d box between row-major tensors (native/src/layout.h); geom = srcShape srcBegin dstShape dstBegin size. */
  copyBox(src: Float32Array, dst: Float32Array, geom: Int32Array): boolean;
  /** Max-pool gradient from the forward output y (first window position equal to the max gets dy). */
  maxPoolGrad(dy: Float32Array, x: Float32Array, y: Float32Array, dx: Float32Array, geom: Int32Array): boolean;
  /** Training-mode batch norm over the last axis (native/src/batchnorm.h); false when sizes disagree. */
  batchNorm(x: Float32Array, gamma: Float32Array, beta: Float32Array, y: Float32Array, mean: Float32Array, variance: Float32Array, eps: number): boolean;
  batchNormGrad(dy: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array,
    dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array, eps: number): boolean;
}

/** The element-wise, reduction and pooling entry points of the addon (native/src/eltwise.h). */
export type NativeEltwise = Pick<NativeModule, 'binary' | 'unary' | 'reduce' | 'pool' | 'copyBox' | 'maxPoolGrad'>;
/** The fused batch-norm entry points (native/src/batchnorm.h). */
export type NativeBatchNorm = Pick<NativeModule, 'batchNorm' | 'batchNormGrad'>;

export interface OnednnAddon {
  /** The oneDNN version the addon runs against. */
  readonly version: string;
  readonly conv: ConvImpl;
  readonly eltwise: NativeEltwise;
  readonly batchNorm: NativeBatchNorm;
  setThreads(n: number): void;
  cacheSize(): number;
}

/** Where the built addon lives. */
export const addonPath = (): string =>
  process.env.NAS_ONEDNN_ADDON ?? join(packageRoot, 'native', 'build', 'Release', 'nas_onednn.node');

const FWD = 0, BWD_DATA = 1, BWD_WEIGHTS = 2;
/** The entry points this file calls; an addon built from older sources has another. */
const ADDON_API = 2;

/** Loads the addon, or says in one line why not. Never throws. */
export function loadOnednn(): { addon: OnednnAddon | null; error: string | null } {
  const path = addonPath();
  if (!existsSync(path)) return { addon: null, error: 'the oneDNN addon is not built' };
  let native: NativeModule;
  try {
    native = createRequire(import.meta.url)(path) as NativeModule;
  } catch (e) {
    return { addon: null, error: `the oneDNN addon failed to load (${firstLine(e)})` };
  }
  const { compiled, runtime, api } = native.version();
  if (api !== ADDON_API) {
    return { addon: null, error: 'the oneDNN addon was built from older sources; rebuild it: node scripts/build-native.mjs' };
  }
  if (majorMinor(compiled) !== majorMinor(runtime)) {
    return { addon: null, error: `the oneDNN addon was built for oneDNN ${compiled} but ${runtime} is installed; rebuild it: node scripts/build-native.mjs` };
  }
  return {
    addon: { version: runtime, conv: nativeConv(native), eltwise: native,
      batchNorm: native, setThreads: (n) => native.setThreads(n), cacheSize: () => native.cacheSize() },
    error: null,
  };
}

const firstLine = (e: unknown) => String(e instanceof Error ? e.message : e).split('\n')[0];
const majorMinor = (v: string) => v.split('.').slice(0, 2).join('.');

/** Geometry as the addon reads it: N H W C OH OW O kH kW sH sW dH dW padTop padLeft groups. */
function geom(c: ConvInfo, groups: number): Int32Array {
  return Int32Array.from([
    c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.outHeight, c.outWidth, c.outChannels,
    c.filterHeight, c.filterWidth, c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth,
    c.padInfo.top, c.padInfo.left, groups,
  ]);
}

function nativeConv(n: NativeModule): ConvImpl {
  const xSize = (c: ConvInfo) => c.batchSize * c.inHeight * c.inWidth * c.inChannels;
  const ySize = (c: ConvInfo) => c.batchSize * c.outHeight * c.outWidth * c.outChannels;
  const wSize = (c: ConvInfo, depthwise: boolean) =>
    c.filterHeight * c.filterWidth * (depthwise ? c.outChannels : c.inChannels * c.outChannels);
  const run = (dir: number, x: Float32Array, w: Float32Array, y: Float32Array, c: ConvInfo, dw: boolean) =>
    n.conv(dir, x, w, y, geom(c, dw ? c.inChannels : 1));
  // No fill (alloc's `true`): a oneDNN primitive without a sum post-op (we attach none) writes
  // every element of its destination, and native/src/depthwise.cc assigns every dw[k]. An array
  // taken for a call the addon declines is left to the garbage collector.
  return {
    name: 'onednn',
    conv2d(x, w, c, alloc = freshArray) {
      const y = alloc(ySize(c), true);
      return run(FWD, x, w, y, c, false) ? y : null;
    },
    conv2dBackpropInput(dy, w, c, alloc = freshArray) {
      const dx = alloc(xSize(c), true);
      return run(BWD_DATA, dx, w, dy, c, false) ? dx : null;
    },
    conv2dBackpropFilter(x, dy, c, alloc = freshArray) {
      const dw = alloc(wSize(c, false), true);
      return run(BWD_WEIGHTS, x, dw, dy, c, false) ? dw : null;
    },
    depthwise(x, w, c, alloc = freshArray) {
      const y = alloc(ySize(c), true);
      return run(FWD, x, w, y, c, true) ? y : null;
    },
    depthwiseBackpropInput(dy, w, c, alloc = freshArray) {
      const dx = alloc(xSize(c), true);
      return run(BWD_DATA, dx, w, dy, c, true) ? dx : null;
    },
    depthwiseBackpropFilter(x, dy, c, alloc = freshArray) {
      const dw = alloc(wSize(c, true), true);
      return run(BWD_WEIGHTS, x, dw, dy, c, true) ? dw : null;
    },
  };
}
