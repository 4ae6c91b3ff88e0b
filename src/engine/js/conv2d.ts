/**
 * Conv2D forward, backprop-input and backprop-filter for NHWC Float32Arrays via im2col + gemm
 * (Chellapilla et al. 2006, "High Performance Convolutional Neural Networks for Document
 * Processing"). Filters are tfjs's [kH, kW, inC, outC], which is already the K×N matrix
 * of the im2col product, so no weight reshuffling is needed.
 *
 * NOTE: the column matrix is built for a chunk of output pixels at a time (not the whole
 * batch) so it stays in L2 cache and memory stays bounded; 1×1 / stride 1 / no padding
 * convolutions skip im2col entirely (the input already is the column matrix).
 */
import type * as tf from '#tfjs';
import { freshArray, type Alloc } from '../buffer-pool.js';
import { gemm } from './gemm.js';

type ConvInfo = tf.backend_util.Conv2DInfo;

let scratch = new Float32Array(0);
/** A reusable column buffer (one per thread: module state is per worker). */
function columns(size: number): Float32Array {
  if (scratch.length < size) scratch = new Float32Array(size);
  return scratch;
}

/** Output pixels per im2col chunk: ~256 KB of columns, a multiple of 4 for the gemm tile. */
function chunkRows(k: number): number {
  return Math.max(4, Math.floor(65536 / k / 4) * 4);
}

function isPointwise(c: ConvInfo): boolean {
  return c.filterHeight === 1 && c.filterWidth === 1 && c.strideHeight === 1 && c.strideWidth === 1 &&
    c.padInfo.top === 0 && c.padInfo.left === 0 && c.outHeight === c.inHeight && c.outWidth === c.inWidth;
}

/** Fills col[0 .. rows*K) with the receptive fields of output pixels [r0, r0 + rows). */
function im2col(x: Float32Array, c: ConvInfo, r0: number, rows: number, col: Float32Array): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
  const kH = c.filterHeight, kW = c.filterWidth, sH = c.strideHeight, sW = c.strideWidth;
  const dH = c.dilationHeight, dW = c.dilationWidth, pT = c.padInfo.top, pL = c.padInfo.left;
  const K = kH * kW * C;
  const ohw = OH * OW;
  for (let r = 0; r < rows; r++) {
    const pix = r0 + r;
    const b = (pix / ohw) | 0;
    const rem = pix - b * ohw;
    const oh = (rem / OW) | 0;
    const ow = rem - oh * OW;
    let o = r * K;
    const xb = b * H * W * C;
    for (let i = 0; i < kH; i++) {
      const ih = oh * sH - pT + i * dH;
      if (ih < 0 || ih >= H) {
        col.fill(0, o, o + kW * C);
        o += kW * C;
        continue;
      }
      const xr = xb + ih * W * C;
      for (let j = 0; j < kW; j++) {
        const iw = ow * sW - pL + j * dW;
        if (iw < 0 || iw >= W) {
          col.fill(0, o, o + C);
        } else {
          const xs = xr + iw * C;
          for (let ch = 0; ch < C; ch++) col[o + ch] = x[xs + ch];
        }
        o += C;
      }
    }
  }
}

/** Adds the columns of output pixels [r0, r0 + rows) back into their input positions. */
function col2im(col: Float32Array, c: ConvInfo, r0: number, rows: number, dx: Float32Array): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
  const kH = c.filterHeight, kW = c.filterWidth, sH = c.strideHeight, sW = c.strideWidth;
  const dH = c.dilationHeight, dW = c.dilationWidth, pT = c.padInfo.top, pL = c.padInfo.left;
  const K = kH * kW * C;
  const ohw = OH * OW;
  for (let r = 0; r < rows; r++) {
    const pix = r0 + r;
    const b = (pix / ohw) | 0;
    const rem = pix - b * ohw;
    const oh = (rem / OW) | 0;
    const ow = rem - oh * OW;
    const xb = b * H * W * C;
    let o = r * K;
    for (let i = 0; i < kH; i++) {
      const ih = oh * sH - pT + i * dH;
      if (ih < 0 || ih >= H) { o += kW * C; continue; }
      const xr = xb + ih * W * C;
      for (let j = 0; j < kW; j++) {
        const iw = ow * sW - pL + j * dW;
        if (iw >= 0 && iw < W) {
          const xs = xr + iw * C;
          for (let ch = 0; ch < C; ch++) dx[xs + ch] += col[o + ch];
        }
        o += C;
      }
    }
  }
}

