/** A cell drawn in plain text, one line per block: what `nas show` and the dashboard print. */
import type { Genotype } from '../space/types.js';

export function inputName(i: number): string {
  return i === 0 ? 'h[i-2]' : i === 1 ? 'h[i-1]' : `b${i - 2}`;
}

/** Lines like "b0 = sep_conv_3x3(h[i-1]) + max_pool_3x3(h[i-2])", then the concatenated outputs. */
export function cellLines(g: Genotype): string[] {
  if (g.space === 'nas-bench-201') {
    const nodes = g.arch.split('+').map((n) => n.split('|').filter(Boolean));
    return nodes.map((edges, k) => `n${k + 1} = ${edges.map((e) => { const [op, from] = e.split('~'); return `${op}(n${from})`; }).join(' + ')}`);
  }
  const lines: string[] = [];
  for (const cell of ['normal', 'reduce'] as const) {
    const blocks = g[cell];
    const used = new Set(blocks.flatMap((b) => b.inputs));
    lines.push(`${cell} cell:`);
    blocks.forEach((b, j) => lines.push(`  b${j} = ${b.ops[0]}(${inputName(b.inputs[0])}) + ${b.ops[1]}(${inputName(b.inputs[1])})`));
    const out = blocks.map((_, j) => j + 2).filter((i) => !used.has(i)).map(inputName);
    lines.push(`  out = concat(${out.join(', ')})`);
  }
  return lines;
}
