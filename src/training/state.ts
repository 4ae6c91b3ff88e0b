/**
 * A trained network's state as bytes — every weight (BN moving statistics too), the optimizer's
 * velocities and the epochs done — so a promotion can continue a child where its rung stopped. Bytes
 * cross worker threads, the store (a BLOB per rung) and the queue unchanged.
 * Layout: u32 header length, header JSON { epochs, weights: sizes[], slots: sizes[], sha256 }, then the
 * float32 data of every weight and every slot, in order.
 */
import { createHash } from 'node:crypto';

export interface TrainedState {
  epochs: number;
  weights: Float32Array[];
  slots: Float32Array[];
}

export function encodeState(s: TrainedState): Uint8Array {
  const arrays = [...s.weights, ...s.slots];
  const body = new Uint8Array(arrays.reduce((n, a) => n + a.byteLength, 0));
  let at = 0;
  for (const a of arrays) {
    body.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  const header = Buffer.from(JSON.stringify({
    epochs: s.epochs, weights: s.weights.map((w) => w.length), slots: s.slots.map((w) => w.length), sha256: createHash('sha256').update(body).digest('hex'),
  }));
  const out = new Uint8Array(4 + header.length + body.length);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  out.set(body, 4 + header.length);
  return out;
}

/** The state in `bytes`; throws (naming what is wrong) when they are cut short or damaged. */
export function decodeState(bytes: Uint8Array): TrainedState {
  if (bytes.length < 4) throw new Error('trained state: too short');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + headerLength > bytes.length) throw new Error('trained state: header cut short');
  let header: { epochs: number; weights: number[]; slots: number[]; sha256: string };
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(4, 4 + headerLength)).toString('utf8'));
  } catch {
    throw new Error('trained state: damaged header');
  }
  const body = bytes.subarray(4 + headerLength);
  const floats = [...header.weights, ...header.slots].reduce((n, k) => n + k, 0);
  if (body.length !== 4 * floats) throw new Error(`trained state: ${body.length} bytes of data, the header describes ${4 * floats}`);
  if (createHash('sha256').update(body).digest('hex') !== header.sha256) throw new Error('trained state: checksum mismatch (damaged)');
  // Copy into an aligned buffer: the body may start at any byte offset.
  const aligned = new Float32Array(new Uint8Array(body).buffer);
  let at = 0;
  const take = (n: number) => aligned.slice(at, (at += n));
  return { epochs: header.epochs, weights: header.weights.map(take), slots: header.slots.map(take) };
}
