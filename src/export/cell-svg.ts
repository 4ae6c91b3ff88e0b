/**
 * Draws NASNet cells as SVG with a small layered layout of our own (no graphviz at run time):
 * inputs on the left, each add node one column right of its deepest input, the concat node
 * last; ops are labels on the edges, as in Zoph et al. 2018 (Fig. 4) and Liu et al. 2019.
 */
import type { NasnetGenotype } from '../space/types.js';
import { genotypeGraphs, type CellGraph } from './cell-graph.js';
import { el, esc, r1, svgDocument } from './svg.js';

const COL = 190; // column pitch: room for the longest op label (conv_1x7_7x1)
const ROW = 74;
const NODE_W = 64;
const NODE_H = 28;
const MARGIN = 24;
const TITLE_H = 26;

interface Placed {
  x: number;
  y: number;
}

/** Node centres, by id, for a graph drawn with its top-left at (0, 0); and the size used. */
export function layoutCell(g: CellGraph): { pos: Map<string, Placed>; width: number; height: number } {
  const layers = new Map<number, string[]>();
  for (const n of g.nodes) layers.set(n.layer, [...(layers.get(n.layer) ?? []), n.id]);
  const tallest = Math.max(...[...layers.values()].map((l) => l.length));
  const height = tallest * ROW;
  const pos = new Map<string, Placed>();
  for (const [layer, ids] of layers) {
    const top = (height - ids.length * ROW) / 2;
    ids.forEach((id, k) => pos.set(id, { x: NODE_W / 2 + layer * COL, y: top + ROW / 2 + k * ROW }));
  }
  const width = NODE_W + Math.max(...g.nodes.map((n) => n.layer)) * COL;
  return { pos, width, height };
}

/** SVG elements of one cell, translated to (ox, oy). */
function drawCell(g: CellGraph, ox: number, oy: number): { parts: string[]; width: number; height: number } {
  const { pos, width, height } = layoutCell(g);
  const parts: string[] = [];
  parts.push(el('text', { x: ox, y: oy + 16, 'font-size': 15, 'font-weight': 'bold', class: 'cell-title' }, esc(g.title)));
  const y0 = oy + TITLE_H;
  // Parallel edges (the same pair of nodes twice) bend apart so both labels stay readable.
  const seen = new Map<string, number>();
  const total = new Map<string, number>();
  for (const e of g.edges) total.set(e.from + '>' + e.to, (total.get(e.from + '>' + e.to) ?? 0) + 1);
  const labels: string[] = [];
  for (const e of g.edges) {
    const key = e.from + '>' + e.to;
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    const a = pos.get(e.from)!;
    const b = pos.get(e.to)!;
    const x1 = ox + a.x + NODE_W / 2, y1 = y0 + a.y;
    const x2 = ox + b.x - NODE_W / 2, y2 = y0 + b.y;
    const bend = total.get(key)! > 1 ? (k === 0 ? -22 : 22) : 0;
    const cx = (x1 + x2) / 2, cy = (y1 + y2) / 2 + bend;
    parts.push(el('path', {
      d: `M${r1(x1)},${r1(y1)} Q${r1(cx)},${r1(cy)} ${r1(x2)},${r1(y2)}`,
      fill: 'none', stroke: e.op ? '#4a6fa5' : '#999', 'stroke-width': 1.4, 'marker-end': 'url(#arrow)',
      class: 'edge', 'data-from': e.from, 'data-to': e.to, 'data-op': e.op,
    }));
    if (e.op) {
      // Midpoint of the quadratic curve (t = 0.5).
      const mx = 0.25 * x1 + 0.5 * cx + 0.25 * x2, my = 0.25 * y1 + 0.5 * cy + 0.25 * y2;
      const w = e.op.length * 6.2 + 8;
      labels.push(el('rect', { x: r1(mx - w / 2), y: r1(my - 8), width: r1(w), height: 15, rx: 3, fill: 'white', 'fill-opacity': 0.9 }));
      labels.push(el('text', { x: r1(mx), y: r1(my + 4), 'font-size': 10.5, 'text-anchor': 'middle', class: 'op', fill: '#1d3557' }, esc(e.op)));
    }
  }
  parts.push(...labels);
  for (const n of g.nodes) {
    const p = pos.get(n.id)!;
    const x = ox + p.x, y = y0 + p.y;
    const fill = n.kind === 'input' ? '#f1f1f1' : n.kind === 'add' ? '#e8eef8' : '#fdf0d5';
    const shape = n.kind === 'add'
      ? el('circle', { cx: r1(x), cy: r1(y), r: NODE_H / 2, fill, stroke: '#333' })
      : el('rect', { x: r1(x - NODE_W / 2), y: r1(y - NODE_H / 2), width: NODE_W, height: NODE_H, rx: 5, fill, stroke: '#333' });
    const text = n.kind === 'add' ? '+' : n.label;
    parts.push(el('g', { class: 'node', 'data-id': n.id, 'data-kind': n.kind }, [
      shape,
      el('text', { x: r1(x), y: r1(y + 4), 'font-size': n.kind === 'add' ? 15 : 12, 'text-anchor': 'middle' }, esc(text)),
      ...(n.kind === 'add' ? [el('text', { x: r1(x), y: r1(y + NODE_H / 2 + 12), 'font-size': 9, 'text-anchor': 'middle', fill: '#666' }, esc(n.label))] : []),
    ]));
  }
  return { parts, width, height: height + TITLE_H };
}

/** An SVG document with the normal cell above the reduction cell. */
export function genotypeToSvg(g: NasnetGenotype, title?: string): string {
  const graphs = genotypeGraphs(g);
  const body: string[] = [
    el('defs', {}, el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      el('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#555' }))),
  ];
  let y = MARGIN;
  let width = 0;
  if (title) {
    body.push(el('text', { x: MARGIN, y: y + 14, 'font-size': 16 }, esc(title)));
    y += 30;
  }
  for (const gr of graphs) {
    const d = drawCell(gr, MARGIN, y);
    body.push(el('g', { class: 'cell', 'data-cell': gr.title }, d.parts));
    y += d.height + MARGIN;
    width = Math.max(width, d.width);
  }
  return svgDocument(width + 2 * MARGIN, y, body);
}
