/**
 * The macro options beyond NASNet's five numbers (MacroSettings, src/space/types.ts): the width
 * schedules of WRN and PyramidNet, RoR's shortcuts, FractalNet's columns and the stem's kernel and
 * stride. One place checks them for space files, baseline files and builds, so a bad value is the
 * same one line everywhere (exit status 2, nothing built). Free of tfjs, like macro.ts.
 */
import type { MacroSettings, SpaceFamily } from '../space/types.js';
import type { NasnetLayout } from './macro.js';
import { allStageFilters, stageWidth } from './macro.js';
import { cellWidths } from './widths.js';

export const MACRO_OPTION_KEYS = ['widthMultiplier', 'pyramidAlpha', 'rorLevels', 'fractalColumns', 'stemKernel', 'stemStride'] as const;
export type MacroOptionKey = (typeof MACRO_OPTION_KEYS)[number];
export type MacroOptions = Partial<Pick<MacroSettings, MacroOptionKey>>;

interface Rule {
  integer: boolean;
  min: number;
  /** min itself is not allowed. */
  above?: boolean;
  max: number;
  /** Why the lower bound, for the message. */
  why: string;
}

const RULES: Record<MacroOptionKey, Rule> = {
  widthMultiplier: { integer: false, min: 0, above: true, max: 64, why: 'it multiplies every cell\'s channels; 0 or less leaves none' },
  pyramidAlpha: { integer: false, min: 0, max: 4096, why: 'PyramidNet widens by α/N per cell; a negative α narrows the network towards 0 channels' },
  rorLevels: { integer: true, min: 1, max: 3, why: 'RoR-1 is the plain network, RoR-2 adds the root shortcut, RoR-3 the stage shortcuts too' },
  fractalColumns: { integer: true, min: 1, max: 4, why: 'a fractal of C columns has 2^C - 1 cells; 1 is the plain cell' },
  stemKernel: { integer: true, min: 1, max: 15, why: 'the stem convolution\'s kernel side' },
  stemStride: { integer: true, min: 1, max: 8, why: 'the stem convolution\'s stride' },
};

/** Options that change the NASNet body; an NB201 network (cells of one width, no cell plan) has none of them. */
const NASNET_ONLY: readonly MacroOptionKey[] = ['pyramidAlpha', 'rorLevels', 'fractalColumns'];

/** What is wrong with one option value, or undefined. */
export function optionValueProblem(key: MacroOptionKey, v: unknown): string | undefined {
  const r = RULES[key];
  const range = `${r.above ? `> ${r.min}` : `>= ${r.min}`} and <= ${r.max}`;
  const ok = typeof v === 'number' && Number.isFinite(v) && (r.integer ? Number.isInteger(v) : true) && (r.above ? v > r.min : v >= r.min) && v <= r.max;
  return ok ? undefined : `expected ${r.integer ? 'an integer' : 'a number'} ${range} (${r.why}), got ${v === undefined ? 'nothing' : JSON.stringify(v)}`;
}

/**
 * The options present in a raw macro object (a space file's or a baseline file's `macro`), each
 * checked; `fail(key, reason)` reports the first bad one (the caller adds its file and JSON path).
 */
export function readMacroOptions(m: Record<string, unknown>, fail: (key: MacroOptionKey, reason: string) => never): MacroOptions {
  const out: MacroOptions = {};
  for (const k of MACRO_OPTION_KEYS) {
    if (m[k] === undefined) continue;
    const p = optionValueProblem(k, m[k]);
    if (p) fail(k, p);
    out[k] = m[k] as number;
  }
  return out;
}

/** The options `macro` sets (for copying them onto another macro). */
export function macroOptionsOf(macro: Partial<MacroSettings>): MacroOptions {
  const out: MacroOptions = {};
  for (const k of MACRO_OPTION_KEYS) if (macro[k] !== undefined) out[k] = macro[k];
  return out;
}

export interface OptionsContext {
  family: SpaceFamily;
  layout?: NasnetLayout;
  /** [height, width, channels] of the input, when known (builds): for the stem's check. */
  inputShape?: readonly number[];
}

/**
 * The first fault of `macro`'s options a build would hit, or undefined: a bad value, an option of
 * the NASNet body in an NB201 network, a width schedule that leaves a cell 0 channels, a stem whose
 * stride shrinks the image below one pixel (with the reductions after it).
 */
export function macroOptionsProblem(macro: MacroSettings, o: OptionsContext): { key: MacroOptionKey; reason: string } | undefined {
  for (const key of MACRO_OPTION_KEYS) {
    if (macro[key] === undefined) continue;
    const p = optionValueProblem(key, macro[key]);
    if (p) return { key, reason: p };
    if (o.family !== 'nasnet' && NASNET_ONLY.includes(key)) return { key, reason: `an option of the NASNet body (cell plan, per-cell widths); ${o.family} networks do not have it` };
  }
  if (macro.widthMultiplier !== undefined) {
    const zero = o.family === 'nasnet'
      ? cellWidths(macro, o.layout).find((c) => c.width < 1)
      : allStageFilters(macro).map((_, s) => ({ width: stageWidth(macro, s), stage: s, how: `macro.filters ${macro.filters} x filterMultiplier ${macro.filterMultiplier}^${s} x widthMultiplier ${macro.widthMultiplier}` })).find((c) => c.width < 1);
    if (zero) return { key: 'widthMultiplier', reason: `the width schedule gives stage ${zero.stage} 0 channels (round(${zero.how})); every cell needs at least 1` };
  }
  const stride = macro.stemStride ?? 1;
  if (stride > 1 && o.inputShape) {
    const side = Math.min(o.inputShape[0], o.inputShape[1]);
    const left = side / stride / 2 ** macro.reductions;
    if (left < 1) {
      const by = macro.reductions > 0 ? ` and ${macro.reductions} reduction${macro.reductions > 1 ? 's' : ''}` : '';
      return { key: 'stemStride', reason: `stem stride ${stride}${by} shrink${by ? '' : 's'} the ${o.inputShape[0]}x${o.inputShape[1]} input below 1 pixel (${side} / ${stride}${macro.reductions > 0 ? ` / 2^${macro.reductions}` : ''} = ${+left.toFixed(3)})` };
    }
  }
  return undefined;
}

/** Side of the stem's output for an input side: 'same' padding, ceil(side / stride). */
export function stemSide(side: number, macro: Pick<MacroSettings, 'stemStride'>): number {
  return Math.ceil(side / (macro.stemStride ?? 1));
}
