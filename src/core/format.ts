/** Plain-text formatting shared by the CLI's tables, log lines and progress (the dashboard has its own styling). */

/** 12345 → "12.3k", 4.5e6 → "4.50M". */
export function si(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '-';
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (abs >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

/** 0.91234 → "91.23%". */
export function pct(r: number | null | undefined): string {
  return r === null || r === undefined || !Number.isFinite(r) ? '-' : `${(r * 100).toFixed(2)}%`;
}

/**
 * A run's reward as shown: an accuracy in percent, or the score itself for a run rewarded by a
 * zero-cost estimator (`--evaluator zero-cost:NAME`: a log-synflow of 63.7 is not 6,370 %).
 */
export function rewardText(r: number | null | undefined, evaluator: { kind: string } | undefined): string {
  if (evaluator?.kind !== 'zero-cost') return pct(r);
  return r === null || r === undefined || !Number.isFinite(r) ? '-' : r.toFixed(3);
}

/** Seconds → "8.1s", "3m05s", "1h02m". */
export function duration(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '-';
  if (s < 60) return `${s.toFixed(1)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Left-aligned text table with a header row. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
