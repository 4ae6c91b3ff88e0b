/** The JSON export of a genotype: the genotype itself plus where it came from, stable formatting. */
import type { Genotype } from '../core/types.js';

/** Pretty JSON with one block per line, so diffs of genotypes read block by block. */
export function genotypeToJson(g: Genotype, meta: Record<string, unknown> = {}): string {
  const blockLines = (blocks: unknown[]) => '[\n' + blocks.map((b) => '      ' + JSON.stringify(b)).join(',\n') + '\n    ]';
  if (g.space === 'nasnet') {
    const head = Object.entries(meta).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},\n`).join('');
    return `{\n${head}  "genotype": {\n    "space": "nasnet",\n    "normal": ${blockLines(g.normal)},\n    "reduce": ${blockLines(g.reduce)}\n  }\n}\n`;
  }
  return JSON.stringify({ ...meta, genotype: g }, null, 2) + '\n';
}

/** Accepts a bare genotype or an export / baseline file ({ genotype: ... }). */
export function genotypeFromJson(value: unknown): unknown {
  if (value && typeof value === 'object' && 'genotype' in (value as object)) return (value as { genotype: unknown }).genotype;
  return value;
}
