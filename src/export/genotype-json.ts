/** The JSON export of a genotype: the genotype itself plus where it came from, stable formatting. */
import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import type { Genotype, SearchSpace } from '../space/types.js';

/** Pretty JSON with one block per line, so diffs of genotypes read block by block. */
export function genotypeToJson(g: Genotype, meta: Record<string, unknown> = {}): string {
  const blockLines = (blocks: unknown[]) => '[\n' + blocks.map((b) => '      ' + JSON.stringify(b)).join(',\n') + '\n    ]';
  if (g.space === 'nasnet') {
    const head = Object.entries(meta).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},\n`).join('');
    const concat = g.concat ? `,\n    "concat": ${JSON.stringify(g.concat)}` : '';
    return `{\n${head}  "genotype": {\n    "space": "nasnet",\n    "normal": ${blockLines(g.normal)},\n    "reduce": ${blockLines(g.reduce)}${concat}\n  }\n}\n`;
  }
  return JSON.stringify({ ...meta, genotype: g }, null, 2) + '\n';
}

/** Accepts a bare genotype or an export / baseline file ({ genotype: ... }). */
export function genotypeFromJson(value: unknown): unknown {
  if (value && typeof value === 'object' && 'genotype' in (value as object)) return (value as { genotype: unknown }).genotype;
  return value;
}

/**
 * Reads a genotype file (`nas export --format json` output, or a bare genotype) and validates it
 * for `space`: a missing file, bad JSON or a genotype the space rejects is a one-line UserError.
 */
export function readGenotypeFile(file: string, space: SearchSpace): Genotype {
  if (!existsSync(file)) throw new UserError(`genotype file not found: ${file}`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  return space.validate(genotypeFromJson(json));
}
