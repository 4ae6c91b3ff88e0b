/**
 * One ONNX mapping per tfjs layer class the model builder uses. Tensors inside the graph are NCHW
 * (ONNX's convolution layout): the exporter transposes the NHWC image once at the input and every
 * kernel is transposed here (HWIO -> OIHW), so the graph needs no other Transpose.
 *
 *   Conv2D, AtrousConv2D      Conv (dilations = rate; 'same' -> explicit pads as TensorFlow computes them)
 *   GroupConv2D               Conv with group = cardinality (the kernel is [k, k, C/groups, O]: HWIO per group)
 *   Reshape, Multiply         Reshape of SENet's excitation to [C, 1, 1], broadcast Mul (the SE scale)
 *   DepthwiseConv2D           Conv with group = channels
 *   SeparableConv2D           Conv with group = channels, then a 1x1 Conv (the pointwise kernel)
 *   BatchNormalization        BatchNormalization in inference form (moving mean and variance)
 *   ReLU, Activation          Relu / Clip / Softmax / Sigmoid / Tanh
 *   MaxPooling2D, AveragePooling2D   MaxPool, AveragePool (count_include_pad=0, tfjs' 'same' average)
 *   Add, Concatenate          Sum, Concat on the channel axis
 *   ZeroPadding2D, Cropping2D Pad, Slice
 *   Rescaling                 Mul (and Add for an offset)
 *   GlobalAveragePooling2D    GlobalAveragePool, Flatten
 *   Dense                     Gemm
 *   DropPath                  nothing: the identity at inference
 *   ShakeShake, ShakeDrop, Swapout   their inference forms: Sum then Mul 0.5, Mul p, Mul keep
 * 'same' padding follows TensorFlow's rule (tf.nn.convolution docs): out = ceil(in / stride),
 * total = max((out - 1) * stride + effective kernel - in, 0), the odd pixel at the bottom/right.
 */
import type * as tf from '#tfjs';
import { UserError } from '../core/errors.js';
import type { OnnxGraph } from './onnx-graph.js';

/** A tensor of the graph: its name and shape without the batch axis ([C, H, W] or [features]). */
export interface OnnxValue {
  name: string;
  shape: number[];
}

type Config = Record<string, unknown>;
type Mapping = (g: OnnxGraph, layer: tf.layers.Layer, inputs: OnnxValue[]) => OnnxValue;

const pair = (v: unknown, fallback: number): [number, number] => {
  if (v === undefined || v === null) return [fallback, fallback];
  if (typeof v === 'number') return [v, v];
  const a = v as number[];
  return [a[0], a.length > 1 ? a[1] : a[0]];
};

/** Explicit [top, left, bottom, right] pads and the output size of a 2-D window op. */
export function windowPads(inHW: [number, number], kernel: [number, number], stride: [number, number], dilation: [number, number], padding: string): { pads: number[]; out: [number, number] } {
  const begin: number[] = [];
  const end: number[] = [];
  const out: number[] = [];
  for (let a = 0; a < 2; a++) {
    const eff = (kernel[a] - 1) * dilation[a] + 1;
    if (padding === 'same') {
      const o = Math.ceil(inHW[a] / stride[a]);
      const total = Math.max((o - 1) * stride[a] + eff - inHW[a], 0);
      begin.push(Math.floor(total / 2));
      end.push(total - Math.floor(total / 2));
      out.push(o);
    } else if (padding === 'valid') {
      begin.push(0);
      end.push(0);
      out.push(Math.floor((inHW[a] - eff) / stride[a]) + 1);
    } else throw new UserError(`padding "${padding}" has no ONNX mapping`);
  }
  return { pads: [...begin, ...end], out: out as [number, number] };
}

/** Weights of a layer by the last part of their name (kernel, bias, gamma, ...). */
function weights(layer: tf.layers.Layer): Map<string, { shape: number[]; values: Float32Array }> {
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const w of layer.weights) {
    const key = w.originalName.split('/').pop()!;
    out.set(key, { shape: w.shape as number[], values: w.read().dataSync() as Float32Array });
  }
  return out;
}

