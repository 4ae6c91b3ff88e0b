/**
 * The picture of `nas bench ops`: mult-adds (x, log) against measured latency (y, log), one point per
 * op and backend. Ops without mult-adds (pools, identity) stand in a band left of the axis. Labels
 * are placed greedily (the "greedy" baseline of Christensen, Marks & Shieber, "An Empirical Study
 * of Algorithms for Point-Feature Label Placement", ACM TOG 1995): each label takes the first of a
 * ring of candidate positions around its point, at growing distances, that overlaps no point, no
 * plotted label and no axis text; a label that finds none goes to a numbered list beside the plot,
 * its point numbered. So the readability rule of the cell diagrams (src/export/boxes.ts) holds by
 * construction, and the boxes are returned for tests to check.
 */
import { centred, overlaps, type Box, type Labelled } from './boxes.js';
import { el, esc, r1, svgDocument } from './svg.js';

export interface PlotPoint {
  label: string;
  series: string;
  /** Mult-adds (0: the no-compute band). */
  x: number;
  /** Seconds. */
  y: number;
}

export interface OpsPlot {
  svg: string;
  /** Boxes of the point markers and of every placed text (labels, list lines, ticks, legend). */
  nodes: Labelled[];
  labels: Labelled[];
}

const W = 860;
const H = 560;
const PAD = { left: 130, right: 200, top: 48, bottom: 56 };
const BAND = 60; // the no-mult-adds band, left of the x axis
const FONT = 10;
const CHAR = 0.6 * FONT; // width per character of the label font (digits and lower case in Helvetica average below this)
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const MARK = 7;

const log10 = Math.log10;
/** Tick values: powers of ten, with 2 and 5 between them when the range spans under three decades. */
export const decades = (lo: number, hi: number) => {
  const out: number[] = [];
  const steps = log10(hi / lo) < 3 ? [1, 2, 5] : [1];
  for (let e = Math.floor(log10(lo)); e <= Math.ceil(log10(hi)); e++) for (const m of steps) out.push(+(m * 10 ** e).toPrecision(2));
  return out;
};
const si = (v: number) => (v >= 1e9 ? `${v / 1e9}G` : v >= 1e6 ? `${v / 1e6}M` : v >= 1e3 ? `${v / 1e3}k` : String(v));
const ms = (s: number) => {
  const v = s * 1000;
  return v >= 1 ? `${+v.toPrecision(3)} ms` : `${+(v * 1000).toPrecision(3)} µs`;
};

