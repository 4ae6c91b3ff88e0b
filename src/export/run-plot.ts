/**
 * The picture of a run: reward of every trial in the order trained, the best-so-far line of
 * the search, the hand-designed baselines marked, and the learning curves of the run's replays.
 * Plain SVG from our own axes code.
 */
import type { CurvePoint, TrialRow } from '../store/types.js';
import { el, esc, r1, svgDocument } from './svg.js';

export interface PlotReplay {
  label: string;
  curve: CurvePoint[];
  testAccuracy: number | null;
}

export interface RunPlotInput {
  title: string;
  trials: TrialRow[];
  replays: PlotReplay[];
  /** A multi-fidelity run: every rung's result (the trials' rewards are then their highest rung's). */
  rungs?: Array<{ trialId: number; rung: number; reward: number | null; label: string }>;
}

const RUNG_COLORS = ['#1f77b4', '#2ca02c', '#9467bd', '#e377c2', '#17becf'];

const W = 760;
const H = 300;
const PAD = { left: 56, right: 150, top: 34, bottom: 42 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

interface Axes {
  x: (v: number) => number;
  y: (v: number) => number;
  parts: string[];
}

/** Frame, ticks and labels of one panel at vertical offset `oy`. */
function axes(oy: number, xMax: number, yMin: number, yMax: number, xLabel: string, yLabel: string, title: string): Axes {
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const x = (v: number) => PAD.left + (xMax > 1 ? ((v - 1) / (xMax - 1)) * iw : iw / 2);
  const y = (v: number) => oy + PAD.top + ih - ((v - yMin) / (yMax - yMin || 1)) * ih;
  const parts: string[] = [
    el('text', { x: PAD.left, y: oy + 20, 'font-size': 14, 'font-weight': 'bold', class: 'panel-title' }, esc(title)),
    el('rect', { x: PAD.left, y: oy + PAD.top, width: iw, height: ih, fill: 'none', stroke: '#444' }),
  ];
  for (let k = 0; k <= 5; k++) {
    const v = yMin + ((yMax - yMin) * k) / 5;
    parts.push(el('line', { x1: PAD.left, x2: PAD.left + iw, y1: r1(y(v)), y2: r1(y(v)), stroke: '#eee' }));
    parts.push(el('text', { x: PAD.left - 6, y: r1(y(v) + 4), 'font-size': 10, 'text-anchor': 'end' }, (100 * v).toFixed(yMax - yMin < 0.05 ? 1 : 0) + '%'));
  }
  const step = Math.max(1, Math.ceil(xMax / 10));
  for (let v = 1; v <= xMax; v += step) {
    parts.push(el('text', { x: r1(x(v)), y: oy + PAD.top + ih + 14, 'font-size': 10, 'text-anchor': 'middle' }, String(v)));
  }
  parts.push(el('text', { x: PAD.left + iw / 2, y: oy + H - 8, 'font-size': 11, 'text-anchor': 'middle' }, esc(xLabel)));
  parts.push(el('text', { x: 14, y: oy + PAD.top + ih / 2, 'font-size': 11, 'text-anchor': 'middle', transform: `rotate(-90 14 ${oy + PAD.top + ih / 2})` }, esc(yLabel)));
  return { x, y, parts };
}

function range(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Math.min(...values), hi = Math.max(...values);
  const pad = Math.max((hi - lo) * 0.05, 0.005);
  lo = Math.max(0, lo - pad);
  hi = Math.min(1, hi + pad);
  return hi > lo ? [lo, hi] : [Math.max(0, lo - 0.01), Math.min(1, hi + 0.01)];
}

/** The SVG document: panel 1 rewards over trials, panel 2 (when there are replays) learning curves. */
export function runPlotSvg(input: RunPlotInput): string {
  const done = input.trials.filter((t) => t.status === 'complete' && t.reward !== null);
  const body: string[] = [el('text', { x: PAD.left, y: 18, 'font-size': 16 }, esc(input.title))];
  const n = Math.max(1, ...input.trials.map((t) => t.number));
  const rungResults = (input.rungs ?? []).filter((r) => r.reward !== null);
  const [lo, hi] = range([...done.map((t) => t.reward!), ...rungResults.map((r) => r.reward!)]);
  const a = axes(12, n, lo, hi, 'trial (order trained)', 'reward (validation accuracy)', 'reward over trials');
  body.push(...a.parts);
  // Best-so-far of the search trials (baselines are references, not part of the search).
  let best = -Infinity;
  const steps: string[] = [];
  // (A multi-fidelity run's rewards mix rungs: no best-so-far line there, each rung is drawn instead.)
  for (const t of done.filter((t) => !t.baseline && !input.rungs).sort((p, q) => p.number - q.number)) {
    if (t.reward! > best) {
      if (steps.length > 0) steps.push(`L${r1(a.x(t.number))},${r1(a.y(best))}`);
      best = t.reward!;
      steps.push(`${steps.length === 0 ? 'M' : 'L'}${r1(a.x(t.number))},${r1(a.y(best))}`);
    }
  }
  if (steps.length > 0) {
    steps.push(`L${r1(a.x(n))},${r1(a.y(best))}`);
    body.push(el('path', { d: steps.join(' '), fill: 'none', stroke: '#d62728', 'stroke-width': 2, class: 'best-so-far' }));
  }
  for (const t of done) {
    if (t.baseline) {
      const cx = a.x(t.number), cy = a.y(t.reward!);
      body.push(el('g', { class: 'baseline', 'data-trial': t.id, 'data-baseline': t.baseline }, [
        el('path', { d: `M${r1(cx)},${r1(cy - 6)} L${r1(cx + 6)},${r1(cy)} L${r1(cx)},${r1(cy + 6)} L${r1(cx - 6)},${r1(cy)} z`, fill: '#ff7f0e', stroke: '#333' }),
        el('text', { x: r1(cx + 8), y: r1(cy + 3), 'font-size': 9, fill: '#8a4a00' }, esc(t.baseline)),
      ]));
    } else if (!input.rungs) {
      body.push(el('circle', { cx: r1(a.x(t.number)), cy: r1(a.y(t.reward!)), r: 2.6, fill: '#1f77b4', 'fill-opacity': 0.7, class: 'trial', 'data-trial': t.id }));
    }
  }
  const numberOf = new Map(input.trials.map((t) => [t.id, t.number] as const));
  const rungLabels = new Map<number, string>();
  for (const r of rungResults) {
    rungLabels.set(r.rung, r.label);
    const n = numberOf.get(r.trialId) ?? 0;
    // A promotion joins the rung below it with a thin line: the same child, trained more.
    const below = rungResults.find((q) => q.trialId === r.trialId && q.rung === r.rung - 1);
    if (below) body.push(el('line', { x1: r1(a.x(n)), x2: r1(a.x(n)), y1: r1(a.y(below.reward!)), y2: r1(a.y(r.reward!)), stroke: '#bbb', 'stroke-width': 1 }));
    body.push(el('circle', { cx: r1(a.x(n)), cy: r1(a.y(r.reward!)), r: 2.2 + r.rung, fill: RUNG_COLORS[r.rung % RUNG_COLORS.length], 'fill-opacity': 0.75, class: 'rung', 'data-trial': r.trialId, 'data-rung': r.rung }));
  }
  const lx = W - PAD.right + 12;
  const legend = input.rungs
    ? [...rungLabels.entries()].sort((p, q) => p[0] - q[0]).flatMap(([rung, label], k) => [
        el('circle', { cx: lx, cy: 50 + 18 * k, r: 2.2 + rung, fill: RUNG_COLORS[rung % RUNG_COLORS.length] }), el('text', { x: lx + 8, y: 54 + 18 * k, 'font-size': 10 }, esc(`rung ${rung}: ${label}`)),
      ])
    : [
        el('circle', { cx: lx, cy: 50, r: 3, fill: '#1f77b4' }), el('text', { x: lx + 8, y: 54, 'font-size': 10 }, 'search trial'),
        el('line', { x1: lx - 4, x2: lx + 4, y1: 68, y2: 68, stroke: '#d62728', 'stroke-width': 2 }), el('text', { x: lx + 8, y: 72, 'font-size': 10 }, 'best so far'),
      ];
  const by = input.rungs ? 50 + 18 * rungLabels.size : 86;
  body.push(el('g', { class: 'legend' }, [
    ...legend,
    el('path', { d: `M${lx},${by - 6} L${lx + 5},${by} L${lx},${by + 6} L${lx - 5},${by} z`, fill: '#ff7f0e' }), el('text', { x: lx + 8, y: by + 4, 'font-size': 10 }, 'baseline'),
  ]));
  let height = H + 12;

  const replays = input.replays.filter((r) => r.curve.length > 0);
  if (replays.length > 0) {
    const epochs = Math.max(...replays.map((r) => Math.max(...r.curve.map((p) => p.epoch))));
    const values = replays.flatMap((r) => [...r.curve.map((p) => p.trainAccuracy), ...(r.testAccuracy !== null ? [r.testAccuracy] : [])]);
    const [clo, chi] = range(values);
    const b = axes(height, epochs, clo, chi, 'epoch', 'accuracy', 'replays: training accuracy per epoch, test accuracy at the end');
    body.push(...b.parts);
    replays.forEach((r, i) => {
      const color = COLORS[i % COLORS.length];
      const d = r.curve.map((p, k) => `${k === 0 ? 'M' : 'L'}${r1(b.x(p.epoch))},${r1(b.y(p.trainAccuracy))}`).join(' ');
      const last = r.curve[r.curve.length - 1];
      const parts = [el('path', { d, fill: 'none', stroke: color, 'stroke-width': 2 })];
      if (r.testAccuracy !== null) {
        parts.push(el('circle', { cx: r1(b.x(last.epoch)), cy: r1(b.y(r.testAccuracy)), r: 4.5, fill: 'white', stroke: color, 'stroke-width': 2, class: 'test-accuracy' }));
      }
      const ly = height + 50 + i * 16;
      parts.push(el('line', { x1: lx - 4, x2: lx + 4, y1: ly - 3, y2: ly - 3, stroke: color, 'stroke-width': 2 }));
      parts.push(el('text', { x: lx + 8, y: ly, 'font-size': 10 }, esc(r.label + (r.testAccuracy !== null ? ` (test ${(100 * r.testAccuracy).toFixed(2)}%)` : ''))));
      body.push(el('g', { class: 'replay', 'data-label': r.label }, parts));
    });
    height += H;
  }
  return svgDocument(W, height + 8, body);
}