/** HWIO (tfjs conv kernel) -> OIHW (ONNX Conv weight). */
export function hwioToOihw(values: Float32Array, [kh, kw, ci, co]: number[]): Float32Array {
  const out = new Float32Array(values.length);
  for (let h = 0; h < kh; h++) for (let w = 0; w < kw; w++) for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) {
    out[((o * ci + i) * kh + h) * kw + w] = values[((h * kw + w) * ci + i) * co + o];
  }
  return out;
}

/** [kh, kw, C, mult] depthwise kernel -> [C * mult, 1, kh, kw] for a Conv with group = C (output channel c * mult + m). */
function depthwiseToOihw(values: Float32Array, [kh, kw, c, mult]: number[]): Float32Array {
  // The same index arithmetic as HWIO with I = 1 and O = C * mult: tfjs stores [kh, kw, C, mult] = [kh, kw, 1, C * mult] in memory.
  return hwioToOihw(values, [kh, kw, 1, c * mult]);
}

function channelsLast(layer: tf.layers.Layer): void {
  const f = (layer.getConfig() as Config).dataFormat;
  if (f !== undefined && f !== 'channelsLast') throw new UserError(`layer ${layer.name} (${layer.getClassName()}): data format ${String(f)} has no ONNX mapping (nas builds channelsLast)`);
}

/** A Conv node; `w` is already OIHW. */
function convNode(g: OnnxGraph, layer: tf.layers.Layer, x: OnnxValue, w: { shape: number[]; values: Float32Array }, bias: Float32Array | undefined,
  o: { kernel: [number, number]; stride: [number, number]; dilation: [number, number]; padding: string; group: number }, suffix = ''): OnnxValue {
  const [, h, wd] = x.shape;
  const { pads, out } = windowPads([h, wd], o.kernel, o.stride, o.dilation, o.padding);
  const inputs = [x.name, g.float(`${layer.name}${suffix}/W`, w.shape, w.values)];
  if (bias) inputs.push(g.float(`${layer.name}${suffix}/B`, [bias.length], bias));
  const name = g.node('Conv', inputs, `${layer.name}${suffix}`, { kernel_shape: o.kernel, strides: o.stride, dilations: o.dilation, pads, group: o.group });
  return { name, shape: [w.shape[0], ...out] };
}

/** A Keras activation by name, after `x`. */
function activation(g: OnnxGraph, layer: tf.layers.Layer, x: OnnxValue, act: unknown): OnnxValue {
  const a = act === undefined || act === null ? 'linear' : String(act);
  if (a === 'linear') return x;
  const op = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', softmax: 'Softmax' }[a];
  if (!op) throw new UserError(`layer ${layer.name}: activation "${a}" has no ONNX mapping`);
  return { name: g.node(op, [x.name], `${layer.name}/${a}`, op === 'Softmax' ? { axis: 1 } : {}), shape: x.shape };
}

const conv2d: Mapping = (g, layer, [x]) => {
  channelsLast(layer);
  const c = layer.getConfig() as Config;
  const ws = weights(layer);
  const k = ws.get('kernel')!;
  const y = convNode(g, layer, x, { shape: [k.shape[3], k.shape[2], k.shape[0], k.shape[1]], values: hwioToOihw(k.values, k.shape) }, ws.get('bias')?.values, {
    kernel: [k.shape[0], k.shape[1]], stride: pair(c.strides, 1), dilation: pair(c.dilationRate, 1), padding: String(c.padding ?? 'valid'), group: 1,
  });
  return activation(g, layer, y, c.activation);
};

