/**
 * Hand-designed networks and published searched cells, written as genotypes of the NASNet
 * space (search-spaces/baselines/<name>.json). One data file per network, each saying how it
 * maps onto the space, what it approximates and whom to cite.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spacesDir } from '../core/paths.js';
import { UserError } from '../core/errors.js';
import type { Genotype, SearchSpace } from '../space/types.js';

/** Folder holding the baseline data files. */
export const baselinesDir = join(spacesDir, 'baselines');

/** A baseline cell, validated against a search space. */
export interface Baseline {
  name: string;
  /** One-line title, e.g. "ResNet-style: 3x3 convolutions with identity shortcuts". */
  title: string;
  genotype: Genotype;
  /** How the network maps onto the space. */
  comment: string;
  citation: string;
  /** False when the space cannot express the network exactly; `inexact` says why. */
  exact: boolean;
  inexact?: string;
}

/** Names of all baselines (file names without .json), sorted. */
export function listBaselines(): string[] {
  return readdirSync(baselinesDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/**
 * Loads one baseline and validates its genotype against `space` (canonical form returned).
 * Unknown names and files invalid for the space throw UserError.
 */
export function loadBaseline(name: string, space: SearchSpace): Baseline {
  const names = listBaselines();
  if (!names.includes(name)) {
    throw new UserError(`unknown baseline "${name}"; known: ${names.join(', ')}`);
  }
  const file = join(baselinesDir, name + '.json');
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`baseline ${file} is not valid JSON: ${(e as Error).message}`);
  }
  let genotype: Genotype;
  try {
    genotype = space.validate(raw.genotype);
  } catch (e) {
    throw new UserError(`baseline "${name}" is not valid for space ${space.name}: ${(e as Error).message}`);
  }
  return {
    name,
    title: String(raw.title ?? name),
    genotype,
    comment: String(raw.comment ?? ''),
    citation: String(raw.citation ?? ''),
    exact: raw.exact === true,
    inexact: typeof raw.inexact === 'string' ? raw.inexact : undefined,
  };
}

/**
 * Resolves a comma-separated `--only` list (or all baselines when undefined), checking names.
 */
export function selectBaselines(only?: string): string[] {
  const names = listBaselines();
  if (only === undefined || only.trim() === '') return names;
  const wanted = only.split(',').map((s) => s.trim()).filter(Boolean);
  for (const w of wanted) {
    if (!names.includes(w)) throw new UserError(`unknown baseline "${w}"; known: ${names.join(', ')}`);
  }
  return wanted;
}