/** Draws the points; `title` and `subtitle` go above the plot. */
export function opsPlotSvg(points: PlotPoint[], title: string, subtitle: string): OpsPlot {
  const series = [...new Set(points.map((p) => p.series))];
  const color = (s: string) => COLORS[series.indexOf(s) % COLORS.length];
  const xs = points.filter((p) => p.x > 0).map((p) => p.x);
  const ys = points.map((p) => Math.max(p.y, 1e-7));
  const [xLo, xHi] = xs.length ? [Math.min(...xs) / 1.5, Math.max(...xs) * 1.5] : [1, 10];
  const [yLo, yHi] = [Math.min(...ys) / 1.5, Math.max(...ys) * 1.5];
  const left = PAD.left + BAND, right = W - PAD.right, top = PAD.top, bottom = H - PAD.bottom;
  const px = (v: number) => (v > 0 ? left + ((log10(v) - log10(xLo)) / (log10(xHi) - log10(xLo))) * (right - left) : PAD.left + BAND / 2);
  const py = (v: number) => bottom - ((log10(Math.max(v, 1e-7)) - log10(yLo)) / (log10(yHi) - log10(yLo))) * (bottom - top);

  const parts: string[] = [
    el('text', { x: PAD.left, y: 20, 'font-size': 15, 'font-weight': 'bold' }, esc(title)),
    el('text', { x: PAD.left, y: 36, 'font-size': 11, fill: '#444' }, esc(subtitle)),
    el('rect', { x: left, y: top, width: right - left, height: bottom - top, fill: 'none', stroke: '#444' }),
    el('rect', { x: PAD.left, y: top, width: BAND - 8, height: bottom - top, fill: '#f4f4f4', stroke: '#bbb' }),
  ];
  const fixed: Labelled[] = []; // axis texts: labels must keep off them too
  const axisText = (x: number, y: number, text: string, anchor: 'middle' | 'end', what: string) => {
    parts.push(el('text', { x: r1(x), y: r1(y), 'font-size': FONT, 'text-anchor': anchor, fill: '#333' }, esc(text)));
    const w = text.length * CHAR;
    fixed.push({ what, box: { x: anchor === 'end' ? x - w : x - w / 2, y: y - FONT, w, h: FONT * 1.25 } });
  };
  for (const v of decades(xLo, xHi).filter((v) => v >= xLo && v <= xHi)) {
    parts.push(el('line', { x1: r1(px(v)), x2: r1(px(v)), y1: top, y2: bottom, stroke: '#eee' }));
    axisText(px(v), bottom + 14, si(v), 'middle', `x tick ${si(v)}`);
  }
  axisText(PAD.left + (BAND - 8) / 2, bottom + 14, '0', 'middle', 'x tick 0');
  for (const v of decades(yLo, yHi).filter((v) => v >= yLo && v <= yHi)) {
    parts.push(el('line', { x1: left, x2: right, y1: r1(py(v)), y2: r1(py(v)), stroke: '#eee' }));
    axisText(PAD.left - 6, py(v) + 4, ms(v), 'end', `y tick ${ms(v)}`);
  }
  parts.push(el('text', { x: (left + right) / 2, y: H - 14, 'font-size': 11, 'text-anchor': 'middle' }, 'mult-adds per image (log; pools and identity in the band at left)'));
  parts.push(el('text', { x: 16, y: (top + bottom) / 2, 'font-size': 11, 'text-anchor': 'middle', transform: `rotate(-90 16 ${(top + bottom) / 2})` }, 'forward latency of one batch, median (log)'));

  // Points, with a little spread in the no-compute band so they do not sit on one another.
  const placed = points.map((p, i) => {
    const band = p.x <= 0;
    const cx = band ? PAD.left + 8 + ((i * 7) % (BAND - 24)) : px(p.x);
    return { p, cx, cy: py(p.y) };
  });
  const nodes: Labelled[] = placed.map(({ p, cx, cy }) => ({ what: `point ${p.label} (${p.series})`, box: centred(cx, cy, MARK, MARK) }));
  for (const { p, cx, cy } of placed) parts.push(el('circle', { cx: r1(cx), cy: r1(cy), r: MARK / 2 - 0.5, fill: color(p.series), 'fill-opacity': 0.85, class: 'point', 'data-series': p.series, 'data-label': p.label }));

  // Greedy label placement: candidates on rings around the point, nearest first.
  const labels: Labelled[] = [];
  const listed: Array<{ n: number; text: string; series: string }> = [];
  const free = (b: Box) => b.x >= PAD.left - 60 && b.x + b.w <= right - 2 && b.y >= top + 2 && b.y + b.h <= bottom - 2
    && !nodes.some((n) => overlaps(b, n.box)) && !labels.some((l) => overlaps(b, l.box)) && !fixed.some((f) => overlaps(b, f.box));
  const order = placed.map((_, i) => i).sort((a, b) => placed[a].cy - placed[b].cy);
  for (const i of order) {
    const { p, cx, cy } = placed[i];
    const w = p.label.length * CHAR + 2, h = FONT * 1.25;
    let box: Box | undefined;
    let leader = false;
    for (const d of [2, 6, 12, 20, 30, 44]) {
      const r = MARK / 2 + d;
      const candidates: Box[] = [
        { x: cx + r, y: cy - h / 2, w, h }, { x: cx - r - w, y: cy - h / 2, w, h },
        { x: cx - w / 2, y: cy - r - h, w, h }, { x: cx - w / 2, y: cy + r, w, h },
        { x: cx + r * 0.7, y: cy - r * 0.7 - h, w, h }, { x: cx + r * 0.7, y: cy + r * 0.7, w, h },
        { x: cx - r * 0.7 - w, y: cy - r * 0.7 - h, w, h }, { x: cx - r * 0.7 - w, y: cy + r * 0.7, w, h },
      ];
      box = candidates.find(free);
      if (box) {
        leader = d > 12;
        break;
      }
    }
    if (!box) {
      const n = listed.length + 1;
      listed.push({ n, text: p.label, series: p.series });
      const tag = String(n);
      const tagBox = [centred(cx + MARK / 2 + 2 + tag.length * CHAR / 2, cy - MARK / 2 - 5, tag.length * CHAR, h), centred(cx - MARK / 2 - 2 - tag.length * CHAR / 2, cy + MARK / 2 + 5, tag.length * CHAR, h)].find(free);
      if (tagBox) {
        labels.push({ what: `number ${n} of ${p.label} (${p.series})`, box: tagBox });
        parts.push(el('text', { x: r1(tagBox.x + tagBox.w / 2), y: r1(tagBox.y + FONT), 'font-size': FONT, 'text-anchor': 'middle', fill: color(p.series), 'font-weight': 'bold' }, tag));
      }
      continue;
    }
    labels.push({ what: `label ${p.label} (${p.series})`, box });
    if (leader) {
      const lx = Math.min(Math.max(cx, box.x), box.x + box.w), ly = Math.min(Math.max(cy, box.y), box.y + box.h);
      parts.push(el('line', { x1: r1(cx), y1: r1(cy), x2: r1(lx), y2: r1(ly), stroke: color(p.series), 'stroke-width': 0.6, 'stroke-opacity': 0.7 }));
    }
    parts.push(el('text', { x: r1(box.x + 1), y: r1(box.y + FONT), 'font-size': FONT, fill: color(p.series), class: 'label' }, esc(p.label)));
  }

  // Legend, then the numbered list of labels that found no room, in the right margin.
  let ly = top + 4;
  const legendX = right + 16;
  for (const s of series) {
    parts.push(el('circle', { cx: legendX + 4, cy: ly + 6, r: 4, fill: color(s) }));
    parts.push(el('text', { x: legendX + 14, y: ly + 10, 'font-size': 11 }, esc(s)));
    fixed.push({ what: `legend ${s}`, box: { x: legendX, y: ly, w: 14 + s.length * 6.6, h: 14 } });
    ly += 18;
  }
  if (listed.length > 0) {
    ly += 8;
    for (const item of listed) {
      const line = `${item.n}: ${item.text}`;
      parts.push(el('text', { x: legendX, y: ly + 10, 'font-size': FONT, fill: color(item.series) }, esc(line)));
      labels.push({ what: `list ${line} (${item.series})`, box: { x: legendX, y: ly, w: line.length * CHAR, h: FONT * 1.25 } });
      ly += 14;
    }
  }
  const height = Math.max(H, ly + 20);
  return { svg: svgDocument(W, height, parts), nodes: [...nodes, ...fixed], labels };
}