/** src/model/layers/group-conv.ts: k x k, `groups` groups, 'same', no bias. */
const groupConv2d: Mapping = (g, layer, [x]) => {
  const c = layer.getConfig() as Config;
  const k = weights(layer).get('kernel')!;
  const stride = Number(c.strides ?? 1);
  return convNode(g, layer, x, { shape: [k.shape[3], k.shape[2], k.shape[0], k.shape[1]], values: hwioToOihw(k.values, k.shape) }, undefined, {
    kernel: [k.shape[0], k.shape[1]], stride: [stride, stride], dilation: [1, 1], padding: 'same', group: Number(c.groups),
  });
};

/** NHWC target shape -> the NCHW shape; only the SE excitation's [1, 1, C] occurs in nas models. */
const reshape: Mapping = (g, layer, [x]) => {
  const target = (layer.getConfig() as Config).targetShape as number[];
  if (target.length !== 3 || target[0] !== 1 || target[1] !== 1) throw new UserError(`layer ${layer.name}: Reshape to ${JSON.stringify(target)} has no ONNX mapping (nas reshapes [C] to [1, 1, C] only)`);
  const shape = [target[2], 1, 1];
  const to = g.int64(`${layer.name}/shape`, [-1, ...shape]);
  return { name: g.node('Reshape', [x.name, to], layer.name), shape };
};

const multiply: Mapping = (g, layer, xs) => {
  const big = xs.reduce((a, b) => (b.shape.reduce((p, v) => p * v, 1) > a.shape.reduce((p, v) => p * v, 1) ? b : a));
  let y = xs[0].name;
  for (let i = 1; i < xs.length; i++) y = g.node('Mul', [y, xs[i].name], i === xs.length - 1 ? layer.name : `${layer.name}/${i}`);
  return { name: y, shape: big.shape };
};

/** src/model/layers/atrous-conv.ts: k x k, dilation `rate`, stride 1, 'same', no bias. */
const atrousConv2d: Mapping = (g, layer, [x]) => {
  const c = layer.getConfig() as Config;
  const k = weights(layer).get('kernel')!;
  const rate = Number(c.rate);
  return convNode(g, layer, x, { shape: [k.shape[3], k.shape[2], k.shape[0], k.shape[1]], values: hwioToOihw(k.values, k.shape) }, undefined, {
    kernel: [k.shape[0], k.shape[1]], stride: [1, 1], dilation: [rate, rate], padding: 'same', group: 1,
  });
};

const depthwiseConv2d: Mapping = (g, layer, [x]) => {
  channelsLast(layer);
  const c = layer.getConfig() as Config;
  const ws = weights(layer);
  const k = ws.get('depthwise_kernel')!;
  const [kh, kw, ch, mult] = k.shape;
  const y = convNode(g, layer, x, { shape: [ch * mult, 1, kh, kw], values: depthwiseToOihw(k.values, k.shape) }, ws.get('bias')?.values, {
    kernel: [kh, kw], stride: pair(c.strides, 1), dilation: pair(c.dilationRate, 1), padding: String(c.padding ?? 'valid'), group: ch,
  });
  return activation(g, layer, y, c.activation);
};

const separableConv2d: Mapping = (g, layer, [x]) => {
  channelsLast(layer);
  const c = layer.getConfig() as Config;
  const ws = weights(layer);
  const d = ws.get('depthwise_kernel')!;
  const p = ws.get('pointwise_kernel')!;
  const [kh, kw, ch, mult] = d.shape;
  const dw = convNode(g, layer, x, { shape: [ch * mult, 1, kh, kw], values: depthwiseToOihw(d.values, d.shape) }, undefined, {
    kernel: [kh, kw], stride: pair(c.strides, 1), dilation: pair(c.dilationRate, 1), padding: String(c.padding ?? 'valid'), group: ch,
  }, '/depthwise');
  const pw = convNode(g, layer, dw, { shape: [p.shape[3], p.shape[2], 1, 1], values: hwioToOihw(p.values, p.shape) }, ws.get('bias')?.values, {
    kernel: [1, 1], stride: [1, 1], dilation: [1, 1], padding: 'valid', group: 1,
  }, '/pointwise');
  return activation(g, layer, pw, c.activation);
};

