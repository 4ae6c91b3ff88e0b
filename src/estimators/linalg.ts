/**
 * Small dense linear algebra in float64 for the N×N matrices of naswot and jacob_cov
 * (N = batch size, ≤ a few hundred): numpy's slogdet, corrcoef and symmetric eigenvalues.
 * Matrices are row-major Float64Arrays.
 */

/**
 * log|det A| by LU decomposition with partial pivoting (Golub & Van Loan, "Matrix
 * Computations", Alg. 3.4.1): Σ log|u_ii|; -Infinity for a singular matrix (numpy gives -inf too).
 */
export function logAbsDet(a: Float64Array, n: number): number {
  const m = Float64Array.from(a);
  let logdet = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i * n + k]) > Math.abs(m[p * n + k])) p = i;
    const pivot = m[p * n + k];
    if (pivot === 0) return -Infinity;
    if (p !== k) for (let j = 0; j < n; j++) [m[k * n + j], m[p * n + j]] = [m[p * n + j], m[k * n + j]];
    logdet += Math.log(Math.abs(pivot));
    for (let i = k + 1; i < n; i++) {
      const f = m[i * n + k] / pivot;
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) m[i * n + j] -= f * m[k * n + j];
    }
  }
  return logdet;
}

/**
 * Pearson correlation matrix of the rows of x (rows × cols), numpy.corrcoef(x): NaN entries
 * where a row is constant (numpy divides by a zero standard deviation too).
 */
export function corrcoef(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const centred = new Float64Array(rows * cols);
  const norm = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let c = 0; c < cols; c++) mean += x[r * cols + c];
    mean /= cols;
    let ss = 0;
    for (let c = 0; c < cols; c++) {
      const d = x[r * cols + c] - mean;
      centred[r * cols + c] = d;
      ss += d * d;
    }
    norm[r] = Math.sqrt(ss);
  }
  const out = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    for (let j = i; j < rows; j++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += centred[i * cols + c] * centred[j * cols + c];
      const v = s / (norm[i] * norm[j]);
      out[i * rows + j] = v;
      out[j * rows + i] = v;
    }
  }
  return out;
}

/**
 * Eigenvalues of a symmetric matrix by the cyclic Jacobi method (Golub & Van Loan, Alg. 8.5.3):
 * rotations until the off-diagonal mass is below 1e-15 of the total (or 100 sweeps).
 */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const frob = Math.sqrt(m.reduce((s, v) => s + v * v, 0));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += m[i * n + j] ** 2;
    if (Math.sqrt(off) <= 1e-15 * frob || frob === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          // Columns p and q, then rows p and q: A <- Jᵀ A J.
          const akp = m[k * n + p], akq = m[k * n + q];
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k], aqk = m[q * n + k];
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Float64Array.from({ length: n }, (_, i) => m[i * n + i]);
}
