/**
 * Reward over trials as a character plot: one dot per finished trial in completion order,
 * baselines as "B", and the best-so-far reward as a line. Hand-drawn rather than asciichart
 * because asciichart draws a single connected line per series and cannot mark single points.
 */
import type { RewardPoint } from './model.js';

const LABEL = 7; // "91.23% " — y labels

/** The chart as exactly `height` lines of exactly `width` columns (x-axis line included). */
export function rewardChart(points: readonly RewardPoint[], width: number, height: number): string[] {
  const plotW = Math.max(1, width - LABEL - 1);
  const plotH = Math.max(1, height - 1);
  if (points.length === 0) {
    const empty = Array.from({ length: plotH }, (_, i) => ' '.repeat(LABEL) + '│' + (i === Math.floor(plotH / 2) ? centre('no finished trials yet', plotW) : ' '.repeat(plotW)));
    return [...empty, ' '.repeat(LABEL) + '└' + '─'.repeat(plotW)].map((l) => l.slice(0, width).padEnd(width));
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) { lo = Math.min(lo, p.reward); hi = Math.max(hi, p.reward); }
  if (hi - lo < 1e-3) { lo -= 0.005; hi += 0.005; }
  const row = (r: number) => plotH - 1 - Math.round(((r - lo) / (hi - lo)) * (plotH - 1));
  const col = (i: number) => (points.length <= plotW ? i : Math.floor((i * plotW) / points.length));

  const grid = Array.from({ length: plotH }, () => Array<string>(plotW).fill(' '));
  // Best so far (search trials only, as the loop counts it), drawn first so dots stay visible.
  const bestAt = Array<number | null>(plotW).fill(null);
  let best: number | null = null;
  points.forEach((p, i) => {
    if (p.baseline === null && (best === null || p.reward > best)) best = p.reward;
    bestAt[col(i)] = best;
  });
  let last: number | null = null;
  for (let c = 0; c < plotW; c++) {
    const b: number | null = bestAt[c] ?? (c <= col(points.length - 1) ? last : null);
    if (b !== null) grid[row(b)][c] = '─';
    last = b;
  }
  points.forEach((p, i) => {
    const cell = grid[row(p.reward)];
    if (p.baseline !== null) cell[col(i)] = 'B';
    else if (cell[col(i)] !== 'B') cell[col(i)] = '•';
  });

  const label = (r: number) => `${(r * 100).toFixed(1)}%`.padStart(LABEL - 1) + ' ';
  const labelRows = new Map([[0, label(hi)], [plotH - 1, label(lo)]]);
  if (plotH >= 5) labelRows.set(Math.floor((plotH - 1) / 2), label(lo + ((hi - lo) * (plotH - 1 - Math.floor((plotH - 1) / 2))) / (plotH - 1)));
  const lines = grid.map((cells, r) => (labelRows.get(r) ?? ' '.repeat(LABEL)) + '│' + cells.join(''));
  const axis = `└ 1 … ${points.length} in finish order`;
  lines.push(' '.repeat(LABEL) + axis.slice(0, plotW + 1).padEnd(plotW + 1, '─'));
  return lines.map((l) => l.slice(0, width).padEnd(width));
}

function centre(s: string, w: number): string {
  if (s.length >= w) return s.slice(0, w);
  const left = Math.floor((w - s.length) / 2);
  return ' '.repeat(left) + s + ' '.repeat(w - s.length - left);
}
