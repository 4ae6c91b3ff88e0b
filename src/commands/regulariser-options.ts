/** `--regulariser` and its parameters, shared by `nas train` and `nas search` (src/model/regularisers/). */
import { UserError } from '../core/errors.js';
import { REGULARISERS, SHAKEDROP_P_L, SWAPOUT_KEEP, type RegulariserSettings } from '../model/regularisers/index.js';
import { choiceOption, numberOption } from './options.js';

export const REGULARISER_OPTIONS = {
  regulariser: { type: 'string' }, 'shakedrop-p': { type: 'string' }, 'swapout-keep': { type: 'string' },
} as const;

/** --regulariser and its parameters; a parameter of another regulariser than the one given is refused. */
export function regulariserOption(v: { regulariser?: string; 'shakedrop-p'?: string; 'swapout-keep'?: string }): RegulariserSettings | undefined {
  const name = v.regulariser === undefined ? undefined : choiceOption(v.regulariser, 'regulariser', REGULARISERS, 'shake-shake');
  for (const [option, owner] of [['shakedrop-p', 'shakedrop'], ['swapout-keep', 'swapout']] as const) {
    if (v[option] !== undefined && name !== owner) throw new UserError(`--${option} goes with --regulariser ${owner}`);
  }
  if (name === 'shakedrop') return { name, pL: probability(v['shakedrop-p'], 'shakedrop-p', SHAKEDROP_P_L) };
  if (name === 'swapout') {
    const parts = (v['swapout-keep'] ?? `${SWAPOUT_KEEP}`).split(',');
    if (parts.length > 2) throw new UserError(`--swapout-keep takes P or P,P2 (identity branches, the others), got "${v['swapout-keep']}"`);
    const [keepIdentity, keepOp] = parts.map((p) => probability(p, 'swapout-keep', SWAPOUT_KEEP));
    return { name, keepIdentity, keepOp: keepOp ?? keepIdentity };
  }
  return name === undefined ? undefined : { name };
}

function probability(value: string | undefined, name: string, fallback: number): number {
  const p = numberOption(value, name, fallback);
  if (p > 1) throw new UserError(`--${name} must be in [0, 1], got "${value}"`);
  return p;
}
