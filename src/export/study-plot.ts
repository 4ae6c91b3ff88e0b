/**
 * The picture of a fidelity study (`nas fidelity --show STUDY --svg FILE`): one panel per estimator,
 * each cell a dot at (estimator score, reference accuracy), the estimator's mean over seeds; the
 * panel's title gives its Spearman ρ, its 95 % interval and n. Panels are ordered as the table is
 * (the reference's own seed-to-seed agreement first, then best ρ first) so the figure and the table
 * read the same way.
 */
import { el, esc, r1, svgDocument } from './svg.js';

export interface StudyPanel {
  name: string;
  /** "ρ 0.61 [0.27, 0.81], n 24" */
  subtitle: string;
  /** x: the estimator's score (mean over seeds), y: the reference accuracy in [0, 1]. */
  points: Array<{ x: number; y: number }>;
  /** Trained scores are accuracies: drawn in percent. */
  xIsAccuracy: boolean;
}

const PW = 250;
const PH = 190;
const GAP = { x: 30, y: 40 };
const PAD = { left: 48, right: 12, top: 30, bottom: 34 };
const COLS = 4;

const ticks = (lo: number, hi: number): number[] => {
  if (!(hi > lo)) return [lo];
  const step = 10 ** Math.floor(Math.log10((hi - lo) / 3));
  const m = [1, 2, 5, 10].find((k) => (hi - lo) / (k * step) <= 5) ?? 10;
  const s = m * step;
  const out: number[] = [];
  for (let v = Math.ceil(lo / s) * s; v <= hi + 1e-12; v += s) out.push(+v.toPrecision(6));
  return out;
};
const label = (v: number, pct: boolean) => (pct ? `${+(100 * v).toPrecision(3)}` : Math.abs(v) >= 1e4 ? v.toExponential(1) : `${+v.toPrecision(3)}`);

function panel(p: StudyPanel, ox: number, oy: number, yLo: number, yHi: number): string[] {
  const xs = p.points.map((q) => q.x);
  const [xLo0, xHi0] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const padX = (xHi0 - xLo0) * 0.06 || Math.abs(xLo0) * 0.06 || 1;
  const [xLo, xHi] = [xLo0 - padX, xHi0 + padX];
  const w = PW - PAD.left - PAD.right;
  const h = PH - PAD.top - PAD.bottom;
  const X = (v: number) => ox + PAD.left + ((v - xLo) / (xHi - xLo)) * w;
  const Y = (v: number) => oy + PAD.top + h - ((v - yLo) / (yHi - yLo)) * h;
  const out = [
    el('text', { x: ox + PAD.left, y: oy + 13, 'font-size': 12, 'font-weight': 'bold' }, esc(p.name)),
    el('text', { x: ox + PAD.left, y: oy + 25, 'font-size': 10, fill: '#555' }, esc(p.subtitle)),
    el('rect', { x: ox + PAD.left, y: oy + PAD.top, width: w, height: h, fill: 'none', stroke: '#999' }),
  ];
  for (const t of ticks(xLo, xHi)) {
    out.push(el('line', { x1: r1(X(t)), x2: r1(X(t)), y1: oy + PAD.top + h, y2: oy + PAD.top + h + 4, stroke: '#999' }));
    out.push(el('text', { x: r1(X(t)), y: oy + PAD.top + h + 15, 'font-size': 9, 'text-anchor': 'middle' }, label(t, p.xIsAccuracy)));
  }
  for (const t of ticks(yLo, yHi)) {
    out.push(el('line', { x1: ox + PAD.left - 4, x2: ox + PAD.left, y1: r1(Y(t)), y2: r1(Y(t)), stroke: '#999' }));
    out.push(el('text', { x: ox + PAD.left - 6, y: r1(Y(t) + 3), 'font-size': 9, 'text-anchor': 'end' }, label(t, true)));
  }
  out.push(el('text', { x: ox + PAD.left + w / 2, y: oy + PH - 4, 'font-size': 9, 'text-anchor': 'middle', fill: '#555' }, p.xIsAccuracy ? 'score (accuracy %)' : 'score'));
  for (const q of p.points) out.push(el('circle', { cx: r1(X(q.x)), cy: r1(Y(q.y)), r: 3, fill: '#1f77b4', 'fill-opacity': 0.75 }));
  return out;
}

/** The study figure; `title` above the panels, the y axis (reference accuracy, %) shared by all. */
export function studyPlotSvg(title: string, panels: StudyPanel[]): string {
  const ys = panels.flatMap((p) => p.points.map((q) => q.y));
  const [lo, hi] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  const pad = (hi - lo) * 0.06 || 0.01;
  const rows = Math.max(1, Math.ceil(panels.length / COLS));
  const width = COLS * PW + (COLS - 1) * GAP.x + 20;
  const height = 50 + rows * PH + (rows - 1) * GAP.y + 10;
  const body = [
    el('text', { x: 10, y: 20, 'font-size': 14, 'font-weight': 'bold' }, esc(title)),
    el('text', { x: 10, y: 38, 'font-size': 11, fill: '#555' }, 'y: reference test accuracy (%), x: the estimator\'s score (mean over seeds); one dot per cell'),
  ];
  panels.forEach((p, i) => body.push(...panel(p, 10 + (i % COLS) * (PW + GAP.x), 50 + Math.floor(i / COLS) * (PH + GAP.y), lo - pad, hi + pad)));
  return svgDocument(width, height, body);
}
