/**
 * What `nas bench ops` concludes from its rows: each op's time and mult-adds relative to the space's
 * plain 3x3 convolution at the same shape, per backend (geometric means over the shapes), so "cheap
 * on paper, slow in practice" reads as a per-mult-add slowdown > 1.
 */
import { median } from '../stats/median.js';
import type { OpRow } from './bench-ops-measure.js';

export interface OpSummary {
  op: string;
  batch: number;
  /** Geometric mean over shapes of multAdds(op) / multAdds(reference); null for ops without mult-adds. */
  multAddsRatio: number | null;
  /** By backend: geometric mean over shapes of latency(op) / latency(reference). */
  timeRatio: Record<string, number>;
  /** By backend: timeRatio / multAddsRatio (> 1: slower per mult-add than the reference); null without mult-adds. */
  perMultAdd: Record<string, number | null>;
  /** By backend: median over shapes of nanoseconds per mult-add; null without mult-adds. */
  nsPerMultAdd: Record<string, number | null>;
}

/** The reference op: conv_3x3 (NASNet), nor_conv_3x3 (NAS-Bench-201), else the op with the most mult-adds. */
export function referenceOp(ops: string[], rows: OpRow[]): string {
  for (const r of ['conv_3x3', 'nor_conv_3x3']) if (ops.includes(r)) return r;
  return [...rows].sort((a, b) => b.multAdds - a.multAdds)[0]?.op ?? ops[0];
}

const geomean = (v: number[]) => (v.length === 0 ? NaN : Math.exp(v.reduce((s, x) => s + Math.log(x), 0) / v.length));
const shapeKey = (r: OpRow) => `${r.channels}x${r.size}/${r.stride}/${r.batch}`;

export function summarize(rows: OpRow[], ops: string[], backends: string[], reference: string): OpSummary[] {
  const ref = new Map(rows.filter((r) => r.op === reference).map((r) => [shapeKey(r), r]));
  const out: OpSummary[] = [];
  for (const batch of [...new Set(rows.map((r) => r.batch))]) {
    for (const op of ops) {
      const mine = rows.filter((r) => r.op === op && r.batch === batch && ref.has(shapeKey(r)));
      if (mine.length === 0) continue;
      const withCompute = mine.every((r) => r.multAdds > 0);
      const multAddsRatio = withCompute ? geomean(mine.map((r) => r.multAdds / ref.get(shapeKey(r))!.multAdds)) : null;
      const timeRatio: Record<string, number> = {};
      const perMultAdd: Record<string, number | null> = {};
      const nsPerMultAdd: Record<string, number | null> = {};
      for (const b of backends) {
        timeRatio[b] = geomean(mine.map((r) => r.timings[b].median / ref.get(shapeKey(r))!.timings[b].median));
        perMultAdd[b] = multAddsRatio ? timeRatio[b] / multAddsRatio : null;
        nsPerMultAdd[b] = withCompute ? median(mine.map((r) => (r.timings[b].median * 1e9) / (r.multAdds * r.batch))) : null;
      }
      out.push({ op, batch, multAddsRatio, timeRatio, perMultAdd, nsPerMultAdd });
    }
  }
  return out;
}

/** Right-aligned columns after a left-aligned first one. */
export function formatTable(lines: string[][]): string[] {
  const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => (l[c] ?? '').length)));
  return lines.map((l) => l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd());
}

/** "1.23 ms (1.20-1.31)": median and interquartile range. */
export const msRange = (t: { median: number; q1: number; q3: number }): string => {
  const d = t.median >= 0.01 ? 1 : t.median >= 0.001 ? 2 : 3;
  const f = (s: number) => (s * 1000).toFixed(d);
  return `${f(t.median)} (${f(t.q1)}-${f(t.q3)})`;
};
