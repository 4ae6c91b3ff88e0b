/**
 * Pictures of multi-objective search. paretoPlotSvg: two objectives of every evaluated child, grey
 * dots, and the Pareto front in colour joined by its attainment staircase (the boundary of the
 * region the front dominates, Fonseca & Fleming, "On the Performance Assessment and Comparison of
 * Stochastic Multiobjective Optimizers", PPSN 1996). Front members are labelled with the greedy
 * placement of ops-plot.ts (Christensen, Marks & Shieber, ACM TOG 1995), candidates on the outward
 * side of the front first (no point lies there); a label that finds no room goes to a numbered list
 * beside the plot. The boxes are returned so tests hold the readability rule of boxes.ts.
 * hypervolumeCurveSvg: hypervolume against progress (e.g. children evaluated), one step line per run.
 */
import type { Direction } from '../objectives/pareto.js';
import { centred, overlaps, type Box, type Labelled } from './boxes.js';
import { decades } from './ops-plot.js';
import { el, esc, r1, svgDocument } from './svg.js';

export interface ParetoAxis {
  label: string;
  log?: boolean;
  dir: Direction;
}

export interface ParetoPlotPoint {
  id: number;
  x: number;
  y: number;
  onFront: boolean;
  /** Shown beside a front member; `#id` when left out. */
  label?: string;
}

export interface ParetoPlotInput {
  title: string;
  subtitle?: string;
  x: ParetoAxis;
  y: ParetoAxis;
  points: ParetoPlotPoint[];
}

export interface ParetoPlot {
  svg: string;
  /** Boxes of the markers and of the fixed texts (ticks, axis titles, legend). */
  nodes: Labelled[];
  /** Boxes of the placed labels, the numbers of listed ones and the list lines. */
  labels: Labelled[];
}

const W = 860;
const H = 560;
const PAD = { left: 80, right: 220, top: 48, bottom: 56 };
const FONT = 10;
const CHAR = 0.6 * FONT; // as ops-plot.ts
const FRONT = '#d62728';
const GREY = '#9a9a9a';
const MARK = 7; // front marker box
const DOT = 5; // grey dot box
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

/** Round tick values, about five, spanning [lo, hi], and their step. */
function linearTicks(lo: number, hi: number): { ticks: number[]; step: number } {
  if (!(hi > lo)) return { ticks: [lo], step: 0 };
  const raw = (hi - lo) / 5;
  const unit = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * unit).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * unit;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step, i = 0; v + i * step <= hi + step * 1e-9; i++) ticks.push(+(v + i * step).toPrecision(12));
  return { ticks, step };
}

/** Tick text: enough significant digits to tell ticks `step` apart (at least three), k/M/G from ten thousand. */
function tickText(v: number, step = 0): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  const [d, unit] = a >= 1e9 ? [1e9, 'G'] : a >= 1e6 ? [1e6, 'M'] : a >= 1e4 ? [1e3, 'k'] : [1, ''];
  const digits = step > 0 ? Math.min(12, Math.max(3, Math.floor(Math.log10(a)) - Math.floor(Math.log10(step)) + 1)) : 3;
  return `${+(v / d).toPrecision(digits)}${unit}`;
}

interface Scale {
  /** Value to pixel. */
  at: (v: number) => number;
  ticks: number[];
  /** Tick spacing of a linear axis (0 on a log one). */
  step: number;
}

/** The axis from the values' range padded by 6 % (in log space for a log axis), onto [p0, p1] pixels. */
function scale(values: number[], log: boolean, p0: number, p1: number): Scale {
  const f = log ? Math.log10 : (v: number) => v;
  const vs = values.map(f);
  const lo0 = vs.length ? Math.min(...vs) : 0, hi0 = vs.length ? Math.max(...vs) : 1;
  const pad = (hi0 - lo0) * 0.06 || (log ? 0.1 : Math.abs(lo0) * 0.06 || 1);
  const lo = lo0 - pad, hi = hi0 + pad;
  const at = (v: number) => p0 + ((f(v) - lo) / (hi - lo)) * (p1 - p0);
  const [vlo, vhi] = log ? [10 ** lo, 10 ** hi] : [lo, hi];
  const ticks = log ? decades(vlo, vhi).filter((v) => v >= vlo && v <= vhi) : [];
  if (ticks.length >= 2) return { at, ticks, step: 0 };
  // A log axis spanning under a decade or so gets round linear ticks instead.
  const lin = linearTicks(vlo, vhi);
  return { at, ticks: lin.ticks.filter((v) => !log || v > 0), step: lin.step };
}