/** y = conv2d(x, w): x [N,H,W,C], w [kH,kW,C,O] → y [N,OH,OW,O]. */
export function conv2dForward(x: Float32Array, w: Float32Array, c: ConvInfo, alloc: Alloc = freshArray): Float32Array {
  const O = c.outChannels;
  const R = c.batchSize * c.outHeight * c.outWidth;
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  // No fill: the chunks cover all R rows and gemm without `accumulate` assigns every element.
  const y = alloc(R * O, true);
  if (isPointwise(c)) {
    gemm(R, O, K, x, 0, K, 1, w, 0, O, 1, y, 0, O, false);
    return y;
  }
  const rc = chunkRows(K);
  const col = columns(rc * K);
  for (let r0 = 0; r0 < R; r0 += rc) {
    const rows = Math.min(rc, R - r0);
    im2col(x, c, r0, rows, col);
    gemm(rows, O, K, col, 0, K, 1, w, 0, O, 1, y, r0 * O, O, false);
  }
  return y;
}

/** dx of conv2d: dy [N,OH,OW,O], w [kH,kW,C,O] → dx [N,H,W,C]. */
export function conv2dBackpropInput(dy: Float32Array, w: Float32Array, c: ConvInfo, alloc: Alloc = freshArray): Float32Array {
  const O = c.outChannels;
  const R = c.batchSize * c.outHeight * c.outWidth;
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  // col2im adds into dx, so it must start at zero; the pointwise gemm assigns every element.
  const dx = alloc(c.batchSize * c.inHeight * c.inWidth * c.inChannels, isPointwise(c));
  if (isPointwise(c)) {
    // dx = dy · wᵀ
    gemm(R, K, O, dy, 0, O, 1, w, 0, 1, O, dx, 0, K, false);
    return dx;
  }
  const rc = chunkRows(K);
  const col = columns(rc * K);
  for (let r0 = 0; r0 < R; r0 += rc) {
    const rows = Math.min(rc, R - r0);
    gemm(rows, K, O, dy, r0 * O, O, 1, w, 0, 1, O, col, 0, K, false);
    col2im(col, c, r0, rows, dx);
  }
  return dx;
}

/** dw of conv2d: x [N,H,W,C], dy [N,OH,OW,O] → dw [kH,kW,C,O]. */
export function conv2dBackpropFilter(x: Float32Array, dy: Float32Array, c: ConvInfo, alloc: Alloc = freshArray): Float32Array {
  const O = c.outChannels;
  const R = c.batchSize * c.outHeight * c.outWidth;
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  // No fill when R > 0: the first gemm (r0 = 0) assigns every element, later chunks add.
  const dw = alloc(K * O, R > 0);
  if (isPointwise(c)) {
    // dw = xᵀ · dy
    gemm(K, O, R, x, 0, 1, K, dy, 0, O, 1, dw, 0, O, false);
    return dw;
  }
  const rc = chunkRows(K);
  const col = columns(rc * K);
  for (let r0 = 0; r0 < R; r0 += rc) {
    const rows = Math.min(rc, R - r0);
    im2col(x, c, r0, rows, col);
    gemm(K, O, rows, col, 0, 1, K, dy, r0 * O, O, 1, dw, 0, O, r0 > 0);
  }
  return dw;
}
