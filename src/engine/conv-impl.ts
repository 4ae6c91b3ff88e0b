/**
 * The contract between the tfjs kernel wrappers (kernels.ts) and an implementation of the
 * six convolution directions over NHWC float32 data. An implementation returns null for a
 * call it cannot take (e.g. oneDNN refusing a shape), and the wrapper falls back. Outputs come
 * from `alloc` (the backend's buffer pool, src/engine/buffer-pool.ts).
 */
import type * as tf from '#tfjs';
import type { Alloc } from './buffer-pool.js';
import * as js from './js/conv2d.js';
import * as dw from './js/depthwise.js';

export type ConvInfo = tf.backend_util.Conv2DInfo;

export interface ConvImpl {
  readonly name: string;
  conv2d(x: Float32Array, w: Float32Array, c: ConvInfo, alloc?: Alloc): Float32Array | null;
  conv2dBackpropInput(dy: Float32Array, w: Float32Array, c: ConvInfo, alloc?: Alloc): Float32Array | null;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, c: ConvInfo, alloc?: Alloc): Float32Array | null;
  depthwise(x: Float32Array, w: Float32Array, c: ConvInfo, alloc?: Alloc): Float32Array | null;
  depthwiseBackpropInput(dy: Float32Array, w: Float32Array, c: ConvInfo, alloc?: Alloc): Float32Array | null;
  depthwiseBackpropFilter(x: Float32Array, dy: Float32Array, c: ConvInfo, alloc?: Alloc): Float32Array | null;
}

/** The pure-JS kernels: take every NHWC float32 call. */
export const jsConv: ConvImpl = {
  name: 'js',
  conv2d: js.conv2dForward,
  conv2dBackpropInput: js.conv2dBackpropInput,
  conv2dBackpropFilter: js.conv2dBackpropFilter,
  depthwise: dw.depthwiseForward,
  depthwiseBackpropInput: dw.depthwiseBackpropInput,
  depthwiseBackpropFilter: dw.depthwiseBackpropFilter,
};

/** `first`, falling back to `second` for every call `first` declines. */
export function withFallback(first: ConvImpl, second: ConvImpl): ConvImpl {
  return {
    name: `${first.name}+${second.name}`,
    conv2d: (x, w, c, alloc) => first.conv2d(x, w, c, alloc) ?? second.conv2d(x, w, c, alloc),
    conv2dBackpropInput: (dy, w, c, alloc) => first.conv2dBackpropInput(dy, w, c, alloc) ?? second.conv2dBackpropInput(dy, w, c, alloc),
    conv2dBackpropFilter: (x, dy, c, alloc) => first.conv2dBackpropFilter(x, dy, c, alloc) ?? second.conv2dBackpropFilter(x, dy, c, alloc),
    depthwise: (x, w, c, alloc) => first.depthwise(x, w, c, alloc) ?? second.depthwise(x, w, c, alloc),
    depthwiseBackpropInput: (dy, w, c, alloc) => first.depthwiseBackpropInput(dy, w, c, alloc) ?? second.depthwiseBackpropInput(dy, w, c, alloc),
    depthwiseBackpropFilter: (x, dy, c, alloc) => first.depthwiseBackpropFilter(x, dy, c, alloc) ?? second.depthwiseBackpropFilter(x, dy, c, alloc),
  };
}
