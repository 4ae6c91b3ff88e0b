/**
 * Ops with a parameter in their name: `<base>_<letter><integer>`, the letter saying which
 * parameter (c = cardinality, r = squeeze-and-excitation reduction ratio, b = bottleneck
 * divisor), e.g. `group_conv_3x3_c4`, `se_conv_3x3_r4`, `conv_1x7_7x1_b4`. Any value in the
 * family's range is an op of the registry; a space file lists the values it searches over.
 * Kept free of tfjs (see names.ts).
 */

export interface OpFamily {
  /** The family's id and the name without its parameter, e.g. `group_conv_3x3`. */
  base: string;
  /** The parameter's letter in the name. */
  letter: 'c' | 'r' | 'b';
  /** What the parameter is, for messages. */
  param: string;
  min: number;
  max: number;
  /** One line: what `<base>_<letter>k` builds. */
  meaning: (k: number) => string;
  short: (k: number) => string;
  /** Why op `<base>_<letter>k` cannot run on `channels` channels (undefined when it can). */
  channelProblem?: (k: number, channels: number) => string | undefined;
  citation: string;
}

export const OP_FAMILIES: readonly OpFamily[] = [
  {
    base: 'group_conv_3x3',
    letter: 'c',
    param: 'cardinality',
    min: 2,
    max: 1024,
    meaning: (k) => `ReLU, 3x3 conv in ${k} groups (each group's outputs read only its 1/${k} of the inputs), BN`,
    short: (k) => `g3c${k}`,
    channelProblem: (k, channels) => (channels % k === 0 ? undefined : `cardinality ${k} does not divide ${channels} channels`),
    citation: 'Xie, Girshick, Dollár, Tu & He, Aggregated Residual Transformations for Deep Neural Networks (ResNeXt), CVPR 2017',
  },
  {
    base: 'se_conv_3x3',
    letter: 'r',
    param: 'reduction ratio',
    min: 1,
    max: 1024,
    meaning: (k) => `ReLU, 3x3 conv, BN, then squeeze-and-excitation: global average pool, dense to max(1, floor(C/${k})) + ReLU, dense to C + sigmoid, scale the channels`,
    short: (k) => `se3r${k}`,
    citation: 'Hu, Shen & Sun, Squeeze-and-Excitation Networks, CVPR 2018',
  },
  {
    base: 'conv_1x7_7x1',
    letter: 'b',
    param: 'bottleneck divisor',
    min: 2,
    max: 1024,
    meaning: (k) => `ReLU, 1x1 conv to floor(C/${k}), BN, ReLU, 1x7 conv, BN, ReLU, 7x1 conv, BN, ReLU, 1x1 conv to C, BN (no bottleneck when floor(C/${k}) < 1)`,
    short: (k) => `c1x7b${k}`,
    citation: 'Real, Aggarwal, Huang & Le, Regularized Evolution for Image Classifier Architecture Search, AAAI 2019 (reference code: tensorflow/tpu models/official/amoeba_net/network_utils.py)',
  },
];

/** `group_conv_3x3_c<k>`, ...: the family names as shown in messages. */
export const FAMILY_PATTERNS: readonly string[] = OP_FAMILIES.map((f) => `${f.base}_${f.letter}<${f.min}..${f.max}>`);

/** The family and parameter of `name`, or undefined when it is not a (valid) family member. */
export function parseFamilyOp(name: string): { family: OpFamily; k: number } | undefined {
  if (typeof name !== 'string') return undefined;
  const m = /^(.+)_([a-z])([1-9][0-9]{0,5})$/.exec(name);
  if (!m) return undefined;
  const family = OP_FAMILIES.find((f) => f.base === m[1] && f.letter === m[2]);
  const k = Number(m[3]);
  if (!family || k < family.min || k > family.max) return undefined;
  return { family, k };
}
