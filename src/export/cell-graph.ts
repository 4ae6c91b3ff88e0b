/**
 * A cell as a small graph, the way the NAS papers draw it. NASNet (Zoph et al. 2018, Fig. 4; drawn
 * as DARTS' visualize.py does, Liu et al. 2019, Fig. 4-5): the two cell inputs h[i-2] and h[i-1],
 * one "add" node per block whose two incoming edges carry the ops, and a concat node that joins the
 * blocks no other block reads. NAS-Bench-201 (Dong & Yang 2020, Fig. 1): nodes 0..3, each edge an op,
 * `none` edges left out.
 */
import type { Genotype, NasnetBlock, NasnetGenotype } from '../space/types.js';
import { NB201_EDGES, parseNb201Arch } from '../space/nb201.js';

export interface CellNode {
  /** Stable id usable in DOT and SVG: in0, in1, b0..b4, out. */
  id: string;
  label: string;
  kind: 'input' | 'add' | 'concat' | 'output';
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

/**
 * Builds the drawing graph of one cell. `concat` lists the states the cell concatenates (a published
 * cell's list, inputs included: 0 = h[i-2], 1 = h[i-1], 2 + j = block j); by default the blocks no
 * block reads.
 */
export function cellGraph(blocks: readonly NasnetBlock[], title: string, concat?: readonly number[]): CellGraph {
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
  for (const state of concat ?? concatenatedBlocks(blocks).map((j) => j + 2)) edges.push({ from: stateId(state), to: 'out' });
  return { title, nodes, edges };
}

/** A NAS-Bench-201 cell: node 0 the input, nodes 1 and 2 sums, node 3 the output; one edge per op that is not `none`. */
export function nb201Graph(arch: string, title = 'cell'): CellGraph {
  const ops = parseNb201Arch(arch);
  const nodes: CellNode[] = [
    { id: 'n0', label: 'input', kind: 'input', layer: 0 },
    { id: 'n1', label: 'node 1', kind: 'add', layer: 1 },
    { id: 'n2', label: 'node 2', kind: 'add', layer: 2 },
    { id: 'n3', label: 'output', kind: 'output', layer: 3 },
  ];
  const edges: CellEdge[] = [];
  NB201_EDGES.forEach(([to, from], e) => {
    if (ops[e] !== 'none') edges.push({ from: `n${from}`, to: `n${to}`, op: ops[e] });
  });
  return { title, nodes, edges };
}

/** The cells of a genotype: NASNet's normal and reduction cell, or the one NAS-Bench-201 cell. */
export function genotypeGraphs(g: Genotype): CellGraph[] {
  if (g.space === 'nasnet') return [cellGraph(g.normal, 'normal cell', g.concat?.normal), cellGraph(g.reduce, 'reduction cell', g.concat?.reduce)];
  return [nb201Graph(g.arch)];
}
