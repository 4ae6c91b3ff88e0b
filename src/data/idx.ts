/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun et al., http://yann.lecun.com/exdb/mnist/):
 * two zero bytes, an element-type byte, the number of dimensions, one big-endian uint32 per
 * dimension, then the elements in row-major order. Only unsigned bytes (type 0x08) occur
 * in image datasets, so only they are supported.
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { UserError } from '../core/errors.js';
import { readMaybeGzipped } from './read-bytes.js';

const UBYTE = 0x08;

/** A decoded IDX array. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/**
 * Reads an IDX file, gzipped or not (detected by the magic bytes, not the name).
 * Throws UserError naming the file and the fault when it is malformed or truncated.
 */
export function readIdx(file: string): IdxArray {
  const { bytes, truncatedGzip } = readMaybeGzipped(file);
  if (bytes.length < 4) throw new UserError(`${file}: not an IDX file: ${bytes.length} bytes, shorter than the 4-byte magic`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new UserError(`${file}: not an IDX file: magic starts 0x${hex(bytes[0])} 0x${hex(bytes[1])}, expected 0x00 0x00`);
  }
  if (bytes[2] !== UBYTE) {
    throw new UserError(`${file}: unsupported IDX element type 0x${hex(bytes[2])} (only unsigned byte, 0x08)`);
  }
  const ndims = bytes[3];
  if (ndims < 1) throw new UserError(`${file}: malformed IDX header: 0 dimensions`);
  const headerSize = 4 + 4 * ndims;
  if (bytes.length < headerSize) {
    throw new UserError(`${file}: truncated: the header needs ${headerSize} bytes, file holds ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const held = bytes.length - headerSize;
  if (held !== expected || truncatedGzip) {
    const per = dims.slice(1).reduce((a, b) => a * b, 1);
    const what = describeDims(dims);
    const heldItems = per > 0 ? Math.floor(held / per) : 0;
    const cut = truncatedGzip ? ' (gzip stream cut short)' : '';
    if (held < expected || truncatedGzip) {
      throw new UserError(`${file}: truncated${cut}: header says ${what}, file holds ${heldItems}`);
    }
    throw new UserError(`${file}: malformed: header says ${what}, but ${held - expected} bytes follow them`);
  }
  return { dims, data: bytes.subarray(headerSize) };
}

/** Images of an IDX3 file: N x H x W bytes (one channel). */
export function readIdxImages(file: string): { count: number; height: number; width: number; pixels: Uint8Array } {
  const { dims, data } = readIdx(file);
  if (dims.length !== 3) {
    throw new UserError(`${file}: expected an image file (3 dimensions: count, rows, columns), found ${dims.length} dimensions`);
  }
  return { count: dims[0], height: dims[1], width: dims[2], pixels: data };
}

/** Labels of an IDX1 file. */
export function readIdxLabels(file: string): Uint8Array {
  const { dims, data } = readIdx(file);
  if (dims.length !== 1) {
    throw new UserError(`${file}: expected a label file (1 dimension), found ${dims.length} dimensions`);
  }
  return data;
}

/** Encodes bytes as an IDX array (the inverse of readIdx). */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected !== data.length) throw new Error(`encodeIdx: dims ${dims.join('x')} need ${expected} bytes, got ${data.length}`);
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = UBYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** Writes an IDX file, gzipped (level 9, reproducible: zlib writes mtime 0) when `gzip`. */
export function writeIdx(file: string, dims: number[], data: Uint8Array, gzip: boolean): void {
  const raw = encodeIdx(dims, data);
  writeFileSync(file, gzip ? gzipSync(raw, { level: 9 }) : raw);
}

function describeDims(dims: number[]): string {
  if (dims.length === 3) return `${dims[0]} images of ${dims[1]}x${dims[2]}`;
  if (dims.length === 1) return `${dims[0]} labels`;
  return `${dims[0]} items of ${dims.slice(1).join('x')}`;
}

function hex(b: number | undefined): string {
  return (b ?? 0).toString(16).padStart(2, '0');
}