const batchNormalization: Mapping = (g, layer, [x]) => {
  const c = layer.getConfig() as Config;
  const axis = c.axis as number | number[];
  const last = Array.isArray(axis) ? axis.length === 1 && (axis[0] === -1 || axis[0] === 3) : axis === -1 || axis === 3;
  if (!last || x.shape.length !== 3) throw new UserError(`layer ${layer.name}: batch norm over axis ${JSON.stringify(axis)} has no ONNX mapping (nas normalizes channels)`);
  const ws = weights(layer);
  const ch = x.shape[0];
  const or = (key: string, fill: number) => ws.get(key)?.values ?? new Float32Array(ch).fill(fill);
  const inputs = [
    g.float(`${layer.name}/scale`, [ch], or('gamma', 1)), g.float(`${layer.name}/B`, [ch], or('beta', 0)),
    g.float(`${layer.name}/mean`, [ch], ws.get('moving_mean')!.values), g.float(`${layer.name}/var`, [ch], ws.get('moving_variance')!.values),
  ];
  return { name: g.node('BatchNormalization', [x.name, ...inputs], layer.name, { epsilon: { float: Number(c.epsilon ?? 1e-3) } }), shape: x.shape };
};

const reLU: Mapping = (g, layer, [x]) => {
  const max = (layer.getConfig() as Config).maxValue;
  if (max === undefined || max === null) return { name: g.node('Relu', [x.name], layer.name), shape: x.shape };
  const lo = g.float(`${layer.name}/min`, [], new Float32Array([0]));
  const hi = g.float(`${layer.name}/max`, [], new Float32Array([Number(max)]));
  return { name: g.node('Clip', [x.name, lo, hi], layer.name), shape: x.shape };
};

const activationLayer: Mapping = (g, layer, [x]) => activation(g, layer, x, (layer.getConfig() as Config).activation);

const pool = (op: 'MaxPool' | 'AveragePool'): Mapping => (g, layer, [x]) => {
  channelsLast(layer);
  const c = layer.getConfig() as Config;
  const kernel = pair(c.poolSize, 2);
  const stride = c.strides === null || c.strides === undefined ? kernel : pair(c.strides, 1);
  const [ch, h, w] = x.shape;
  const { pads, out } = windowPads([h, w], kernel, stride, [1, 1], String(c.padding ?? 'valid'));
  // NOTE: AveragePool's count_include_pad defaults to 0: tfjs' 'same' average divides by the pixels inside the image.
  return { name: g.node(op, [x.name], layer.name, { kernel_shape: kernel, strides: stride, pads }), shape: [ch, ...out] };
};

const add: Mapping = (g, layer, xs) => ({ name: g.node('Sum', xs.map((x) => x.name), layer.name), shape: xs[0].shape });

/** NHWC axis -> NCHW axis. */
const nchwAxis = (axis: number, rank: number) => {
  const a = axis < 0 ? axis + rank : axis;
  return rank === 4 ? [0, 2, 3, 1][a] : a;
};

const concatenate: Mapping = (g, layer, xs) => {
  const axis = nchwAxis(Number((layer.getConfig() as Config).axis ?? -1), xs[0].shape.length + 1);
  const shape = [...xs[0].shape];
  shape[axis - 1] = xs.reduce((s, x) => s + x.shape[axis - 1], 0);
  return { name: g.node('Concat', xs.map((x) => x.name), layer.name, { axis }), shape };
};

const zeroPadding2d: Mapping = (g, layer, [x]) => {
  channelsLast(layer);
  const [[t, b], [l, r]] = (layer.getConfig() as Config).padding as number[][];
  const pads = g.int64(`${layer.name}/pads`, [0, 0, t, l, 0, 0, b, r]);
  const [ch, h, w] = x.shape;
  return { name: g.node('Pad', [x.name, pads], layer.name), shape: [ch, h + t + b, w + l + r] };
};

