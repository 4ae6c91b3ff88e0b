/** Float32Array <-> base64 text, so tfjs weights and optimizer slots fit in JSON state. */

/** Encodes the raw bytes of a Float32Array as base64. */
export function f32ToBase64(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** Decodes base64 written by f32ToBase64; checks the expected length if given. */
export function base64ToF32(s: string, expectedLength?: number): Float32Array {
  const buf = Buffer.from(s, 'base64');
  if (buf.byteLength % 4 !== 0) throw new Error('corrupt float32 state: byte length not a multiple of 4');
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  if (expectedLength !== undefined && out.length !== expectedLength) {
    throw new Error(`corrupt float32 state: ${out.length} values, expected ${expectedLength}`);
  }
  return out;
}
