/** Small string helpers for fixed-width terminal panels. */

/** Cuts or pads `s` to exactly `width` columns ("…" marks a cut). */
export function fit(s: string, width: number): string {
  if (width <= 0) return '';
  if (s.length > width) return width === 1 ? '…' : s.slice(0, width - 1) + '…';
  return s.padEnd(width);
}

/** Cuts `s` to at most `width` columns without padding. */
export function clip(s: string, width: number): string {
  return s.length > width ? fit(s, width) : s;
}

/** A progress bar of `width` cells for a fraction in [0, 1]; ASCII when `ascii` (NO_COLOR terminals may lack the glyphs too). */
export function bar(fraction: number, width: number, ascii = false): string {
  if (width <= 0) return '';
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const full = Math.round(f * width);
  return (ascii ? '#' : '█').repeat(full) + (ascii ? '.' : '░').repeat(width - full);
}

/**
 * A short, stable tag for a canonical genotype key (FNV-1a, 32 bits, as 8 hex digits): keys are
 * long, and the worker rows only need to tell children apart and match them with `nas show`.
 */
export function shortKey(key: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** 0.91234 → "91.23". */
export function pct2(r: number | null | undefined): string {
  return r === null || r === undefined || !Number.isFinite(r) ? '-' : (r * 100).toFixed(2);
}
