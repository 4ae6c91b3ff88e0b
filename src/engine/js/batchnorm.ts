/**
 * Training-mode batch normalisation over the last axis, forward and backward, as plain loops:
 * the same math as native/src/batchnorm.cc (per-channel sums in double, two-pass variance).
 */

/** y = (x − mean)/√(var + eps)·gamma + beta; writes the batch mean and the biased variance. */
export function bnForward(x: Float32Array, gamma: Float32Array, beta: Float32Array, y: Float32Array, mean: Float32Array, variance: Float32Array, eps: number): void {
  const c = gamma.length, rows = x.length / c;
  const s = new Float64Array(c);
  for (let i = 0; i < x.length; i += c) for (let k = 0; k < c; k++) s[k] += x[i + k];
  for (let k = 0; k < c; k++) mean[k] = s[k] / rows;
  s.fill(0);
  for (let i = 0; i < x.length; i += c) {
    for (let k = 0; k < c; k++) {
      const d = x[i + k] - mean[k];
      s[k] += d * d;
    }
  }
  const scale = new Float32Array(c), shift = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    variance[k] = s[k] / rows;
    scale[k] = gamma[k] / Math.sqrt(variance[k] + eps);
    shift[k] = beta[k] - mean[k] * scale[k];
  }
  for (let i = 0; i < x.length; i += c) for (let k = 0; k < c; k++) y[i + k] = x[i + k] * scale[k] + shift[k];
}

/** Gradients of bnForward's y with respect to x, gamma and beta (batch statistics depend on x). */
export function bnBackward(dy: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array,
  dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array, eps: number): void {
  const c = gamma.length, rows = x.length / c;
  const sd = new Float64Array(c), sdx = new Float64Array(c);
  for (let i = 0; i < x.length; i += c) {
    for (let k = 0; k < c; k++) {
      const d = dy[i + k];
      sd[k] += d;
      sdx[k] += d * (x[i + k] - mean[k]);
    }
  }
  // dx = gamma·invstd · (dy − mean(dy) − (x − mean)·invstd² · mean(dy (x − mean)))
  const a = new Float32Array(c), b = new Float32Array(c), sh = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    const invstd = 1 / Math.sqrt(variance[k] + eps);
    dbeta[k] = sd[k];
    dgamma[k] = sdx[k] * invstd;
    const g = gamma[k] * invstd;
    a[k] = g;
    b[k] = (-g * invstd * invstd * sdx[k]) / rows;
    sh[k] = (-g * sd[k]) / rows;
  }
  for (let i = 0; i < x.length; i += c) {
    for (let k = 0; k < c; k++) dx[i + k] = a[k] * dy[i + k] + b[k] * (x[i + k] - mean[k]) + sh[k];
  }
}
