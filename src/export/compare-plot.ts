/**
 * The figures of a comparison (`nas compare`), drawn the way the CNN survey draws its side-by-side
 * experiment: a measure per epoch, one line per model (or regulariser), training on the left and
 * test on the right with the same colours and the same y axis, so the two panels read together.
 * One figure for accuracy, one for loss. Plain SVG from our own axes code (svg.ts).
 */
import { el, esc, r1, svgDocument } from './svg.js';

export interface CurveSeries {
  name: string;
  train: Array<{ epoch: number; value: number }>;
  test: Array<{ epoch: number; value: number }>;
}

export interface CurvesFigure {
  title: string;
  /** "accuracy" or "loss": the y axis and the panel titles. */
  measure: string;
  /** Accuracies are drawn in percent, from 0 to 100 % at most. */
  percent: boolean;
  epochs: number;
  series: CurveSeries[];
}

const PW = 360;
const PH = 260;
const PAD = { left: 56, right: 14, top: 34, bottom: 40 };
const LEGEND = 190;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
// Past ten series the colours come round again, so each round of them gets its own dash pattern
// (the survey's zoo has some twenty models in one figure).
const DASHES = [undefined, '6,3', '2,2'];
const stroke = (i: number) => ({ stroke: COLORS[i % COLORS.length], 'stroke-width': 2, 'stroke-dasharray': DASHES[Math.floor(i / COLORS.length) % DASHES.length] });

/** Round tick values between lo and hi (at most ~6). */
function ticks(lo: number, hi: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / 5;
  const step0 = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * step0).find((s) => (hi - lo) / s <= 6) ?? 10 * step0;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9; v += step) out.push(+v.toPrecision(6));
  return out;
}

/** The y range of all the figure's values: accuracies within [0, 1], losses from 0. */
function yRange(values: number[], percent: boolean): [number, number] {
  if (values.length === 0) return [0, 1];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = Math.max((hi - lo) * 0.06, percent ? 0.01 : 0.01 * Math.max(hi, 1));
  return percent ? [Math.max(0, lo - pad), Math.min(1, hi + pad)] : [0, hi + pad];
}

function panel(title: string, f: CurvesFigure, pick: (s: CurveSeries) => Array<{ epoch: number; value: number }>, ox: number, oy: number, yLo: number, yHi: number): string[] {
  const w = PW - PAD.left - PAD.right;
  const h = PH - PAD.top - PAD.bottom;
  const X = (e: number) => ox + PAD.left + (f.epochs > 1 ? ((e - 1) / (f.epochs - 1)) * w : w / 2);
  const Y = (v: number) => oy + PAD.top + h - ((v - yLo) / (yHi - yLo || 1)) * h;
  const fmt = (v: number) => (f.percent ? `${+(100 * v).toPrecision(3)}%` : `${+v.toPrecision(3)}`);
  const out = [
    el('text', { x: ox + PAD.left, y: oy + 20, 'font-size': 13, 'font-weight': 'bold', class: 'panel-title' }, esc(title)),
    el('rect', { x: ox + PAD.left, y: oy + PAD.top, width: w, height: h, fill: 'none', stroke: '#444' }),
  ];
  for (const t of ticks(yLo, yHi)) {
    out.push(el('line', { x1: ox + PAD.left, x2: ox + PAD.left + w, y1: r1(Y(t)), y2: r1(Y(t)), stroke: '#eee' }));
    out.push(el('text', { x: ox + PAD.left - 5, y: r1(Y(t) + 3), 'font-size': 9, 'text-anchor': 'end' }, esc(fmt(t))));
  }
  const step = Math.max(1, Math.ceil(f.epochs / 10));
  for (let e = 1; e <= f.epochs; e += step) out.push(el('text', { x: r1(X(e)), y: oy + PAD.top + h + 13, 'font-size': 9, 'text-anchor': 'middle' }, String(e)));
  out.push(el('text', { x: ox + PAD.left + w / 2, y: oy + PH - 8, 'font-size': 10, 'text-anchor': 'middle' }, 'epoch'));
  out.push(el('text', { x: ox + 13, y: oy + PAD.top + h / 2, 'font-size': 10, 'text-anchor': 'middle', transform: `rotate(-90 ${ox + 13} ${oy + PAD.top + h / 2})` }, esc(f.measure)));
  f.series.forEach((s, i) => {
    const pts = pick(s).filter((p) => Number.isFinite(p.value)).sort((a, b) => a.epoch - b.epoch);
    if (pts.length === 0) return;
    const color = COLORS[i % COLORS.length];
    const d = pts.map((p, k) => `${k === 0 ? 'M' : 'L'}${r1(X(p.epoch))},${r1(Y(p.value))}`).join(' ');
    out.push(el('g', { class: 'series', 'data-name': s.name, 'data-points': pts.length }, [
      el('path', { d, fill: 'none', ...stroke(i) }),
      ...pts.map((p) => el('circle', { cx: r1(X(p.epoch)), cy: r1(Y(p.value)), r: 2.5, fill: color })),
    ]));
  });
  return out;
}

/** The figure: training and test panels side by side, one line per series, the legend on the right. */
export function curvesSvg(f: CurvesFigure): string {
  const values = f.series.flatMap((s) => [...s.train, ...s.test].map((p) => p.value)).filter(Number.isFinite);
  const [lo, hi] = yRange(values, f.percent);
  const top = 30;
  const body = [
    el('text', { x: 10, y: 20, 'font-size': 14, 'font-weight': 'bold' }, esc(f.title)),
    ...panel(`training ${f.measure}`, f, (s) => s.train, 0, top, lo, hi),
    ...panel(`test ${f.measure}`, f, (s) => s.test, PW, top, lo, hi),
  ];
  const lx = 2 * PW + 12;
  body.push(el('g', { class: 'legend' }, f.series.flatMap((s, i) => {
    const y = top + PAD.top + 10 + 16 * i;
    return [
      el('line', { x1: lx, x2: lx + 16, y1: y - 3, y2: y - 3, ...stroke(i) }),
      el('text', { x: lx + 22, y, 'font-size': 10 }, esc(s.name)),
    ];
  })));
  const height = top + Math.max(PH, PAD.top + 20 + 16 * f.series.length) + 6;
  // Wide enough for the longest name (about 6 px a character at this font size).
  const legend = Math.max(LEGEND, 34 + 6 * Math.max(0, ...f.series.map((s) => s.name.length)));
  return svgDocument(2 * PW + legend, height, body);
}
