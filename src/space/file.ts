/**
 * Reading and checking a search-space file (search-spaces/*.json). The file is data:
 * name, family, description, citation, ops, blocks and the proxy `macro` settings.
 * Every fault is reported with the file name and the JSON path, e.g.
 * `search-spaces/x.json: $.ops[3]: unknown op "foo" (known: ...)`.
 */
import { readFileSync } from 'node:fs';
import type { MacroSettings, SpaceFamily } from './types.js';
import { KNOWN_OPS_TEXT, isKnownOp, opChannelProblem } from '../model/ops/names.js';
import { allStageFilters, type NasnetLayout } from '../model/macro.js';
import { cellWidths, type WidthMacro } from '../model/widths.js';
import { MACRO_OPTION_KEYS, macroOptionsProblem, readMacroOptions } from '../model/macro-options.js';
import { SpaceError, displayPath } from './errors.js';
import { jsonErrorOffset } from './json-error.js';
import { UserError } from '../core/errors.js';

/** The checked content of a space file. */
export interface SpaceFile {
  name: string;
  family: SpaceFamily;
  description: string;
  citation: string;
  ops: string[];
  blocks: number;
  macro: MacroSettings;
}

const FAMILIES: readonly SpaceFamily[] = ['nasnet', 'nas-bench-201'];
const TOP_KEYS = ['name', 'family', 'description', 'citation', 'ops', 'blocks', 'macro', 'comment'];
const MACRO_KEYS = ['stemChannels', 'filters', 'cellsPerStage', 'reductions', 'filterMultiplier', 'dropPath', 'auxWeight', ...MACRO_OPTION_KEYS];

/** Reads and validates a space file; throws UserError / SpaceError naming the file. */
export function readSpaceFile(file: string): SpaceFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${displayPath(file)}: cannot read search space file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const reason = (e as Error).message.replace(/\s*\n\s*/g, ' ');
    throw new UserError(`${displayPath(file)}: malformed JSON${where(text)}: ${reason}`);
  }
  return checkSpaceJson(json, file);
}

/** " at line L column C" of the first syntax error. */
function where(text: string): string {
  const pos = jsonErrorOffset(text);
  if (pos < 0) return '';
  const before = text.slice(0, pos).split('\n');
  return ` at line ${before.length} column ${before[before.length - 1].length + 1}`;
}

/** Validates parsed JSON as a space file (exported for tests and for spaces built in code). */
export function checkSpaceJson(json: unknown, file: string): SpaceFile {
  const fail = (path: string, reason: string): never => {
    throw new SpaceError(path, reason, file);
  };
  if (!isObject(json)) fail('$', `expected an object, got ${kind(json)}`);
  const o = json as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!TOP_KEYS.includes(k)) fail(`$.${k}`, `unknown key (allowed: ${TOP_KEYS.join(', ')})`);

  const str = (k: string, required: boolean): string => {
    const v = o[k];
    if (v === undefined && !required) return '';
    if (typeof v !== 'string' || (required && v.trim() === '')) fail(`$.${k}`, `expected a non-empty string, got ${kind(v)}`);
    return v as string;
  };
  const name = str('name', true);
  const family = str('family', true) as SpaceFamily;
  if (!FAMILIES.includes(family)) fail('$.family', `unknown family "${family}" (known: ${FAMILIES.join(', ')})`);
  const description = str('description', false);
  const citation = str('citation', false);

  if (!Array.isArray(o.ops) || o.ops.length === 0) fail('$.ops', `expected a non-empty array of op names, got ${kind(o.ops)}`);
  const ops = o.ops as unknown[];
  ops.forEach((op, i) => {
    if (typeof op !== 'string') fail(`$.ops[${i}]`, `expected an op name, got ${kind(op)}`);
    if (!isKnownOp(op as string)) fail(`$.ops[${i}]`, `unknown op "${op}" (known: ${KNOWN_OPS_TEXT})`);
    if (ops.indexOf(op) !== i) fail(`$.ops[${i}]`, `duplicate op "${op}"`);
  });

  const blocks = o.blocks;
  if (!Number.isInteger(blocks) || (blocks as number) < 1 || (blocks as number) > 20) fail('$.blocks', `expected an integer 1..20, got ${kind(blocks)}`);
  if (family === 'nas-bench-201') {
    if (blocks !== 3) fail('$.blocks', `a nas-bench-201 cell has 3 intermediate nodes, got ${blocks}`);
    for (const needed of ['none', 'skip_connect'])
      if (!ops.includes(needed)) fail('$.ops', `a nas-bench-201 space needs "${needed}" (partial cells are completed with pass-through nodes)`);
  }
  if (family === 'nasnet' && ops.includes('none')) fail(`$.ops[${ops.indexOf('none')}]`, '"none" is not a NASNet op: every block must produce a tensor');

  if (!isObject(o.macro)) fail('$.macro', `expected an object, got ${kind(o.macro)}`);
  const m = o.macro as Record<string, unknown>;
  for (const k of Object.keys(m)) if (!MACRO_KEYS.includes(k)) fail(`$.macro.${k}`, `unknown key (allowed: ${MACRO_KEYS.join(', ')})`);
  const int = (k: string, min: number, max: number): number => {
    const v = m[k];
    if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) fail(`$.macro.${k}`, `expected an integer ${min}..${max}, got ${kind(v)}`);
    return v as number;
  };
  const num = (k: string, min: number, max: number, optional: boolean): number | undefined => {
    const v = m[k];
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(`$.macro.${k}`, `expected a number ${min}..${max}, got ${kind(v)}`);
    return v as number;
  };
  const macro: MacroSettings = {
    stemChannels: int('stemChannels', 1, 4096),
    filters: int('filters', 1, 4096),
    cellsPerStage: int('cellsPerStage', 0, 64),
    reductions: int('reductions', 0, 8),
    filterMultiplier: num('filterMultiplier', 1, 8, false)!,
  };
  const dropPath = num('dropPath', 0, 0.99, true);
  if (dropPath !== undefined) macro.dropPath = dropPath;
  const auxWeight = num('auxWeight', 0, 10, true);
  if (auxWeight !== undefined) macro.auxWeight = auxWeight;
  // The macro families and stems (docs/spaces.md): every child of the space is built with them.
  Object.assign(macro, readMacroOptions(m, (k, reason) => fail(`$.macro.${k}`, reason)));
  const optionProblem = macroOptionsProblem(macro, { family });
  if (optionProblem) fail(`$.macro.${optionProblem.key}`, optionProblem.reason);

  // An op that needs its channels divisible (a grouped conv's cardinality) must fit every cell
  // width of the file's network (cells of stage s have round(k · F · multiplier^s) channels, or
  // PyramidNet's per-cell widths, and every op of a cell reads and writes that many).
  const problem = opWidthProblem(ops as string[], macro, family);
  if (problem) fail(`$.ops[${problem.index}]`, problem.reason);

  return { name, family, description, citation, ops: ops as string[], blocks: blocks as number, macro };
}

