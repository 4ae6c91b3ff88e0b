/**
 * The op registry: op name -> builder. One entry per op of src/model/ops/names.ts (a test
 * checks both lists agree). Adding an op = a builder + one line here + its name there.
 */
import { UserError } from '../../core/errors.js';
import { KNOWN_OPS_TEXT } from './names.js';
import { parseFamilyOp } from './families.js';
import { bottleneckConv1x7 } from './bottleneck-conv.js';
import { dilatedConv3x3, factorizedConv, plainConv } from './conv.js';
import { groupConv3x3 } from './group-conv.js';
import { seConv3x3 } from './se-conv.js';
import { identity, zeros } from './identity.js';
import { pool } from './pool.js';
import { separableConv } from './sep-conv.js';
import type { OpBuilder } from './types.js';

export type { OpBuilder } from './types.js';

/** Every op the model builder can make, by name. */
export const OPS: Readonly<Record<string, OpBuilder>> = {
  // NASNet (Zoph et al. 2018)
  identity,
  conv_1x3_3x1: factorizedConv(3),
  conv_1x7_7x1: factorizedConv(7),
  dil_conv_3x3: dilatedConv3x3,
  avg_pool_3x3: pool('avg', 3),
  max_pool_3x3: pool('max', 3),
  max_pool_5x5: pool('max', 5),
  max_pool_7x7: pool('max', 7),
  conv_1x1: plainConv(1),
  conv_3x3: plainConv(3),
  sep_conv_3x3: separableConv(3),
  sep_conv_5x5: separableConv(5),
  sep_conv_7x7: separableConv(7),
  // Beyond the published sets (search-spaces/nasnet-plus.json): ENAS' 5x5 conv (Pham et al. 2018)
  conv_5x5: plainConv(5),
  // NAS-Bench-201 (Dong & Yang 2020)
  none: zeros,
  skip_connect: identity,
  nor_conv_1x1: plainConv(1),
  nor_conv_3x3: plainConv(3),
};

/** Builders of the op families (families.ts), by base name, given the name's parameter. */
export const FAMILY_BUILDERS: Readonly<Record<string, (k: number) => OpBuilder>> = {
  group_conv_3x3: groupConv3x3, // Xie et al. 2017 (ResNeXt)
  se_conv_3x3: seConv3x3, // Hu et al. 2018 (SENet)
  conv_1x7_7x1: bottleneckConv1x7, // Real et al. 2019 (AmoebaNet)
};

/** The builder of op `name`; UserError for an unknown name. */
export function getOp(name: string): OpBuilder {
  const op = Object.prototype.hasOwnProperty.call(OPS, name) ? OPS[name] : undefined;
  if (op) return op;
  const f = parseFamilyOp(name);
  if (f) return FAMILY_BUILDERS[f.family.base](f.k);
  throw new UserError(`unknown op "${name}" (known: ${KNOWN_OPS_TEXT})`);
}
