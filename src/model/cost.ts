/**
 * Parameter count and multiply-adds of a built model, found by walking its layers.
 * Multiply-adds are per image and count convolutions (grouped ones: C_in / groups inputs per
 * output), depthwise / separable convolutions and dense layers (the usual convention of NASNet's
 * Table 1 and of PNAS / DARTS); BN, pooling, adds, activations and elementwise products (the
 * channel scale of squeeze-and-excitation) are left out.
 */
import type * as tf from '#tfjs';

export interface ModelCost {
  /** Trainable parameters. */
  params: number;
  /** All weights, trainable or not (BN moving statistics): equals model.countParams(). */
  totalParams: number;
  /** Multiply-adds per image. */
  multAdds: number;
  /** Layers in the model (input layer excluded). */
  layers: number;
}

const size = (shape: readonly (number | null)[]) => shape.reduce((a: number, b) => a * (b ?? 1), 1);

/** Walks `model.layers` and sums params and multiply-adds. */
export function modelCost(model: tf.LayersModel): ModelCost {
  let params = 0;
  let totalParams = 0;
  let multAdds = 0;
  let layers = 0;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls === 'InputLayer') continue;
    layers++;
    for (const w of layer.trainableWeights) params += size(w.shape);
    for (const w of layer.weights) totalParams += size(w.shape);
    multAdds += layerMultAdds(layer);
  }
  return { params, totalParams, multAdds, layers };
}

/** Multiply-adds of one layer for one image. */
function layerMultAdds(layer: tf.layers.Layer): number {
  const cls = layer.getClassName();
  if (!layer.trainable && cls === 'Conv2D') return 0; // the frozen zero conv of the `none` op
  const cfg = layer.getConfig() as Record<string, unknown>;
  const input = layer.input as tf.SymbolicTensor | tf.SymbolicTensor[];
  const inShape = (Array.isArray(input) ? input[0] : input).shape;
  const outShape = layer.outputShape as number[];
  const inC = inShape[inShape.length - 1] as number;
  const ks = cfg.kernelSize as number | number[] | undefined;
  const k = ks === undefined ? [1, 1] : typeof ks === 'number' ? [ks, ks] : ks;
  const kk = k[0] * k[1];
  switch (cls) {
    case 'Conv2D':
    case 'AtrousConv2D': {
      const [, h, w, c] = outShape;
      return h * w * c * kk * inC;
    }
    case 'GroupConv2D': {
      // Each output reads only its group's C_in / groups inputs.
      const [, h, w, c] = outShape;
      return (h * w * c * kk * inC) / (cfg.groups as number);
    }
    case 'DepthwiseConv2D': {
      const [, h, w, c] = outShape;
      return h * w * c * kk;
    }
    case 'SeparableConv2D': {
      const [, h, w, c] = outShape;
      const mult = (cfg.depthMultiplier as number) ?? 1;
      return h * w * inC * mult * kk + h * w * inC * mult * c;
    }
    case 'Dense':
      return inC * (outShape[outShape.length - 1] as number);
    default:
      return 0;
  }
}
