/**
 * The network a published cell's paper reports (the `paper` section of a baseline file): its
 * macro settings, where its reduction cells go, the parameter count the paper gives and whether
 * that count includes the auxiliary head. Checked here; built by paper-model.ts.
 */
import { UserError } from '../core/errors.js';
import { displayPath } from '../space/errors.js';
import type { MacroSettings, NasnetConcat } from '../space/types.js';
import { NASNET_LAYOUTS, type NasnetLayout } from '../model/macro.js';

export interface PaperSettings {
  /** e.g. "NASNet-A (6 @ 768) on CIFAR-10". */
  network: string;
  /** The states each cell concatenates in the reference code (a genotype's `concat`), when not the unused blocks. */
  concat?: NasnetConcat;
  /** Where the count and the settings come from (table, reference code). */
  source: string;
  /** The paper's parameter count. */
  params: number;
  /** Whether the paper's count includes the auxiliary head. */
  countsAuxHead: boolean;
  /** The space whose ops build the cell exactly (default nasnet). */
  space: string;
  macro: MacroSettings;
  layout: NasnetLayout;
  inputShape: [number, number, number];
  numClasses: number;
  note?: string;
}

const KEYS = ['concat', 'network', 'source', 'params', 'countsAuxHead', 'space', 'macro', 'layout', 'inputShape', 'numClasses', 'note'];
const MACRO_KEYS = ['stemChannels', 'filters', 'cellsPerStage', 'reductions', 'filterMultiplier'] as const;

/** Checks a baseline file's `paper` section; UserError naming the file and the JSON path. */
export function readPaperSettings(v: unknown, file: string): PaperSettings {
  const fail = (path: string, reason: string): never => {
    throw new UserError(`${displayPath(file)}: $.paper${path}: ${reason}`);
  };
  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (!isObj(v)) fail('', 'expected an object');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) fail(`.${k}`, `unknown key (allowed: ${KEYS.join(', ')})`);
  const str = (k: string, optional = false): string | undefined => {
    if (o[k] === undefined && optional) return undefined;
    if (typeof o[k] !== 'string' || (o[k] as string).trim() === '') fail(`.${k}`, 'expected a non-empty string');
    return o[k] as string;
  };
  const posInt = (x: unknown, path: string): number => {
    if (!Number.isInteger(x) || (x as number) < 1) fail(path, `expected a positive integer, got ${JSON.stringify(x)}`);
    return x as number;
  };
  if (typeof o.countsAuxHead !== 'boolean') fail('.countsAuxHead', 'expected true or false');
  if (!isObj(o.macro)) fail('.macro', 'expected an object');
  const m = o.macro as Record<string, unknown>;
  for (const k of Object.keys(m)) if (!(MACRO_KEYS as readonly string[]).includes(k)) fail(`.macro.${k}`, `unknown key (allowed: ${MACRO_KEYS.join(', ')})`);
  const macro = {} as MacroSettings;
  for (const k of MACRO_KEYS) {
    if (k === 'filterMultiplier') {
      if (typeof m[k] !== 'number' || !((m[k] as number) >= 1)) fail(`.macro.${k}`, 'expected a number >= 1');
      macro[k] = m[k] as number;
    } else if (k === 'cellsPerStage' || k === 'reductions') {
      if (!Number.isInteger(m[k]) || (m[k] as number) < 0) fail(`.macro.${k}`, 'expected an integer >= 0');
      macro[k] = m[k] as number;
    } else macro[k] = posInt(m[k], `.macro.${k}`);
  }
  const layout = (o.layout ?? 'nasnet') as NasnetLayout;
  if (!NASNET_LAYOUTS.includes(layout)) fail('.layout', `expected one of ${NASNET_LAYOUTS.join(', ')}, got ${JSON.stringify(o.layout)}`);
  const shape = o.inputShape;
  if (!Array.isArray(shape) || shape.length !== 3) fail('.inputShape', 'expected [height, width, channels]');
  (shape as unknown[]).forEach((x, i) => posInt(x, `.inputShape[${i}]`));
  const numClasses = posInt(o.numClasses, '.numClasses');
  if (numClasses < 2) fail('.numClasses', 'expected at least 2');
  const note = str('note', true);
  // Lists of state indices; their range and duplicates are checked with the genotype (space.validate).
  let concat: NasnetConcat | undefined;
  if (o.concat !== undefined) {
    if (!isObj(o.concat)) fail('.concat', 'expected an object with normal and reduce');
    const c = o.concat as Record<string, unknown>;
    for (const k of Object.keys(c)) if (k !== 'normal' && k !== 'reduce') fail(`.concat.${k}`, 'unknown key (concat has normal and reduce)');
    for (const k of ['normal', 'reduce']) if (!Array.isArray(c[k]) || !(c[k] as unknown[]).every(Number.isInteger)) fail(`.concat.${k}`, 'expected an array of state indices');
    concat = { normal: [...(c.normal as number[])], reduce: [...(c.reduce as number[])] };
  }
  return {
    ...(concat && { concat }),
    network: str('network')!,
    source: str('source')!,
    params: posInt(o.params, '.params'),
    countsAuxHead: o.countsAuxHead as boolean,
    space: str('space', true) ?? 'nasnet',
    macro,
    layout,
    inputShape: shape as [number, number, number],
    numClasses,
    ...(note !== undefined && { note }),
  };
}