const better = (a: ParetoAxis) => `${a.label} (${a.log ? 'log, ' : ''}${a.dir === 'max' ? 'higher' : 'lower'} is better)`;
const textBox = (x: number, y: number, text: string, anchor: 'start' | 'middle' | 'end', font = FONT): Box => {
  const w = text.length * 0.6 * font;
  return { x: anchor === 'end' ? x - w : anchor === 'middle' ? x - w / 2 : x, y: y - font, w, h: font * 1.25 };
};

/** The front's attainment staircase in data coordinates: each point, and between neighbours the corner worse in both. */
export function staircase(front: Array<{ x: number; y: number }>, dx: Direction, dy: Direction): Array<{ x: number; y: number }> {
  const rank = (v: number, d: Direction) => (d === 'max' ? v : -v); // larger is better
  const worse = (a: number, b: number, d: Direction) => (d === 'max' ? Math.min(a, b) : Math.max(a, b));
  // From the worst x to the best; along a front, y then goes from best to worst.
  const sorted = front.slice().sort((a, b) => rank(a.x, dx) - rank(b.x, dx) || rank(b.y, dy) - rank(a.y, dy));
  const out: Array<{ x: number; y: number }> = [];
  sorted.forEach((p, i) => {
    if (i > 0) out.push({ x: worse(sorted[i - 1].x, p.x, dx), y: worse(sorted[i - 1].y, p.y, dy) });
    out.push(p);
  });
  return out.filter((p, i) => i === 0 || p.x !== out[i - 1].x || p.y !== out[i - 1].y);
}

