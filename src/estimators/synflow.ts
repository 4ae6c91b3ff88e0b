/**
 * synflow: Tanaka, Kunin, Yamins & Ganguli 2020, "Pruning neural networks without any data by
 * iteratively conserving synaptic flow" (NeurIPS), Eq. 2; as a NAS proxy in Abdelfattah, Mehrotra,
 * Dudziak & Lane 2021, "Zero-Cost Proxies for Lightweight NAS" (ICLR).
 * zero-cost-nas (`foresight/pruners/measures/synflow.py`): a copy of the net with batch norm
 * bypassed (`bn=False`), every parameter replaced by its absolute value, the net in float64, one
 * input image of ones, R = Σ outputs, score = Σ over conv/linear weights of |θ ⊙ ∂R/∂θ|.
 *
 * Range: without BN the activations grow ~10–30× per conv, so a deep cell's R (and the gradients
 * near the input) exceed float32, and tfjs has no float64. With every weight ≥ 0 and no bias the
 * network is positively homogeneous of degree 1 along every path: conv, dense, ReLU, average and
 * max pool, global average pool, add, concatenate, pad/crop and `rescaling` all satisfy
 * f(c·x) = c·f(x) for c > 0. So the forward is run layer by layer, and whenever a layer's output
 * leaves [2^-32, 2^32] it is multiplied by a power of two and the exponent is carried with the
 * tensor; inputs of an add or concatenate are first brought to one exponent. Multiplying by 2^k
 * is exact in floating point (barring underflow), so the stored forward equals 2^-E times the
 * float32 computation wherever the latter fits, R = 2^E·R_stored as a function of θ, and every
 * ∂R/∂θ = 2^E ∂R_stored/∂θ: the backward is scaled too, by the same constants on the tape.
 * NOTE: the score is returned as log(score) = log Σ|θ ⊙ ∂R_stored/∂θ| + E·ln 2 (the sum taken in
 * float64): a rank correlation is unchanged by a monotone map, and the raw score can exceed
 * float64 as well. A net whose output is identically zero (no path from input to output) scores
 * -Infinity (log 0). NaN only if a value still overflows (Infinity reaches a gradient).
 * NOTE: tfjs' dense layer starts its bias at zero (PyTorch's is uniform): biases must be zero
 * (the estimator checks) for homogeneity; the classifier's bias never enters ∂R/∂W anyway.
 */
import * as tf from '#tfjs';
import type { Estimator, EstimatorInput } from './types.js';
import { runLayers } from './layer-run.js';
import { scoredWeights, sumAbsProduct } from './weights.js';

/** Layers that are positively homogeneous of degree 1 (with non-negative weights, zero bias). */
const HOMOGENEOUS = new Set([
  'Conv2D', 'GroupConv2D', 'AtrousConv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Dense', 'ReLU', 'AveragePooling2D', 'MaxPooling2D',
  'GlobalAveragePooling2D', 'Add', 'Concatenate', 'ZeroPadding2D', 'Cropping2D', 'Rescaling',
]);
const RANGE = 32;

/** SENet's gate (Hu et al. 2018): a sigmoid dense, the reshape and the product it scales a branch by. */
const isGateLayer = (layer: tf.layers.Layer): boolean => {
  const cls = layer.getClassName();
  return cls === 'Reshape' || cls === 'Multiply' || (cls === 'Dense' && (layer.getConfig() as Record<string, unknown>).activation === 'sigmoid');
};

/** True when the only layers that break homogeneity are SE gates (scored unrescaled, below). */
export function onlyGatesBreakHomogeneity(model: tf.LayersModel): boolean {
  return nonHomogeneousLayer(model, isGateLayer) === undefined && model.layers.some(isGateLayer);
}

/** The first layer that is not positively homogeneous of degree 1 (and not `skip`), or undefined. */
export function nonHomogeneousLayer(model: tf.LayersModel, skip: (l: tf.layers.Layer) => boolean = () => false): string | undefined {
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls === 'InputLayer' || skip(layer)) continue;
    const cfg = layer.getConfig() as Record<string, unknown>;
    const activation = cfg.activation as string | undefined;
    if (!HOMOGENEOUS.has(cls) || (activation !== undefined && activation !== 'linear' && activation !== 'relu') || (cls === 'Rescaling' && (Number(cfg.offset) !== 0 || !(Number(cfg.scale) > 0))) || (cls === 'ReLU' && cfg.maxValue != null)) {
      return `${layer.name} (${cls}${activation ? `, ${activation}` : ''})`;
    }
  }
  return undefined;
}

