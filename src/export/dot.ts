/**
 * Graphviz DOT for the cells of a genotype, for people who have graphviz (`dot -Tpdf`).
 * nas itself never runs graphviz: `svg.ts` draws the same graph with its own layout.
 */
import type { NasnetGenotype } from '../space/types.js';
import { genotypeGraphs, type CellGraph } from './cell-graph.js';

const quote = (s: string) => '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';

function cluster(g: CellGraph, prefix: string): string[] {
  const lines = [`  subgraph cluster_${prefix} {`, `    label=${quote(g.title)};`];
  for (const n of g.nodes) {
    const shape = n.kind === 'input' ? 'box' : n.kind === 'add' ? 'circle' : 'box';
    const style = n.kind === 'add' ? 'filled", fillcolor="#e8eef8' : 'rounded,filled", fillcolor="#f4f4f4';
    lines.push(`    ${prefix}_${n.id} [label=${quote(n.kind === 'add' ? '+' : n.label)}, xlabel=${quote(n.kind === 'add' ? n.label : '')}, shape=${shape}, style="${style}"];`);
  }
  for (const e of g.edges) {
    lines.push(`    ${prefix}_${e.from} -> ${prefix}_${e.to}${e.op ? ` [label=${quote(e.op)}]` : ''};`);
  }
  lines.push('  }');
  return lines;
}

/** DOT text with one cluster per cell (normal, reduction), left to right. */
export function genotypeToDot(g: NasnetGenotype, name = 'genotype'): string {
  const [normal, reduce] = genotypeGraphs(g);
  return [
    `digraph ${quote(name)} {`,
    '  rankdir=LR;',
    '  node [fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
    ...cluster(normal, 'normal'),
    ...cluster(reduce, 'reduce'),
    '}',
    '',
  ].join('\n');
}