/** The front of two objectives: all points grey, the front coloured and joined by its staircase, front members labelled. */
export function paretoPlotSvg(input: ParetoPlotInput): ParetoPlot {
  for (const p of input.points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) throw new Error(`paretoPlotSvg: point #${p.id} is not finite (${p.x}, ${p.y})`);
    if ((input.x.log && p.x <= 0) || (input.y.log && p.y <= 0)) throw new Error(`paretoPlotSvg: point #${p.id} is not positive on a log axis`);
  }
  const left = PAD.left, right = W - PAD.right, top = PAD.top, bottom = H - PAD.bottom;
  const sx = scale(input.points.map((p) => p.x), !!input.x.log, left, right);
  const sy = scale(input.points.map((p) => p.y), !!input.y.log, bottom, top);
  const parts: string[] = [
    el('text', { x: left, y: 20, 'font-size': 15, 'font-weight': 'bold' }, esc(input.title)),
    ...(input.subtitle ? [el('text', { x: left, y: 36, 'font-size': 11, fill: '#444' }, esc(input.subtitle))] : []),
    el('rect', { x: left, y: top, width: right - left, height: bottom - top, fill: 'none', stroke: '#444' }),
  ];
  const fixed: Labelled[] = []; // axis texts and the legend: labels keep off them too
  const text = (x: number, y: number, s: string, anchor: 'start' | 'middle' | 'end', what: string, extra: Record<string, string | number> = {}) => {
    parts.push(el('text', { x: r1(x), y: r1(y), 'font-size': FONT, 'text-anchor': anchor, fill: '#333', ...extra }, esc(s)));
    fixed.push({ what, box: textBox(x, y, s, anchor) });
  };
  for (const v of sx.ticks) {
    parts.push(el('line', { x1: r1(sx.at(v)), x2: r1(sx.at(v)), y1: top, y2: bottom, stroke: '#eee' }));
    text(sx.at(v), bottom + 14, tickText(v, sx.step), 'middle', `x tick ${tickText(v, sx.step)}`);
  }
  for (const v of sy.ticks) {
    parts.push(el('line', { x1: left, x2: right, y1: r1(sy.at(v)), y2: r1(sy.at(v)), stroke: '#eee' }));
    text(left - 6, sy.at(v) + 4, tickText(v, sy.step), 'end', `y tick ${tickText(v, sy.step)}`);
  }
  const xTitle = better(input.x), yTitle = better(input.y), midY = (top + bottom) / 2;
  parts.push(el('text', { x: (left + right) / 2, y: H - 14, 'font-size': 11, 'text-anchor': 'middle' }, esc(xTitle)));
  fixed.push({ what: 'x axis title', box: textBox((left + right) / 2, H - 14, xTitle, 'middle', 11) });
  parts.push(el('text', { x: 16, y: midY, 'font-size': 11, 'text-anchor': 'middle', transform: `rotate(-90 16 ${midY})` }, esc(yTitle)));
  const yw = yTitle.length * 6.6;
  fixed.push({ what: 'y axis title', box: { x: 16 - 11, y: midY - yw / 2, w: 13.75, h: yw } });

  // The staircase first, so the markers sit on it; it runs on to the frame at both ends.
  const front = input.points.filter((p) => p.onFront);
  const steps = staircase(front, input.x.dir, input.y.dir).map((p) => ({ x: r1(sx.at(p.x)), y: r1(sy.at(p.y)) }));
  const segments: Box[] = [];
  if (steps.length > 0) {
    const edgeX = input.x.dir === 'max' ? left : right, edgeY = input.y.dir === 'max' ? bottom : top;
    const path = [{ x: edgeX, y: steps[0].y }, ...steps, { x: steps[steps.length - 1].x, y: edgeY }];
    for (let i = 1; i < path.length; i++) {
      const a = path[i - 1], b = path[i];
      segments.push({ x: Math.min(a.x, b.x) - 0.5, y: Math.min(a.y, b.y) - 0.5, w: Math.abs(a.x - b.x) + 1, h: Math.abs(a.y - b.y) + 1 });
    }
    const d = path.map((p, i) => `${i === 0 ? 'M' : 'L'}${r1(p.x)},${r1(p.y)}`).join(' ');
    parts.push(el('path', { d, fill: 'none', stroke: FRONT, 'stroke-width': 1.5, 'stroke-opacity': 0.8, class: 'staircase' }));
  }

  const placed = input.points.map((p) => ({ p, cx: r1(sx.at(p.x)), cy: r1(sy.at(p.y)), text: p.label ?? `#${p.id}` }));
  const nodes: Labelled[] = placed.map(({ p, cx, cy }) => ({ what: `${p.onFront ? 'front' : 'point'} #${p.id}`, box: centred(cx, cy, p.onFront ? MARK : DOT, p.onFront ? MARK : DOT) }));
  for (const { p, cx, cy } of placed) if (!p.onFront) parts.push(el('circle', { cx, cy, r: DOT / 2 - 0.3, fill: GREY, 'fill-opacity': 0.7, class: 'point', 'data-id': p.id }));
  for (const { p, cx, cy } of placed) if (p.onFront) parts.push(el('circle', { cx, cy, r: MARK / 2 - 0.5, fill: FRONT, stroke: 'white', 'stroke-width': 0.8, class: 'front', 'data-id': p.id }));

  // Greedy placement along the front; on each ring the directions pointing away from the dominated side first.
  const out = { x: input.x.dir === 'max' ? 1 : -1, y: input.y.dir === 'max' ? -1 : 1 };
  const dirs = [[1, 0], [-1, 0], [0, -1], [0, 1], [0.7, -0.7], [0.7, 0.7], [-0.7, -0.7], [-0.7, 0.7]]
    .map(([dx, dy], i) => ({ dx, dy, i })).sort((a, b) => b.dx * out.x + b.dy * out.y - (a.dx * out.x + a.dy * out.y) || a.i - b.i);
  const labels: Labelled[] = [];
  const listed: Array<{ n: number; text: string; id: number }> = [];
  const free = (b: Box, keepOffLine: boolean) => b.x >= left + 1 && b.x + b.w <= right - 1 && b.y >= top + 1 && b.y + b.h <= bottom - 1
    && !nodes.some((n) => overlaps(b, n.box)) && !labels.some((l) => overlaps(b, l.box)) && !fixed.some((f) => overlaps(b, f.box))
    && (!keepOffLine || !segments.some((s) => overlaps(b, s)));
  const byStaircase = placed.filter((q) => q.p.onFront).sort((a, b) => a.cx - b.cx || a.cy - b.cy);
  for (const { p, cx, cy, text: t } of byStaircase) {
    const w = t.length * CHAR + 2, h = FONT * 1.25;
    let box: Box | undefined;
    let d = 0;
    // Off the staircase if possible, across it if not.
    for (const keepOffLine of [true, false]) {
      for (d of [2, 6, 12, 20, 30, 44]) {
        const r = MARK / 2 + d;
        box = dirs.map(({ dx, dy }) => ({
          x: dx > 0 ? cx + r * dx : dx < 0 ? cx + r * dx - w : cx - w / 2,
          y: dy < 0 ? cy + r * dy - h : dy > 0 ? cy + r * dy : cy - h / 2,
          w, h,
        })).find((b) => free(b, keepOffLine));
        if (box) break;
      }
      if (box) break;
    }
    if (!box) {
      const n = listed.length + 1;
      listed.push({ n, text: t, id: p.id });
      const tag = String(n), tw = tag.length * CHAR;
      const tagBox = [centred(cx + MARK / 2 + 2 + tw / 2, cy - MARK / 2 - 5, tw, h), centred(cx - MARK / 2 - 2 - tw / 2, cy + MARK / 2 + 5, tw, h),
        centred(cx + MARK / 2 + 2 + tw / 2, cy + MARK / 2 + 5, tw, h), centred(cx - MARK / 2 - 2 - tw / 2, cy - MARK / 2 - 5, tw, h)].find((b) => free(b, false));
      if (tagBox) {
        labels.push({ what: `number ${n} of #${p.id}`, box: tagBox });
        parts.push(el('text', { x: r1(tagBox.x + tagBox.w / 2), y: r1(tagBox.y + FONT), 'font-size': FONT, 'text-anchor': 'middle', fill: FRONT, 'font-weight': 'bold' }, tag));
      }
      continue;
    }
    labels.push({ what: `label of #${p.id}: ${t}`, box });
    if (d > 12) {
      const lx = Math.min(Math.max(cx, box.x), box.x + box.w), ly = Math.min(Math.max(cy, box.y), box.y + box.h);
      parts.push(el('line', { x1: cx, y1: cy, x2: r1(lx), y2: r1(ly), stroke: FRONT, 'stroke-width': 0.6, 'stroke-opacity': 0.7 }));
    }
    parts.push(el('text', { x: r1(box.x + 1), y: r1(box.y + FONT), 'font-size': FONT, fill: '#8b1a1a', class: 'label', 'data-id': p.id }, esc(t)));
  }

  // Legend, then the numbered list of labels that found no room, in the right margin.
  const lx = right + 16;
  let ly = top + 4;
  const legend = (mark: string, s: string) => {
    parts.push(mark, el('text', { x: lx + 16, y: ly + 10, 'font-size': 11 }, esc(s)));
    fixed.push({ what: `legend ${s}`, box: { x: lx, y: ly, w: 16 + s.length * 6.6, h: 14 } });
    ly += 18;
  };
  legend(el('circle', { cx: lx + 6, cy: ly + 6, r: MARK / 2 - 0.5, fill: FRONT }), `Pareto front (${front.length})`);
  legend(el('circle', { cx: lx + 6, cy: ly + 6, r: DOT / 2 - 0.3, fill: GREY }), `other points (${input.points.length - front.length})`);
  legend(el('line', { x1: lx, x2: lx + 12, y1: ly + 6, y2: ly + 6, stroke: FRONT, 'stroke-width': 1.5 }), 'attainment staircase');
  let width = W;
  if (listed.length > 0) {
    ly += 8;
    for (const item of listed) {
      const line = `${item.n}: ${item.text}`;
      parts.push(el('text', { x: lx, y: ly + 10, 'font-size': FONT, fill: '#8b1a1a', class: 'listed', 'data-id': item.id }, esc(line)));
      labels.push({ what: `list of #${item.id}: ${line}`, box: { x: lx, y: ly, w: line.length * CHAR, h: FONT * 1.25 } });
      width = Math.max(width, lx + line.length * CHAR + 10);
      ly += 14;
    }
  }
  return { svg: svgDocument(width, Math.max(H, ly + 20), parts), nodes: [...nodes, ...fixed], labels };
}