function checkHomogeneous(model: tf.LayersModel): void {
  const bad = nonHomogeneousLayer(model);
  if (bad) throw new Error(`synflow: layer ${bad} is not positively homogeneous; build without BN and without softmax`);
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      if (/bias$/.test(w.originalName ?? w.name) && (tf.tidy(() => tf.any(tf.notEqual(w.read(), 0)).dataSync()[0]) as number)) {
        throw new Error(`synflow: layer ${layer.name} has a nonzero bias`);
      }
    }
  }
}

/** The largest |value| of t (a synchronous read: the rescaling decision is made on the spot). */
function maxAbs(t: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]);
}

/** t · 2^k, in steps a float32 scalar can hold exactly (2^±60). */
function timesPow2(t: tf.Tensor, k: number): tf.Tensor {
  let out = t;
  for (let left = k; left !== 0; ) {
    const step = Math.max(-60, Math.min(60, left));
    out = tf.mul(out, 2 ** step);
    left -= step;
  }
  return out;
}

/**
 * log synflow of `model` (its weights are replaced by their absolute values: pass a throwaway
 * model). `rescale: false` runs the plain float32 computation (model.apply), for tests.
 */
export function logSynflow(model: tf.LayersModel, inputShape: [number, number, number], opts: { rescale?: boolean } = {}): number {
  if (opts.rescale !== false) checkHomogeneous(model);
  const weights = scoredWeights(model);
  for (const layer of model.layers) {
    const ws = layer.getWeights();
    if (ws.length > 0) {
      const abs = ws.map((w) => tf.abs(w));
      layer.setWeights(abs);
      tf.dispose(abs);
    }
  }
  const rescale = opts.rescale ?? true;
  let exponent = 0;
  const { terms } = tf.tidy(() => {
    const x = tf.ones([1, ...inputShape]);
    const exps = new Map<tf.Tensor, number>([[x, 0]]);
    const R = (): tf.Scalar => {
      if (!rescale) return tf.sum(model.apply(x, { training: false }) as tf.Tensor);
      let e = 0; // the exponent of the layer now running: its inputs hold true values × 2^-e
      const y = runLayers(model, x, {
        training: false,
        before: (_, inputs) => {
          e = Math.max(...inputs.map((t) => exps.get(t) ?? 0));
          return inputs.map((t) => {
            const d = (exps.get(t) ?? 0) - e;
            return d === 0 ? t : timesPow2(t, d);
          });
        },
        after: (_, out) => {
          const m = maxAbs(out);
          if (m > 0 && Number.isFinite(m) && Math.abs(Math.log2(m)) > RANGE) {
            const k = Math.round(Math.log2(m));
            out = timesPow2(out, -k);
            exps.set(out, e + k);
          } else exps.set(out, e);
          return out;
        },
      });
      exponent = exps.get(y) ?? 0;
      return tf.sum(y);
    };
    const { grads } = tf.variableGrads(R, weights.map((w) => w.variable));
    const terms = weights.map((w) => {
      const g = grads[w.variable.name];
      return g ? sumAbsProduct(w.variable.dataSync(), g.dataSync()) : 0;
    });
    return { terms };
  });
  const total = terms.reduce((a, b) => a + b, 0);
  if (!Number.isFinite(total)) return NaN;
  return Math.log(total) + exponent * Math.LN2;
}

export const synflow: Estimator = {
  name: 'synflow',
  citation: 'Tanaka et al. 2020, "Pruning neural networks without any data by iteratively conserving synaptic flow" (NeurIPS); as a NAS proxy: Abdelfattah et al. 2021 (ICLR)',
  needsData: false,
  score(input: EstimatorInput): number {
    const built = input.build({ batchNorm: false });
    try {
      // NOTE: a network with SE gates (a sigmoid) cannot be rescaled exactly; it is scored as
      // zero-cost-nas scores it, plainly in float32 (NaN if that overflows). BN or softmax is refused.
      return logSynflow(built.model, input.inputShape, { rescale: !onlyGatesBreakHomogeneity(built.model) });
    } finally {
      built.model.dispose();
    }
  },
};
