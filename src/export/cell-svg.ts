/**
 * Draws cells as SVG from their Graphviz layout (cell-layout.ts): the cell inputs at the left, ops
 * on the edges, add nodes, the concat (or NAS-Bench-201 output) node at the right, as the NAS papers
 * draw cells (Zoph et al. 2018, Fig. 4; Liu et al. 2019, Fig. 4-5; Dong & Yang 2020, Fig. 1).
 * Every text is drawn to the width Graphviz measured (textLength), so a viewer's font cannot make
 * a label outgrow the box the layout kept free for it.
 */
import type { Genotype } from '../space/types.js';
import { genotypeGraphs } from './cell-graph.js';
import { layoutCell, type CellLayout, type LaidText } from './cell-layout.js';
import { NODE_FILL } from './dot.js';
import { el, esc, r1, svgDocument } from './svg.js';

const MARGIN = 20;
const TITLE_H = 24;

function text(t: LaidText, attrs: Record<string, string | number>): string {
  return el('text', {
    x: r1(t.x), y: r1(t.baseline), 'font-size': t.size, 'text-anchor': 'middle', ...(t.width > 0 ? { textLength: r1(t.width), lengthAdjust: 'spacingAndGlyphs' } : {}), ...attrs,
  }, esc(t.text));
}

/** SVG elements of one laid-out cell, translated to (ox, oy). */
function drawCell(l: CellLayout, ox: number, oy: number): string[] {
  const parts: string[] = [el('text', { x: 0, y: 15, 'font-size': 14, 'font-weight': 'bold', class: 'cell-title' }, esc(l.title))];
  const body: string[] = [];
  for (const e of l.edges) {
    body.push(el('path', {
      d: e.path, fill: 'none', stroke: e.op ? '#4a6fa5' : '#999', 'stroke-width': 1.3,
      class: 'edge', 'data-from': e.from, 'data-to': e.to, 'data-op': e.op,
    }));
    if (e.arrow.length > 0) body.push(el('polygon', { points: e.arrow.map((p) => `${r1(p[0])},${r1(p[1])}`).join(' '), fill: e.op ? '#4a6fa5' : '#999' }));
  }
  for (const e of l.edges) {
    if (!e.label) continue;
    // A white ground under each op label, so another edge crossing it does not strike the text through.
    const b = e.label.box;
    body.push(el('rect', { x: r1(b.x - 1), y: r1(b.y), width: r1(b.w + 2), height: r1(b.h), fill: 'white', 'fill-opacity': 0.85 }));
    body.push(text(e.label, { class: 'op', fill: '#1d3557' }));
  }
  for (const n of l.nodes) {
    const b = n.box;
    const fill = NODE_FILL[n.kind];
    const shape = n.shape === 'ellipse'
      ? el('ellipse', { cx: r1(b.x + b.w / 2), cy: r1(b.y + b.h / 2), rx: r1(b.w / 2), ry: r1(b.h / 2), fill, stroke: '#333' })
      : el('rect', { x: r1(b.x), y: r1(b.y), width: r1(b.w), height: r1(b.h), rx: 5, fill, stroke: '#333' });
    body.push(el('g', { class: 'node', 'data-id': n.id, 'data-kind': n.kind }, [shape, text(n.text, {})]));
  }
  parts.push(el('g', { transform: `translate(0 ${TITLE_H})` }, body));
  return [el('g', { class: 'cell', 'data-cell': l.title, transform: `translate(${ox} ${oy})` }, parts)];
}

/** An SVG document with the genotype's cells one above the other (NASNet: normal, then reduction). */
export async function genotypeToSvg(g: Genotype, title?: string): Promise<string> {
  const layouts = await Promise.all(genotypeGraphs(g).map(layoutCell));
  const body: string[] = [];
  let y = MARGIN;
  if (title) {
    body.push(el('text', { x: MARGIN, y: y + 14, 'font-size': 16 }, esc(title)));
    y += 30;
  }
  // Titles are not part of the layout: room for them at ~0.6 em per character.
  let width = title ? 16 * 0.6 * title.length : 0;
  for (const l of layouts) {
    width = Math.max(width, 14 * 0.65 * l.title.length);
    body.push(...drawCell(l, MARGIN, y));
    y += TITLE_H + l.height + MARGIN;
    width = Math.max(width, l.width);
  }
  return svgDocument(width + 2 * MARGIN, y, body);
}
