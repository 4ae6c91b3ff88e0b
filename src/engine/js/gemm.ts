/**
 * A register-blocked single-precision matrix multiply over Float32Arrays with arbitrary
 * strides, the building block of the im2col convolutions (Chellapilla et al. 2006,
 * "High Performance Convolutional Neural Networks for Document Processing").
 *
 *   C[i, j] (+)= sum_p A(i, p) * B(p, j)
 *   A(i, p) = a[aOff + i * aRow + p * aCol],  B(p, j) = b[bOff + p * bRow + j * bCol]
 *   C[i, j] = c[cOff + i * ldc + j]
 *
 * Strides let the same kernel compute A·B, Aᵀ·B and A·Bᵀ without transposing.
 * NOTE: JavaScript has no SIMD, so instead of a packed BLIS-style micro-kernel this keeps
 * a 4×4 tile of C in 16 locals: each step of p loads 8 numbers and does 16 multiply-adds.
 */
export function gemm(
  m: number, n: number, k: number,
  a: Float32Array, aOff: number, aRow: number, aCol: number,
  b: Float32Array, bOff: number, bRow: number, bCol: number,
  c: Float32Array, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = aOff + i * aRow, a1 = a0 + aRow, a2 = a1 + aRow, a3 = a2 + aRow;
    for (let j = 0; j < n4; j += 4) {
      const b0 = bOff + j * bCol, b1 = b0 + bCol, b2 = b1 + bCol, b3 = b2 + bCol;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let pa = 0, pb = 0;
      for (let p = 0; p < k; p++, pa += aCol, pb += bRow) {
        const x0 = a[a0 + pa], x1 = a[a1 + pa], x2 = a[a2 + pa], x3 = a[a3 + pa];
        const y0 = b[b0 + pb], y1 = b[b1 + pb], y2 = b[b2 + pb], y3 = b[b3 + pb];
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      let o = cOff + i * ldc + j;
      if (accumulate) {
        c[o] += c00; c[o + 1] += c01; c[o + 2] += c02; c[o + 3] += c03; o += ldc;
        c[o] += c10; c[o + 1] += c11; c[o + 2] += c12; c[o + 3] += c13; o += ldc;
        c[o] += c20; c[o + 1] += c21; c[o + 2] += c22; c[o + 3] += c23; o += ldc;
        c[o] += c30; c[o + 1] += c31; c[o + 2] += c32; c[o + 3] += c33;
      } else {
        c[o] = c00; c[o + 1] = c01; c[o + 2] = c02; c[o + 3] = c03; o += ldc;
        c[o] = c10; c[o + 1] = c11; c[o + 2] = c12; c[o + 3] = c13; o += ldc;
        c[o] = c20; c[o + 1] = c21; c[o + 2] = c22; c[o + 3] = c23; o += ldc;
        c[o] = c30; c[o + 1] = c31; c[o + 2] = c32; c[o + 3] = c33;
      }
    }
    if (n4 < n) edge(i, i + 4, n4, n, k, a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, ldc, accumulate);
  }
  if (m4 < m) edge(m4, m, 0, n, k, a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, ldc, accumulate);
}

/** Leftover rows / columns of gemm(): plain dot products. */
function edge(
  i0: number, i1: number, j0: number, j1: number, k: number,
  a: Float32Array, aOff: number, aRow: number, aCol: number,
  b: Float32Array, bOff: number, bRow: number, bCol: number,
  c: Float32Array, cOff: number, ldc: number, accumulate: boolean,
): void {
  for (let i = i0; i < i1; i++) {
    const ai = aOff + i * aRow;
    for (let j = j0; j < j1; j++) {
      const bj = bOff + j * bCol;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ai + p * aCol] * b[bj + p * bRow];
      const o = cOff + i * ldc + j;
      c[o] = accumulate ? c[o] + s : s;
    }
  }
}
