import { readFileSync } from 'node:fs';
import { gunzipSync, constants as zlibConstants } from 'node:zlib';
import { UserError } from '../core/errors.js';

/** The two bytes every gzip stream starts with (RFC 1952, ID1 ID2). */
const GZIP_MAGIC = [0x1f, 0x8b];

/** True when the bytes start with the gzip magic. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** The decoded bytes of a file, and whether its gzip stream was cut short. */
export interface FileBytes {
  bytes: Uint8Array;
  /** The gzip stream ended early: `bytes` holds what could be decompressed. */
  truncatedGzip: boolean;
}

/**
 * Reads a file, gunzipping it when it starts with the gzip magic (whatever its name says).
 * A truncated gzip stream is decompressed as far as it goes so the caller can report
 * "header says N images, file holds M" instead of zlib's bare "unexpected end of file".
 */
export function readMaybeGzipped(file: string): FileBytes {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: cannot read (${code ?? (e as Error).message})`);
  }
  if (!isGzip(raw)) return { bytes: raw, truncatedGzip: false };
  try {
    return { bytes: gunzipSync(raw), truncatedGzip: false };
  } catch (e) {
    try {
      // Z_SYNC_FLUSH returns what was decoded so far instead of throwing at the cut.
      const partial = gunzipSync(raw, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
      return { bytes: partial, truncatedGzip: true };
    } catch {
      throw new UserError(`${file}: corrupt gzip stream (${(e as Error).message})`);
    }
  }
}