export interface HypervolumeCurveInput {
  title: string;
  subtitle?: string;
  xLabel: string;
  series: Array<{ label: string; points: Array<{ x: number; y: number }> }>;
}

/** Hypervolume (y) against progress (x): one step line per series (the value holds until the next point), a legend. */
export function hypervolumeCurveSvg(input: HypervolumeCurveInput): string {
  const cw = 760, ch = 380, pad = { left: 70, right: 220, top: 48, bottom: 50 };
  const left = pad.left, right = cw - pad.right, top = pad.top, bottom = ch - pad.bottom;
  const all = input.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const xs = all.map((p) => p.x), ys = all.map((p) => p.y);
  const [xLo, xHi] = xs.length ? [Math.min(0, ...xs), Math.max(...xs)] : [0, 1];
  const [yLo, yHi] = ys.length ? [Math.min(0, ...ys), Math.max(...ys) * 1.05] : [0, 1];
  const X = (v: number) => left + ((v - xLo) / (xHi - xLo || 1)) * (right - left);
  const Y = (v: number) => bottom - ((v - yLo) / (yHi - yLo || 1)) * (bottom - top);
  const parts: string[] = [
    el('text', { x: left, y: 20, 'font-size': 15, 'font-weight': 'bold' }, esc(input.title)),
    ...(input.subtitle ? [el('text', { x: left, y: 36, 'font-size': 11, fill: '#444' }, esc(input.subtitle))] : []),
    el('rect', { x: left, y: top, width: right - left, height: bottom - top, fill: 'none', stroke: '#444' }),
  ];
  const tx = linearTicks(xLo, xHi), ty = linearTicks(yLo, yHi);
  for (const v of tx.ticks) {
    parts.push(el('line', { x1: r1(X(v)), x2: r1(X(v)), y1: top, y2: bottom, stroke: '#eee' }));
    parts.push(el('text', { x: r1(X(v)), y: bottom + 14, 'font-size': FONT, 'text-anchor': 'middle', fill: '#333' }, tickText(v, tx.step)));
  }
  for (const v of ty.ticks) {
    parts.push(el('line', { x1: left, x2: right, y1: r1(Y(v)), y2: r1(Y(v)), stroke: '#eee' }));
    parts.push(el('text', { x: left - 6, y: r1(Y(v) + 4), 'font-size': FONT, 'text-anchor': 'end', fill: '#333' }, tickText(v, ty.step)));
  }
  const midY = (top + bottom) / 2;
  parts.push(el('text', { x: (left + right) / 2, y: ch - 14, 'font-size': 11, 'text-anchor': 'middle' }, esc(input.xLabel)));
  parts.push(el('text', { x: 16, y: midY, 'font-size': 11, 'text-anchor': 'middle', transform: `rotate(-90 16 ${midY})` }, 'hypervolume'));
  const lx = right + 16;
  input.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
    const d = pts.map((p, k) => (k === 0 ? `M${r1(X(p.x))},${r1(Y(p.y))}` : `L${r1(X(p.x))},${r1(Y(pts[k - 1].y))} L${r1(X(p.x))},${r1(Y(p.y))}`)).join(' ');
    const ly = top + 4 + 18 * i;
    const last = pts.length ? ` (${tickText(pts[pts.length - 1].y)})` : '';
    parts.push(el('g', { class: 'series', 'data-label': s.label }, [
      ...(pts.length ? [el('path', { d, fill: 'none', stroke: color, 'stroke-width': 2 })] : []),
      el('line', { x1: lx, x2: lx + 12, y1: ly + 6, y2: ly + 6, stroke: color, 'stroke-width': 2 }),
      el('text', { x: lx + 16, y: ly + 10, 'font-size': 11 }, esc(s.label + last)),
    ]));
  });
  return svgDocument(cw, Math.max(ch, top + 18 * input.series.length + 20), parts);
}
