/**
 * A NASNet cell as a small graph, the way the NAS papers draw it (Zoph et al. 2018, Fig. 4):
 * the two cell inputs h[i-2] and h[i-1], one "add" node per block whose two incoming edges
 * carry the ops, and a concat node that joins the blocks no other block reads.
 */
import type { NasnetBlock, NasnetGenotype } from '../space/types.js';

export interface CellNode {
  /** Stable id usable in DOT and SVG: in0, in1, b0..b4, out. */
  id: string;
  label: string;
  kind: 'input' | 'add' | 'concat';
  /** Column in the layered layout: inputs 0, blocks 1 + longest path from an input, concat last. */
  layer: number;
}

export interface CellEdge {
  from: string;
  to: string;
  /** The op on the edge; undefined for the plain edges into the concat node. */
  op?: string;
}

export interface CellGraph {
  title: string;
  nodes: CellNode[];
  edges: CellEdge[];
}

/** Id of the state an input index refers to (0 = h[i-2], 1 = h[i-1], 2 + j = block j). */
export function stateId(input: number): string {
  return input < 2 ? `in${input}` : `b${input - 2}`;
}

/** Blocks whose output no other block reads: the ones the cell concatenates. */
export function concatenatedBlocks(blocks: readonly NasnetBlock[]): number[] {
  const read = new Set<number>();
  for (const b of blocks) for (const i of b.inputs) if (i >= 2) read.add(i - 2);
  return blocks.map((_, j) => j).filter((j) => !read.has(j));
}

/** Builds the drawing graph of one cell. */
export function cellGraph(blocks: readonly NasnetBlock[], title: string): CellGraph {
  const layerOf = new Map<string, number>([['in0', 0], ['in1', 0]]);
  const nodes: CellNode[] = [
    { id: 'in0', label: 'h[i-2]', kind: 'input', layer: 0 },
    { id: 'in1', label: 'h[i-1]', kind: 'input', layer: 0 },
  ];
  const edges: CellEdge[] = [];
  blocks.forEach((b, j) => {
    const id = `b${j}`;
    const layer = 1 + Math.max(...b.inputs.map((i) => layerOf.get(stateId(i)) ?? 0));
    layerOf.set(id, layer);
    nodes.push({ id, label: `add ${j}`, kind: 'add', layer });
    b.inputs.forEach((input, k) => edges.push({ from: stateId(input), to: id, op: b.ops[k] }));
  });
  const last = Math.max(...nodes.map((n) => n.layer)) + 1;
  nodes.push({ id: 'out', label: 'concat', kind: 'concat', layer: last });
  for (const j of concatenatedBlocks(blocks)) edges.push({ from: `b${j}`, to: 'out' });
  return { title, nodes, edges };
}

/** The normal and the reduction cell of a genotype. */
export function genotypeGraphs(g: NasnetGenotype): CellGraph[] {
  return [cellGraph(g.normal, 'normal cell'), cellGraph(g.reduce, 'reduction cell')];
}
