/**
 * Hand-designed networks and published searched cells, written as genotypes of the NASNet
 * space (search-spaces/baselines/<name>.json). One data file per network, each saying how it
 * maps onto the space, what it approximates and whom to cite; a published cell's file also
 * gives the network of its paper (`paper`, see paper.ts), with the states its cells concatenate
 * in the reference code (`paper.concat`).
 *
 * A baseline is loaded as a cell of the space, built like the searched cells it is compared
 * with (the cell concatenates its unused blocks), unless `published` asks for the published
 * cell: the genotype with `concat` (see NasnetGenotype), as buildPaperNetwork uses it.
 *
 * A file's genotype may use ops that not every space has (AmoebaNet-A's bottlenecked 1x7-7x1 is
 * in nasnet-plus); `substitutes` names, for each, the op that stands in for it in a space
 * without it, and the baseline is then marked inexact there. `space` names the space whose ops
 * build the cell exactly (default nasnet).
 *
 * Some networks are a cell plus macro options (`macro`: WRN's widthMultiplier, PyramidNet's α,
 * RoR's levels, FractalNet's columns, AlexNet's stem; src/model/macro-options.ts); `parts` says in
 * words which part is data (the cell) and which the macro options. A run trains every trial at
 * the run's macro settings, so such a network baseline is not one of the run's baselines
 * (cellBaselines); buildBaselineNetwork (network.ts) builds it with its options.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spacesDir } from '../core/paths.js';
import { UserError } from '../core/errors.js';
import type { Genotype, SearchSpace } from '../space/types.js';
import { readPaperSettings, type PaperSettings } from './paper.js';
import { displayPath } from '../space/errors.js';
import { MACRO_OPTION_KEYS, readMacroOptions, type MacroOptions } from '../model/macro-options.js';

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
  /** Ops of the file's genotype replaced because `space` lacks them (file op -> op used). */
  substituted?: Record<string, string>;
  /** The network of the paper, for published cells. */
  paper?: PaperSettings;
  /** The space whose ops build the cell exactly (the file's `space`, default nasnet). */
  space: string;
  /** The macro options of a network baseline (WRN's widthMultiplier, ...); undefined for a cell. */
  macro?: MacroOptions;
  /** Which part is data (the cell) and which macro options, in words. */
  parts?: { cell: string; macro: string };
}