const cropping2d: Mapping = (g, layer, [x]) => {
  channelsLast(layer);
  const [[t, b], [l, r]] = (layer.getConfig() as Config).cropping as number[][];
  const [ch, h, w] = x.shape;
  const starts = g.int64(`${layer.name}/starts`, [t, l]);
  const ends = g.int64(`${layer.name}/ends`, [h - b, w - r]);
  const axes = g.int64(`${layer.name}/axes`, [2, 3]);
  return { name: g.node('Slice', [x.name, starts, ends, axes], layer.name), shape: [ch, h - t - b, w - l - r] };
};

const rescaling: Mapping = (g, layer, [x]) => {
  const c = layer.getConfig() as Config;
  const scale = g.float(`${layer.name}/scale`, [], new Float32Array([Number(c.scale)]));
  let y = g.node('Mul', [x.name, scale], layer.name);
  const offset = Number(c.offset ?? 0);
  if (offset !== 0) y = g.node('Add', [y, g.float(`${layer.name}/offset`, [], new Float32Array([offset]))], `${layer.name}/offset`);
  return { name: y, shape: x.shape };
};

const globalAveragePooling2d: Mapping = (g, layer, [x]) => {
  channelsLast(layer);
  const pooled = g.node('GlobalAveragePool', [x.name], `${layer.name}/pool`);
  return { name: g.node('Flatten', [pooled], layer.name, { axis: 1 }), shape: [x.shape[0]] };
};

const dense: Mapping = (g, layer, [x]) => {
  if (x.shape.length !== 1) throw new UserError(`layer ${layer.name}: Dense on a ${x.shape.length + 1}-D tensor has no ONNX mapping (nas applies it after global pooling)`);
  const c = layer.getConfig() as Config;
  const ws = weights(layer);
  const k = ws.get('kernel')!;
  const units = k.shape[1];
  const inputs = [x.name, g.float(`${layer.name}/W`, k.shape, k.values), g.float(`${layer.name}/B`, [units], ws.get('bias')?.values ?? new Float32Array(units))];
  return activation(g, layer, { name: g.node('Gemm', inputs, layer.name), shape: [units] }, c.activation);
};

const identity: Mapping = (_g, _layer, [x]) => x;

/** x · c, c a config field of the layer (the block regularisers' inference forms, src/model/regularisers/). */
const scaledBy = (key: string): Mapping => (g, layer, [x]) => {
  const c = g.float(`${layer.name}/${key}`, [], new Float32Array([Number((layer.getConfig() as Config)[key])]));
  return { name: g.node('Mul', [x.name, c], layer.name), shape: x.shape };
};

/** Shake-Shake at inference: the mean of its two inputs. */
const shakeShake: Mapping = (g, layer, xs) => {
  const total = g.node('Sum', xs.map((x) => x.name), `${layer.name}/sum`);
  return { name: g.node('Mul', [total, g.float(`${layer.name}/half`, [], new Float32Array([0.5]))], layer.name), shape: xs[0].shape };
};

/** Every layer class with an ONNX mapping. */
export const LAYER_MAPPINGS: Readonly<Record<string, Mapping>> = {
  Conv2D: conv2d,
  AtrousConv2D: atrousConv2d,
  GroupConv2D: groupConv2d,
  Reshape: reshape,
  Multiply: multiply,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  BatchNormalization: batchNormalization,
  ReLU: reLU,
  Activation: activationLayer,
  MaxPooling2D: pool('MaxPool'),
  AveragePooling2D: pool('AveragePool'),
  Add: add,
  Concatenate: concatenate,
  ZeroPadding2D: zeroPadding2d,
  Cropping2D: cropping2d,
  Rescaling: rescaling,
  GlobalAveragePooling2D: globalAveragePooling2d,
  Dense: dense,
  DropPath: identity,
  ShakeShake: shakeShake,
  ShakeDrop: scaledBy('p'),
  Swapout: scaledBy('keep'),
};
