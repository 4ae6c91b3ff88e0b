/**
 * Graphviz DOT for the cells of a genotype. The same text is what `nas export --format dot` prints
 * (for `dot -Tpdf`) and what cell-layout.ts hands to Graphviz (compiled to WebAssembly) to lay the
 * SVG out, so both show the same picture: left to right, inputs first, ops on the edges, as DARTS'
 * visualize.py draws cells (Liu et al. 2019).
 */
import type { Genotype } from '../space/types.js';
import { genotypeGraphs, type CellGraph, type CellNode } from './cell-graph.js';

export const quote = (s: string) => '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';

/** Fonts and sizes the layout measures labels with (the SVG draws text to exactly these widths). */
export const NODE_FONT = { name: 'Helvetica', size: 11 };
export const EDGE_FONT = { name: 'Helvetica', size: 10 };

/** Fill colours by node kind (DARTS' visualize.py palette). */
export const NODE_FILL: Record<CellNode['kind'], string> = { input: '#d6f5d6', add: '#d9ecf7', concat: '#f5eec2', output: '#f5eec2' };

/** The node and edge statements of one cell, ids prefixed (`normal_b0`). */
export function cellStatements(g: CellGraph, prefix: string, indent = '  '): string[] {
  const lines: string[] = [];
  const id = (n: string) => quote(`${prefix}${n}`);
  for (const n of g.nodes) {
    const shape = n.kind === 'add' ? 'ellipse' : 'box';
    lines.push(`${indent}${id(n.id)} [label=${quote(n.label)}, shape=${shape}, style="rounded,filled", fillcolor="${NODE_FILL[n.kind]}"];`);
  }
  // Inputs share the first rank and the concat/output the last: the papers' left-to-right reading.
  const inputs = g.nodes.filter((n) => n.kind === 'input').map((n) => id(n.id));
  if (inputs.length > 1) lines.push(`${indent}{ rank=source; ${inputs.join('; ')}; }`);
  const last = g.nodes.filter((n) => n.kind === 'concat' || n.kind === 'output').map((n) => id(n.id));
  if (last.length > 0) lines.push(`${indent}{ rank=sink; ${last.join('; ')}; }`);
  for (const e of g.edges) {
    lines.push(`${indent}${id(e.from)} -> ${id(e.to)}${e.op ? ` [label=${quote(e.op)}]` : ' [color="#999999"]'};`);
  }
  return lines;
}

/** Graph-wide attributes: left to right, fonts, spacing that leaves room for edge labels. */
export function graphHeader(): string[] {
  return [
    '  rankdir=LR; nodesep=0.3; ranksep=0.6;',
    `  node [fontname="${NODE_FONT.name}", fontsize=${NODE_FONT.size}, height=0.4];`,
    `  edge [fontname="${EDGE_FONT.name}", fontsize=${EDGE_FONT.size}, color="#4a6fa5"];`,
  ];
}

/** One cell as a graph of its own (what the SVG layout lays out). */
export function cellToDot(g: CellGraph): string {
  return [`digraph ${quote(g.title)} {`, ...graphHeader(), ...cellStatements(g, ''), '}', ''].join('\n');
}

/** DOT text with one cluster per cell (normal and reduction; NAS-Bench-201's one cell), left to right. */
export function genotypeToDot(g: Genotype, name = 'genotype'): string {
  const graphs = genotypeGraphs(g);
  const prefixes = g.space === 'nasnet' ? ['normal', 'reduce'] : ['cell'];
  const lines = [`digraph ${quote(name)} {`, ...graphHeader()];
  graphs.forEach((gr, i) => {
    lines.push(`  subgraph cluster_${prefixes[i]} {`, `    label=${quote(gr.title)};`);
    lines.push(...cellStatements(gr, `${prefixes[i]}_`, '    '));
    lines.push('  }');
  });
  lines.push('}', '');
  return lines.join('\n');
}
