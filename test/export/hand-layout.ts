/**
 * The boxes of the hand-made cell layout nas drew before it used Graphviz (src/export/cell-svg.ts
 * up to the Graphviz layout): columns by longest path, rows stacked, op labels at the midpoint of
 * each quadratic edge, parallel edges bent by ±22 px. Kept only so the overlap test can show that
 * its check fails on a layout with colliding labels.
 */
import type { CellGraph } from '../../src/export/cell-graph.js';
import { centred, type Labelled } from '../../src/export/boxes.js';

const COL = 190;
const ROW = 74;
const NODE_W = 64;
const NODE_H = 28;

export function handLayoutBoxes(g: CellGraph): { nodes: Labelled[]; labels: Labelled[] } {
  const layers = new Map<number, string[]>();
  for (const n of g.nodes) layers.set(n.layer, [...(layers.get(n.layer) ?? []), n.id]);
  const tallest = Math.max(...[...layers.values()].map((l) => l.length));
  const height = tallest * ROW;
  const pos = new Map<string, { x: number; y: number }>();
  for (const [layer, ids] of layers) {
    const top = (height - ids.length * ROW) / 2;
    ids.forEach((id, k) => pos.set(id, { x: NODE_W / 2 + layer * COL, y: top + ROW / 2 + k * ROW }));
  }
  const nodes: Labelled[] = [];
  const labels: Labelled[] = [];
  for (const n of g.nodes) {
    const p = pos.get(n.id)!;
    if (n.kind === 'add') {
      nodes.push({ what: n.id, box: centred(p.x, p.y, NODE_H, NODE_H) });
      // The block's name under its + circle: a 9 px label.
      labels.push({ what: `name of ${n.id}`, box: centred(p.x, p.y + NODE_H / 2 + 9, n.label.length * 5.3, 11) });
    } else nodes.push({ what: n.id, box: centred(p.x, p.y, NODE_W, NODE_H) });
  }
  const seen = new Map<string, number>();
  const total = new Map<string, number>();
  for (const e of g.edges) total.set(e.from + '>' + e.to, (total.get(e.from + '>' + e.to) ?? 0) + 1);
  for (const e of g.edges) {
    const key = e.from + '>' + e.to;
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    if (!e.op) continue;
    const a = pos.get(e.from)!;
    const b = pos.get(e.to)!;
    const x1 = a.x + NODE_W / 2, y1 = a.y, x2 = b.x - NODE_W / 2, y2 = b.y;
    const bend = total.get(key)! > 1 ? (k === 0 ? -22 : 22) : 0;
    const cx = (x1 + x2) / 2, cy = (y1 + y2) / 2 + bend;
    const mx = 0.25 * x1 + 0.5 * cx + 0.25 * x2, my = 0.25 * y1 + 0.5 * cy + 0.25 * y2;
    labels.push({ what: `${e.op} on ${e.from}->${e.to}`, box: { x: mx - (e.op.length * 6.2 + 8) / 2, y: my - 8, w: e.op.length * 6.2 + 8, h: 15 } });
  }
  return { nodes, labels };
}
