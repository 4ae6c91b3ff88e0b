/**
 * Lays a cell graph out with Graphviz's dot engine (Gansner et al., "A Technique for Drawing
 * Directed Graphs", 1993), compiled to WebAssembly by @viz-js/viz: no system install. Graphviz
 * places nodes and edge labels (each label is a virtual node of its rank, so labels keep clear of
 * nodes and of each other) and routes the edges as splines; we read its JSON output (coordinates in
 * points, y inverted to SVG's downward axis) into boxes, paths and arrowheads that cell-svg.ts draws
 * and tests check with findOverlaps.
 */
import { instance, type Viz } from '@viz-js/viz';
import type { CellGraph, CellNode } from './cell-graph.js';
import { cellToDot, EDGE_FONT, NODE_FONT } from './dot.js';
import { centred, type Box, type Labelled } from './boxes.js';

export interface LaidText {
  text: string;
  /** Centre of the text's box and its baseline. */
  x: number;
  baseline: number;
  /** Width Graphviz measured (the SVG stretches its text to it) and font size. */
  width: number;
  size: number;
  box: Box;
}

export interface LaidNode {
  id: string;
  kind: CellNode['kind'];
  shape: 'box' | 'ellipse';
  box: Box;
  text: LaidText;
}

export interface LaidEdge {
  from: string;
  to: string;
  op?: string;
  /** SVG path data of the spline. */
  path: string;
  /** Arrowhead polygon. */
  arrow: [number, number][];
  label?: LaidText;
}

export interface CellLayout {
  title: string;
  width: number;
  height: number;
  nodes: LaidNode[];
  edges: LaidEdge[];
}

let viz: Promise<Viz> | undefined;
/** One Graphviz instance per thread (loading the WebAssembly takes ~50 ms). */
const graphviz = (): Promise<Viz> => (viz ??= instance());

interface XDot { op: string; points?: [number, number][]; pt?: [number, number]; width?: number; text?: string; size?: number }
interface GvObject { name: string; pos?: string; width?: string; height?: string; shape?: string; _ldraw_?: XDot[] }
interface GvEdge { tail: number; head: number; label?: string; lp?: string; _draw_?: XDot[]; _hdraw_?: XDot[]; _ldraw_?: XDot[] }

const xy = (s: string): [number, number] => s.split(',').map(Number) as [number, number];

/** The text of an _ldraw_ list: font size (op F) and the text op (op T). */
function textOf(draw: XDot[] | undefined, centre: [number, number], fallbackSize: number): LaidText | undefined {
  const t = draw?.find((d) => d.op === 'T');
  if (!t || !t.pt || t.width === undefined) return undefined;
  const size = draw!.find((d) => d.op === 'F')?.size ?? fallbackSize;
  // The box of the ink: the measured width, and the font size plus descenders for height.
  return { text: t.text ?? '', x: t.pt[0], baseline: t.pt[1], width: t.width, size, box: centred(centre[0], centre[1], t.width, size * 1.2) };
}

/** Spline control points (b op: 1 + 3k points) -> SVG cubic Bézier path. */
function splinePath(points: [number, number][]): string {
  const f = (p: [number, number]) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`;
  let d = `M${f(points[0])}`;
  for (let i = 1; i + 2 < points.length; i += 3) d += ` C${f(points[i])} ${f(points[i + 1])} ${f(points[i + 2])}`;
  return d;
}

/** Lays out one cell; coordinates have the top-left of the drawing at (0, 0). */
export async function layoutCell(g: CellGraph): Promise<CellLayout> {
  const v = await graphviz();
  const r = v.render(cellToDot(g), { format: 'json', yInvert: true });
  if (r.status !== 'success' || !r.output) throw new Error(`graphviz could not lay out ${g.title}: ${r.errors.map((e) => e.message).join('; ')}`);
  const json = JSON.parse(r.output) as { bb: string; objects?: GvObject[]; edges?: GvEdge[] };
  const bb = json.bb.split(',').map(Number);
  const objects = json.objects ?? [];
  const byName = new Map(g.nodes.map((n) => [n.id, n]));
  const nodes: LaidNode[] = [];
  for (const o of objects) {
    const n = byName.get(o.name);
    if (!n || !o.pos) continue;
    const c = xy(o.pos);
    const box = centred(c[0], c[1], Number(o.width) * 72, Number(o.height) * 72);
    const text = textOf(o._ldraw_, c, NODE_FONT.size) ?? { text: n.label, x: c[0], baseline: c[1], width: 0, size: NODE_FONT.size, box };
    nodes.push({ id: n.id, kind: n.kind, shape: o.shape === 'ellipse' ? 'ellipse' : 'box', box, text });
  }
  const edges: LaidEdge[] = (json.edges ?? []).map((e) => {
    const spline = e._draw_?.find((d) => d.op === 'b')?.points ?? [];
    const arrow = e._hdraw_?.find((d) => d.op === 'P' || d.op === 'p')?.points ?? [];
    const label = e.lp ? textOf(e._ldraw_, xy(e.lp), EDGE_FONT.size) : undefined;
    return { from: objects[e.tail].name, to: objects[e.head].name, op: e.label, path: spline.length > 0 ? splinePath(spline) : '', arrow, label };
  });
  return { title: g.title, width: bb[2] - bb[0], height: Math.abs(bb[3] - bb[1]), nodes, edges };
}

/** The boxes the readability rule is checked on: every node, and every label (edge labels and node texts). */
export function layoutBoxes(l: CellLayout): { nodes: Labelled[]; labels: Labelled[] } {
  return {
    nodes: l.nodes.map((n) => ({ what: `${n.id} (${n.text.text})`, box: n.box })),
    labels: l.edges.filter((e) => e.label).map((e) => ({ what: `${e.op} on ${e.from}->${e.to}`, box: e.label!.box })),
  };
}