/** Names of all baselines (file names without .json), sorted. */
export function listBaselines(): string[] {
  return readdirSync(baselinesDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

export interface LoadOptions {
  /** The published cell: with the reference code's concatenation (`paper.concat`). Default false. */
  published?: boolean;
}

/**
 * Loads one baseline and validates its genotype against `space` (canonical form returned).
 * Unknown names and files invalid for the space throw UserError.
 */
export function loadBaseline(name: string, space: SearchSpace, opts: LoadOptions = {}): Baseline {
  const { raw, file } = readBaselineFile(name);
  const paper = raw.paper === undefined ? undefined : readPaperSettings(raw.paper, file);
  const macro = readMacroSection(raw.macro, file);
  const { genotype: swapped, substituted } = substitute(raw.genotype, raw.substitutes, space);
  const withConcat = opts.published === true && paper?.concat !== undefined;
  const fitted = withConcat ? { ...(swapped as object), concat: paper!.concat } : swapped;
  let genotype: Genotype;
  try {
    genotype = space.validate(fitted);
  } catch (e) {
    throw new UserError(`baseline "${name}" is not valid for space ${space.name}: ${(e as Error).message}`);
  }
  const subs = Object.entries(substituted);
  const concatDiffers = paper?.concat !== undefined && !withConcat;
  const exact = raw.exact === true && subs.length === 0 && !concatDiffers;
  const reasons = [
    typeof raw.inexact === 'string' ? raw.inexact : '',
    concatDiffers ? 'As a cell of the space it concatenates its unused blocks; the published cell concatenates the states of paper.concat.' : '',
    subs.length > 0 ? `Space ${space.name} lacks ${subs.map(([a, b]) => `${a} (replaced by ${b})`).join(', ')}.` : '',
  ].filter(Boolean);
  return {
    name,
    title: String(raw.title ?? name),
    genotype,
    comment: String(raw.comment ?? ''),
    citation: String(raw.citation ?? ''),
    exact,
    inexact: exact || reasons.length === 0 ? undefined : reasons.join(' '),
    ...(subs.length > 0 && { substituted }),
    ...(paper && { paper }),
    space: typeof raw.space === 'string' ? raw.space : 'nasnet',
    ...(macro && { macro }),
    ...(isParts(raw.parts) && { parts: { cell: raw.parts.cell, macro: raw.parts.macro } }),
  };
}

/**
 * The baselines a run in `space` trains as trials (--with-baselines, `nas baselines`, a fidelity
 * study's baseline cells): those that are a cell alone (no `macro` options: a run has one macro),
 * and, of those whose file names a `space`, the ones whose every op `space` has (SENet without its
 * SE op would be ResNet again). Files without a `space` are always listed and loadBaseline says
 * when they do not fit (an NB201 run).
 */
export function cellBaselines(space: Pick<SearchSpace, 'ops'>): string[] {
  return listBaselines().filter((name) => {
    const { raw } = readBaselineFile(name);
    if (raw.macro !== undefined) return false;
    if (raw.space === undefined) return true;
    const g = raw.genotype as { normal?: Array<{ ops?: unknown[] }>; reduce?: Array<{ ops?: unknown[] }> };
    const ops = [...(g?.normal ?? []), ...(g?.reduce ?? [])].flatMap((b) => b.ops ?? []);
    return ops.every((op) => typeof op === 'string' && space.ops.includes(op));
  });
}

/** A network baseline's options in words, e.g. "widthMultiplier 4, stemKernel 5". */
export function macroText(macro: MacroOptions): string {
  return Object.entries(macro).map(([k, v]) => `${k} ${v}`).join(', ');
}

/** A baseline file's `macro` section, checked (only the macro options: the base network comes from the caller). */
function readMacroSection(v: unknown, file: string): MacroOptions | undefined {
  if (v === undefined) return undefined;
  const fail = (path: string, reason: string): never => {
    throw new UserError(`${displayPath(file)}: $.macro${path}: ${reason}`);
  };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail('', 'expected an object of macro options');
  const m = v as Record<string, unknown>;
  for (const k of Object.keys(m)) if (!(MACRO_OPTION_KEYS as readonly string[]).includes(k)) fail(`.${k}`, `unknown key (a baseline's macro holds only macro options: ${MACRO_OPTION_KEYS.join(', ')})`);
  if (Object.keys(m).length === 0) fail('', 'expected at least one macro option (leave the section out for a cell)');
  return readMacroOptions(m, (k, reason) => fail(`.${k}`, reason));
}

function isParts(v: unknown): v is { cell: string; macro: string } {
  const p = v as { cell?: unknown; macro?: unknown } | null;
  return typeof p === 'object' && p !== null && typeof p.cell === 'string' && typeof p.macro === 'string';
}

/** The space whose ops build baseline `name`'s cell exactly (its file's `space`, default nasnet). */
export function baselineSpaceName(name: string): string {
  const { raw } = readBaselineFile(name);
  return typeof raw.space === 'string' ? raw.space : 'nasnet';
}

/** The paper network of baseline `name` (its file's `paper` section), undefined when it has none. */
export function loadPaperSettings(name: string): PaperSettings | undefined {
  const { raw, file } = readBaselineFile(name);
  return raw.paper === undefined ? undefined : readPaperSettings(raw.paper, file);
}

/** The parsed file of baseline `name`; UserError for an unknown name or invalid JSON. */
function readBaselineFile(name: string): { raw: Record<string, unknown>; file: string } {
  const names = listBaselines();
  if (!names.includes(name)) {
    throw new UserError(`unknown baseline "${name}"; known: ${names.join(', ')}`);
  }
  const file = join(baselinesDir, name + '.json');
  try {
    return { raw: JSON.parse(readFileSync(file, 'utf8')), file };
  } catch (e) {
    throw new UserError(`baseline ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The genotype with every op `space` lacks replaced by its substitute (when the file gives one). */
function substitute(genotype: unknown, substitutes: unknown, space: SearchSpace): { genotype: unknown; substituted: Record<string, string> } {
  const substituted: Record<string, string> = {};
  const subs = typeof substitutes === 'object' && substitutes !== null ? (substitutes as Record<string, unknown>) : {};
  const g = genotype as { normal?: unknown; reduce?: unknown };
  if (typeof g !== 'object' || g === null || !Array.isArray(g.normal) || !Array.isArray(g.reduce)) return { genotype, substituted };
  const swap = (op: unknown): unknown => {
    const to = typeof op === 'string' && !space.ops.includes(op) && Object.prototype.hasOwnProperty.call(subs, op) ? subs[op] : undefined;
    if (typeof to !== 'string') return op;
    substituted[op as string] = to;
    return to;
  };
  const cell = (blocks: unknown[]) => blocks.map((b) => (typeof b === 'object' && b !== null && Array.isArray((b as { ops?: unknown }).ops) ? { ...b, ops: (b as { ops: unknown[] }).ops.map(swap) } : b));
  return { genotype: { ...g, normal: cell(g.normal), reduce: cell(g.reduce) }, substituted };
}

/**
 * Resolves a comma-separated `--only` list, checking names; without one, all baselines, or with
 * `space` the baselines a run in it trains (cellBaselines).
 */
export function selectBaselines(only?: string, space?: Pick<SearchSpace, 'ops'>): string[] {
  const names = listBaselines();
  if (only === undefined || only.trim() === '') return space ? cellBaselines(space) : names;
  const wanted = only.split(',').map((s) => s.trim()).filter(Boolean);
  for (const w of wanted) {
    if (!names.includes(w)) throw new UserError(`unknown baseline "${w}"; known: ${names.join(', ')}`);
  }
  return wanted;
}
