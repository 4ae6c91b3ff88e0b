/**
 * The contract between the tfjs kernel wrappers (kernels.ts) and an implementation of the
 * six convolution directions over NHWC float32 data. An implementation returns null for a
 * call it cannot take (e.g. oneDNN refusing a shape), and the wrapper falls back.
 */
import type * as tf from '@tensorflow/tfjs';
import * as js from './js/conv2d.js';
import * as dw from './js/depthwise.js';

export type ConvInfo = tf.backend_util.Conv2DInfo;

export interface ConvImpl {
  readonly name: string;
  conv2d(x: Float32Array, w: Float32Array, c: ConvInfo): Float32Array | null;
  conv2dBackpropInput(dy: Float32Array, w: Float32Array, c: ConvInfo): Float32Array | null;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, c: ConvInfo): Float32Array | null;
  depthwise(x: Float32Array, w: Float32Array, c: ConvInfo): Float32Array | null;
  depthwiseBackpropInput(dy: Float32Array, w: Float32Array, c: ConvInfo): Float32Array | null;
  depthwiseBackpropFilter(x: Float32Array, dy: Float32Array, c: ConvInfo): Float32Array | null;
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
    conv2d: (x, w, c) => first.conv2d(x, w, c) ?? second.conv2d(x, w, c),
    conv2dBackpropInput: (dy, w, c) => first.conv2dBackpropInput(dy, w, c) ?? second.conv2dBackpropInput(dy, w, c),
    conv2dBackpropFilter: (x, dy, c) => first.conv2dBackpropFilter(x, dy, c) ?? second.conv2dBackpropFilter(x, dy, c),
    depthwise: (x, w, c) => first.depthwise(x, w, c) ?? second.depthwise(x, w, c),
    depthwiseBackpropInput: (dy, w, c) => first.depthwiseBackpropInput(dy, w, c) ?? second.depthwiseBackpropInput(dy, w, c),
    depthwiseBackpropFilter: (x, dy, c) => first.depthwiseBackpropFilter(x, dy, c) ?? second.depthwiseBackpropFilter(x, dy, c),
  };
}
