/**
 * A fractal block (Larsson, Maire & Shakhnarovich 2017, "FractalNet: Ultra-Deep Neural Networks
 * without Residuals", Sec. 2, Eq. 2, Fig. 1): f_1(z) = conv(z) and
 *   f_{C+1}(z) = join(f_C ∘ f_C(z), conv(z)),   join = elementwise mean.
 * f_C has C columns; column c (1..C) is 2^(c-1) units deep, 2^C - 1 units in all. FractalNet's
 * unit is a conv-BN-ReLU; here it is the genotype's normal cell, given z as both inputs.
 * NOTE: the joins are merged as in the paper's Fig. 1: the join that closes f_{C+1}
 * averages the C + 1 columns ending there (the inputs of f_C ∘ f_C's last join, and conv(z)),
 * rather than nesting mean(mean(a, b), c), which would weigh the deep columns less.
 * NOTE: no drop-path, local or global (Sec. 3): every column runs in training as at inference,
 * which is the paper's inference network. The builder's scheduled drop-path (wrapPath) still
 * applies inside the cells, as to every cell.
 * NOTE: the join is an add and a 1/n rescaling (the layers the ONNX exporter maps), not tfjs'
 * `average` layer; the same mean up to float rounding.
 */
import * as tf from '#tfjs';
import type { BuildContext, Sym } from './context.js';

/** f_C(z) with `unit` as FractalNet's conv. */
export function fractalBlock(ctx: BuildContext, z: Sym, columns: number, unit: (z: Sym) => Sym): Sym {
  return join(ctx, fractalColumns(z, columns, unit, ctx));
}

/** The outputs the last join of f_C(z) averages, one per column, deepest first. */
function fractalColumns(z: Sym, c: number, unit: (z: Sym) => Sym, ctx: BuildContext): Sym[] {
  if (c === 1) return [unit(z)];
  const inner = join(ctx, fractalColumns(z, c - 1, unit, ctx));
  return [...fractalColumns(inner, c - 1, unit, ctx), unit(z)];
}

/** Elementwise mean of same-shaped tensors (one tensor: itself). */
export function join(ctx: BuildContext, xs: Sym[]): Sym {
  if (xs.length === 1) return xs[0];
  const total = tf.layers.add({ name: ctx.name('join_add') }).apply(xs) as Sym;
  const mean = tf.layers.rescaling({ scale: 1 / xs.length, name: ctx.name('join') }).apply(total) as Sym;
  ctx.states.push(mean);
  return mean;
}
