/**
 * tfjs kernel configs that route the convolution kernels of a cpu-like backend to a
 * ConvImpl (pure JS or oneDNN). Anything outside NHWC float32 (NCHW, complex, int) goes to
 * the stock tfjs kernel unchanged, so an unusual call is slow but never wrong.
 */
import * as tf from '#tfjs';
import { allocFor } from './buffer-pool.js';
import type { ConvImpl, ConvInfo } from './conv-impl.js';
import { type CpuLike, type Inputs, type Run, registerRunners, values } from './kernel-util.js';

const bu = tf.backend_util;

function nhwc(dataFormat: unknown): boolean {
  return dataFormat === undefined || dataFormat === 'NHWC' || dataFormat === 'channelsLast';
}

function pair(v: unknown): [number, number] {
  if (v == null) return [1, 1];
  if (typeof v === 'number') return [v, v];
  return v as [number, number];
}

/** The convolution kernels an implementation takes over: kernel name -> (args) -> result | null (use stock). */
function runners(impl: ConvImpl): Record<string, Run> {
  const a = (x: tf.NamedAttrMap) => x as Record<string, any>;
  return {
    Conv2D(b, { x, filter }, at) {
      const { strides, pad, dataFormat, dilations, dimRoundingMode } = a(at);
      const xv = values(b, x), wv = values(b, filter);
      if (!nhwc(dataFormat) || !xv || !wv) return null;
      const c = bu.computeConv2DInfo(x.shape as any, filter.shape as any, strides, dilations, pad, dimRoundingMode, false);
      return out(b, c.outShape, impl.conv2d(xv, wv, c, allocFor(b)));
    },
    Conv2DBackpropInput(b, { dy, filter }, at) {
      const { inputShape, strides, pad, dataFormat, dimRoundingMode, dilations } = a(at);
      const dv = values(b, dy), wv = values(b, filter);
      if (!nhwc(dataFormat) || !dv || !wv) return null;
      // NOTE: tfjs passes no dilations to this kernel; we honour one if a caller adds it.
      const c = bu.computeConv2DInfo(inputShape, filter.shape as any, strides, pair(dilations), pad, dimRoundingMode, false);
      return out(b, c.inShape, impl.conv2dBackpropInput(dv, wv, c, allocFor(b)));
    },
    Conv2DBackpropFilter(b, { x, dy }, at) {
      const { strides, pad, dataFormat, dimRoundingMode, filterShape, dilations } = a(at);
      const xv = values(b, x), dv = values(b, dy);
      if (!nhwc(dataFormat) || !xv || !dv) return null;
      const c = bu.computeConv2DInfo(x.shape as any, filterShape, strides, pair(dilations), pad, dimRoundingMode, false);
      return out(b, c.filterShape, impl.conv2dBackpropFilter(xv, dv, c, allocFor(b)));
    },
    DepthwiseConv2dNative(b, { x, filter }, at) {
      const { strides, pad, dilations, dimRoundingMode } = a(at);
      const xv = values(b, x), wv = values(b, filter);
      if (!xv || !wv) return null;
      const c = bu.computeConv2DInfo(x.shape as any, filter.shape as any, strides, pair(dilations), pad, dimRoundingMode, true);
      return out(b, c.outShape, impl.depthwise(xv, wv, c, allocFor(b)));
    },
    DepthwiseConv2dNativeBackpropInput(b, { dy, filter }, at) {
      const { strides, dilations, pad, dimRoundingMode, inputShape } = a(at);
      const dv = values(b, dy), wv = values(b, filter);
      if (!dv || !wv) return null;
      const c = bu.computeConv2DInfo(inputShape, filter.shape as any, strides, pair(dilations), pad, dimRoundingMode, true);
      return out(b, c.inShape, impl.depthwiseBackpropInput(dv, wv, c, allocFor(b)));
    },
    DepthwiseConv2dNativeBackpropFilter(b, { x, dy }, at) {
      const { strides, dilations, pad, dimRoundingMode, filterShape } = a(at);
      const xv = values(b, x), dv = values(b, dy);
      if (!xv || !dv) return null;
      const c = bu.computeConv2DInfo(x.shape as any, filterShape, strides, pair(dilations), pad, dimRoundingMode, true);
      return out(b, c.filterShape, impl.depthwiseBackpropFilter(xv, dv, c, allocFor(b)));
    },
    FusedConv2D(b, inputs, at) {
      return fused(b, inputs, a(at), (xv, wv, x, filter, at2) => {
        const c = bu.computeConv2DInfo(x.shape as any, filter.shape as any, at2.strides, at2.dilations, at2.pad, at2.dimRoundingMode, false);
        return [c, impl.conv2d(xv, wv, c, allocFor(b))];
      });
    },
    FusedDepthwiseConv2D(b, inputs, at) {
      return fused(b, inputs, a(at), (xv, wv, x, filter, at2) => {
        const c = bu.computeConv2DInfo(x.shape as any, filter.shape as any, at2.strides, pair(at2.dilations), at2.pad, at2.dimRoundingMode, true);
        return [c, impl.depthwise(xv, wv, c, allocFor(b))];
      });
    },
  };
}

function out(b: CpuLike, shape: number[], v: Float32Array | null): tf.TensorInfo | null {
  return v ? b.makeTensorInfo(shape, 'float32', v) : null;
}

/** Conv + per-channel bias + linear/relu/relu6, in place; anything fancier goes to the stock kernel. */
function fused(
  b: CpuLike, inputs: Inputs, at: Record<string, any>,
  conv: (xv: Float32Array, wv: Float32Array, x: tf.TensorInfo, f: tf.TensorInfo, at: Record<string, any>) => [ConvInfo, Float32Array | null],
): tf.TensorInfo | null {
  const { x, filter } = inputs;
  const bias = inputs.bias as tf.TensorInfo | undefined;
  const act = at.activation ?? 'linear';
  if (!nhwc(at.dataFormat) || !['linear', 'relu', 'relu6'].includes(act)) return null;
  const xv = values(b, x), wv = values(b, filter);
  if (!xv || !wv) return null;
  let bv: Float32Array | null = null;
  if (bias) {
    bv = values(b, bias);
    if (!bv) return null;
  }
  const [c, y] = conv(xv, wv, x, filter, at);
  if (!y) return null;
  const O = c.outChannels;
  if (bv && !(bv.length === O || bv.length === 1)) return null;
  if (bv || act !== 'linear') {
    const cap = act === 'relu6' ? 6 : Infinity;
    const relu = act !== 'linear';
    for (let i = 0; i < y.length; i += O) {
      for (let j = 0; j < O; j++) {
        let v = y[i + j];
        if (bv) v += bv.length === 1 ? bv[0] : bv[j];
        if (relu) v = v < 0 ? 0 : v > cap ? cap : v;
        y[i + j] = v;
      }
    }
  }
  return b.makeTensorInfo(c.outShape, 'float32', y);
}

/** The kernel names a ConvImpl overrides. */
export const convKernelNames: readonly string[] = Object.keys(runners({} as ConvImpl));

/**
 * Registers `impl` for the convolution kernels of `backendName`; `stock` holds the kernels
 * to use for calls the wrappers decline (NCHW, non-float32, unsupported fused activations).
 */
export function registerConvKernels(backendName: string, impl: ConvImpl, stock: Map<string, tf.KernelConfig>): void {
  registerRunners(backendName, runners(impl), stock);
}
