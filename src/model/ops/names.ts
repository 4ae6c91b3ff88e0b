/**
 * The names of every operation the op registry can build, with their published meaning.
 * Kept free of tfjs so that loading a search space (strategies, CLI, tabular benchmarks)
 * never pays for importing a tensor library; src/model/ops/registry.ts maps each name to
 * its builder and a test checks that the two lists agree. Ops with a parameter in their
 * name (`group_conv_3x3_c4`, ...) are families, see families.ts.
 */
import { FAMILY_PATTERNS, parseFamilyOp } from './families.js';

/** NASNet operation set (Zoph et al. 2018, "Learning Transferable Architectures for Scalable Image Recognition", Sec. 3). */
export const NASNET_OPS = [
  'identity',
  'conv_1x3_3x1',
  'conv_1x7_7x1',
  'dil_conv_3x3',
  'avg_pool_3x3',
  'max_pool_3x3',
  'max_pool_5x5',
  'max_pool_7x7',
  'conv_1x1',
  'conv_3x3',
  'sep_conv_3x3',
  'sep_conv_5x5',
  'sep_conv_7x7',
] as const;

/**
 * Plain ops beyond the two published sets (search-spaces/nasnet-plus.json): the 5x5 conv of
 * ENAS' macro space (Pham et al. 2018, "Efficient Neural Architecture Search via Parameter
 * Sharing", Sec. 2.3).
 */
export const EXTRA_OPS = ['conv_5x5'] as const;

/** NAS-Bench-201 operation set (Dong & Yang 2020, "NAS-Bench-201", Sec. 2.1). */
export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;

/** One line per op: what the builder makes (shown by docs and error messages). */
export const OP_MEANING: Readonly<Record<string, string>> = {
  identity: 'x (factorized reduction when the stride is 2, ReLU-1x1 conv-BN when the width changes)',
  conv_1x3_3x1: 'ReLU, 1x3 conv, 3x1 conv, BN',
  conv_1x7_7x1: 'ReLU, 1x7 conv, 7x1 conv, BN',
  dil_conv_3x3: 'ReLU, 3x3 conv with dilation 2, BN',
  avg_pool_3x3: '3x3 average pool (padding excluded)',
  max_pool_3x3: '3x3 max pool',
  max_pool_5x5: '5x5 max pool',
  max_pool_7x7: '7x7 max pool',
  conv_1x1: 'ReLU, 1x1 conv, BN',
  conv_3x3: 'ReLU, 3x3 conv, BN',
  conv_5x5: 'ReLU, 5x5 conv, BN',
  sep_conv_3x3: '(ReLU, 3x3 depthwise-separable conv, BN) twice',
  sep_conv_5x5: '(ReLU, 5x5 depthwise-separable conv, BN) twice',
  sep_conv_7x7: '(ReLU, 7x7 depthwise-separable conv, BN) twice',
  none: 'zeros (the edge is absent)',
  skip_connect: 'x (factorized reduction when the stride is 2)',
  nor_conv_1x1: 'ReLU, 1x1 conv, BN',
  nor_conv_3x3: 'ReLU, 3x3 conv, BN',
};

/** Short labels for one-line renderings of cells (logs, tables). */
export const OP_SHORT: Readonly<Record<string, string>> = {
  identity: 'id',
  conv_1x3_3x1: 'c1x3',
  conv_1x7_7x1: 'c1x7',
  dil_conv_3x3: 'dil3',
  avg_pool_3x3: 'avg3',
  max_pool_3x3: 'max3',
  max_pool_5x5: 'max5',
  max_pool_7x7: 'max7',
  conv_1x1: 'c1',
  conv_3x3: 'c3',
  conv_5x5: 'c5',
  sep_conv_3x3: 'sep3',
  sep_conv_5x5: 'sep5',
  sep_conv_7x7: 'sep7',
  none: 'none',
  skip_connect: 'skip',
  nor_conv_1x1: 'c1',
  nor_conv_3x3: 'c3',
};

/** Every plain (parameter-free) op name the registry knows, in a stable order. */
export const OP_NAMES: readonly string[] = [...new Set<string>([...NASNET_OPS, ...EXTRA_OPS, ...NB201_OPS])];

/** The plain names and the family patterns, for "known: ..." in messages. */
export const KNOWN_OPS_TEXT = [...OP_NAMES, ...FAMILY_PATTERNS].join(', ');

/** True when `name` is an op of the registry: a plain name or a family member in range. */
export function isKnownOp(name: string): boolean {
  return OP_NAMES.includes(name) || parseFamilyOp(name) !== undefined;
}

/** What op `name` builds (one line); undefined for an unknown op. */
export function opMeaning(name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(OP_MEANING, name)) return OP_MEANING[name];
  const f = parseFamilyOp(name);
  return f && f.family.meaning(f.k);
}

/** A short label of op `name` (its name when it has none). */
export function opShort(name: string): string {
  if (Object.prototype.hasOwnProperty.call(OP_SHORT, name)) return OP_SHORT[name];
  const f = parseFamilyOp(name);
  return f ? f.family.short(f.k) : name;
}

/** Why op `name` cannot be built with `channels` input and output channels, or undefined. */
export function opChannelProblem(name: string, channels: number): string | undefined {
  const f = parseFamilyOp(name);
  return f?.family.channelProblem?.(f.k, channels);
}