/**
 * The first op of `ops` that cannot run at the cell widths of `macro`: its index and the reason,
 * e.g. `group_conv_3x3_c3: cardinality 3 does not divide 4 channels of stage 0 (macro.filters 4)`.
 * Only stages that hold cells count: with cellsPerStage 0 a NASNet network has only its reduction
 * cells (stages 1..R), an NB201 network no cell. The width schedules count (widthMultiplier,
 * pyramidAlpha: src/model/widths.ts); a PyramidNet network is checked cell by cell (`of cell 3`),
 * its widths differing within a stage. Callers that change the macro (--filters, ...) should check again.
 */
export function opWidthProblem(
  ops: readonly string[],
  macro: WidthMacro,
  family: SpaceFamily = 'nasnet',
  layout: NasnetLayout = 'nasnet',
): { index: number; reason: string } | undefined {
  const places = widthPlaces(macro, family, layout);
  for (let i = 0; i < ops.length; i++)
    for (const p of places) {
      const problem = opChannelProblem(ops[i], p.width);
      if (problem) return { index: i, reason: `${ops[i]}: ${problem} of ${p.where} (${p.how})` };
    }
  return undefined;
}

/** The distinct cell widths of a network, each with where it is and how it was computed. */
function widthPlaces(macro: WidthMacro, family: SpaceFamily, layout: NasnetLayout): Array<{ where: string; width: number; how: string }> {
  if (family !== 'nasnet') {
    if (macro.cellsPerStage === 0) return [];
    const times = macro.widthMultiplier === undefined ? '' : ` x widthMultiplier ${macro.widthMultiplier}`;
    return allStageFilters(macro).map((width, s) => ({ where: `stage ${s}`, width, how: (s === 0 ? `macro.filters ${macro.filters}` : `macro.filters ${macro.filters} x filterMultiplier ${macro.filterMultiplier}^${s}`) + times }));
  }
  const cells = cellWidths(macro, layout);
  if (macro.pyramidAlpha !== undefined) return cells.map((c, i) => ({ where: `cell ${i} (stage ${c.stage})`, width: c.width, how: c.how }));
  const stages = new Map<number, { where: string; width: number; how: string }>();
  for (const c of cells) if (!stages.has(c.stage)) stages.set(c.stage, { where: `stage ${c.stage}`, width: c.width, how: c.how });
  return [...stages.values()];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A short rendering of a bad value for messages. */
export function kind(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return JSON.stringify(v);
}
