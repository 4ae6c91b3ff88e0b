import type { BuildContext, Sym } from '../context.js';

/**
 * Builds one op on a symbolic input: the output has `channels` channels and the input's
 * resolution divided by `stride` (1 or 2, rounded up like a 'same' stride-2 conv).
 */
export type OpBuilder = (ctx: BuildContext, x: Sym, channels: number, stride: 1 | 2) => Sym;
