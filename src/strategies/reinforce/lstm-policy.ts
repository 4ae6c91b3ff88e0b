/**
 * The controller network of NAS with reinforcement learning (Zoph & Le, "Neural Architecture
 * Search with Reinforcement Learning", ICLR 2017) as used for NASNet cells (Zoph et al.,
 * "Learning Transferable Architectures for Scalable Image Recognition", CVPR 2018): a one-layer
 * LSTM that emits one token per decision through a softmax head, feeding each token's
 * embedding to the next step.
 *
 * One head (weights + token embedding) per decision kind and size: all op decisions share
 * one head; inputs of a block with k options share the "input k" head.
 *
 * The weights live in JS Float32Arrays (`params`, the master copy, updated by Adam) mirrored
 * into tfjs variables. Sampling runs in plain JS: a cell is tens of tiny steps and tfjs' per-op
 * overhead would dominate. The gradient pass (`lossTerms`) is tfjs over a batch of token
 * sequences; a test checks that both passes give the same probabilities.
 */
import * as tf from '#tfjs';
import type { Decision } from '../../space/types.js';
import type { Rng } from '../../core/rng.js';
import { base64ToF32, f32ToBase64 } from './f32-codec.js';

/** Sizes of the controller. */
export interface PolicySize {
  hidden: number;
  embed: number;
}

/** tfjs variable names must be unique process-wide. */
let instances = 0;

const headName = (d: Decision) => `${d.kind}${d.options}`;
type F32 = Float32Array<ArrayBufferLike>;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The LSTM controller's parameters and its two forward passes. */
export class LstmPolicy {
  /** The weights (master copy), by name. Adam updates these in place; then call sync(). */
  readonly params = new Map<string, Float32Array>();
  /** tfjs mirrors of params, for the gradient pass. */
  readonly vars = new Map<string, tf.Variable>();
  /** Heads in first-use order, with their size and the offset of their tokens in the joint embedding table. */
  private readonly heads = new Map<string, { k: number; offset: number }>();

  constructor(
    readonly decisions: readonly Decision[],
    readonly size: PolicySize,
    /** Draws initial weights (uniform in [-0.1, 0.1], as in Zoph & Le). */
    init: Rng,
  ) {
    const { hidden: H, embed: E } = size;
    const add = (name: string, shape: number[]) => {
      const n = shape.reduce((a, b) => a * b, 1);
      this.params.set(name, Float32Array.from({ length: n }, () => (init() * 2 - 1) * 0.1));
      const value = tf.tensor(this.params.get(name)!, shape);
      this.vars.set(name, tf.variable(value, true, `controller${++instances}.${name}`));
      value.dispose();
    };
    add('lstm.W', [E + H, 4 * H]);
    add('lstm.b', [4 * H]);
    add('go', [1, E]);
    let offset = 1; // row 0 of the joint embedding table is `go`
    for (const d of decisions) {
      const h = headName(d);
      if (this.heads.has(h)) continue;
      this.heads.set(h, { k: d.options, offset });
      offset += d.options;
      add(`${h}.W`, [H, d.options]);
      add(`${h}.b`, [d.options]);
      add(`${h}.emb`, [d.options, E]);
    }
  }

  /** Copies params into the tfjs variables (after an update or a restore). */
  sync(): void {
    tf.tidy(() => {
      for (const [name, v] of this.vars) v.assign(tf.tensor(this.params.get(name)!, v.shape));
    });
  }

  /** One LSTM step in JS: returns the new [h, c]. Gate order i, f, g, o. */
  private stepJs(x: F32, h: F32, c: F32): [F32, F32] {
    const { hidden: H, embed: E } = this.size;
    const W = this.params.get('lstm.W')!;
    const gates = Float32Array.from(this.params.get('lstm.b')!);
    const G = 4 * H;
    for (let i = 0; i < E; i++) {
      const xi = x[i];
      if (xi === 0) continue;
      const row = i * G;
      for (let j = 0; j < G; j++) gates[j] += xi * W[row + j];
    }
    for (let i = 0; i < H; i++) {
      const hi = h[i];
      if (hi === 0) continue;
      const row = (E + i) * G;
      for (let j = 0; j < G; j++) gates[j] += hi * W[row + j];
    }
    const h2 = new Float32Array(H);
    const c2 = new Float32Array(H);
    for (let j = 0; j < H; j++) {
      c2[j] = sigmoid(gates[H + j]) * c[j] + sigmoid(gates[j]) * Math.tanh(gates[2 * H + j]);
      h2[j] = sigmoid(gates[3 * H + j]) * Math.tanh(c2[j]);
    }
    return [h2, c2];
  }

  /** Softmax probabilities of a head given h. */
  private probsJs(head: string, h: F32, k: number): Float64Array {
    const W = this.params.get(`${head}.W`)!;
    const b = this.params.get(`${head}.b`)!;
    const logits = new Float64Array(k);
    for (let j = 0; j < k; j++) logits[j] = b[j];
    for (let i = 0; i < h.length; i++) for (let j = 0; j < k; j++) logits[j] += h[i] * W[i * k + j];
    const m = Math.max(...logits);
    let s = 0;
    for (let j = 0; j < k; j++) { logits[j] = Math.exp(logits[j] - m); s += logits[j]; }
    for (let j = 0; j < k; j++) logits[j] /= s;
    return logits;
  }

  /**
   * Walks the decisions in JS. With `forced` tokens it returns their probabilities (for tests);
   * otherwise it samples each token from rng. Returns the tokens and each step's distribution.
   */
  run(rng: Rng | null, forced?: readonly number[]): { tokens: number[]; probs: Float64Array[] } {
    const { hidden: H, embed: E } = this.size;
    let x: F32 = this.params.get('go')!;
    let h: F32 = new Float32Array(H);
    let c: F32 = new Float32Array(H);
    const tokens: number[] = [];
    const probs: Float64Array[] = [];
    for (let t = 0; t < this.decisions.length; t++) {
      const d = this.decisions[t];
      [h, c] = this.stepJs(x, h, c);
      const head = headName(d);
      const p = this.probsJs(head, h, d.options);
      let tok: number;
      if (forced) tok = forced[t];
      else {
        const u = rng!();
        tok = d.options - 1;
        let acc = 0;
        for (let j = 0; j < d.options; j++) { acc += p[j]; if (u < acc) { tok = j; break; } }
      }
      tokens.push(tok);
      probs.push(p);
      x = this.params.get(`${head}.emb`)!.subarray(tok * E, (tok + 1) * E);
    }
    return { tokens, probs };
  }

  /**
   * The tfjs pass over a batch of token sequences: per sequence the summed log-probability of
   * its tokens and the summed entropy of the step distributions. Call inside tf.tidy / grads.
   * The inputs are known in advance (teacher forcing), so all input projections are one
   * matMul and each head's logits one matMul over all its steps: few ops, as tfjs' cost is per op.
   */
  lossTerms(batch: readonly number[][]): { logp: tf.Tensor1D; entropy: tf.Tensor1D } {
    const { hidden: H, embed: E } = this.size;
    const n = batch.length;
    const T = this.decisions.length;
    const v = (name: string) => this.vars.get(name)!;
    // Row of the joint [go; emb_head1; emb_head2; ...] table fed at each step.
    const rows = new Int32Array(T * n);
    for (let t = 1; t < T; t++) {
      const off = this.heads.get(headName(this.decisions[t - 1]))!.offset;
      for (let i = 0; i < n; i++) rows[t * n + i] = off + batch[i][t - 1];
    }
    const table = tf.concat([v('go'), ...[...this.heads.keys()].map((h) => v(`${h}.emb`))], 0);
    const W = v('lstm.W') as tf.Tensor2D;
    // Row slices are contiguous (fast); column slices and splits are slow in tfjs-cpu, so the
    // recurrence runs transposed: gates^T [4H, n] splits into the four gates along axis 0.
    const Wx = tf.slice(W, [0, 0], [E, 4 * H]);
    const WhT = tf.transpose(tf.slice(W, [E, 0], [H, 4 * H]));
    // A one-hot product rather than tf.gather: gather's gradient (UnsortedSegmentSum) loops over segments in tfjs-cpu.
    const X = tf.matMul(tf.oneHot(tf.tensor1d(rows, 'int32'), table.shape[0]).toFloat(), table);
    const XW = tf.add(tf.matMul(X, Wx), v('lstm.b'));
    let h: tf.Tensor2D | null = null; // [H, n]
    let c: tf.Tensor2D | null = null;
    const hs = new Map<string, tf.Tensor2D[]>();
    for (let t = 0; t < T; t++) {
      const xw = tf.transpose(tf.slice(XW, [t * n, 0], [n, 4 * H])) as tf.Tensor2D;
      const gates = (h ? tf.add(xw, tf.matMul(WhT, h)) : xw) as tf.Tensor2D;
      const [si, sf, , so] = tf.split(tf.sigmoid(gates), 4, 0) as tf.Tensor2D[];
      const ig: tf.Tensor2D = tf.mul(si, tf.tanh(tf.slice(gates, [2 * H, 0], [H, n])));
      const cNew: tf.Tensor2D = c ? tf.add(tf.mul(sf, c), ig) : ig;
      const hNew: tf.Tensor2D = tf.mul(so, tf.tanh(cNew));
      c = cNew;
      h = hNew;
      const head = headName(this.decisions[t]);
      hs.set(head, [...(hs.get(head) ?? []), hNew]);
    }
    let logp: tf.Tensor1D = tf.zeros([n]);
    let entropy: tf.Tensor1D = tf.zeros([n]);
    for (const [head, list] of hs) {
      const k = this.heads.get(head)!.k;
      const steps = this.decisions.map((d, t) => (headName(d) === head ? t : -1)).filter((t) => t >= 0);
      // [steps * n, k]: rows ordered (step, sequence).
      const logits = tf.add(tf.matMul(tf.concat(list, 1), v(`${head}.W`) as tf.Tensor2D, true, false), v(`${head}.b`));
      const lp = tf.logSoftmax(logits as tf.Tensor2D);
      const ids = tf.tensor1d(steps.flatMap((t) => batch.map((s) => s[t])), 'int32');
      const chosen = tf.sum(tf.mul(lp, tf.oneHot(ids, k)), 1);
      const ent = tf.neg(tf.sum(tf.mul(tf.exp(lp), lp), 1));
      logp = tf.add(logp, tf.sum(tf.reshape(chosen, [steps.length, n]), 0));
      entropy = tf.add(entropy, tf.sum(tf.reshape(ent, [steps.length, n]), 0));
    }
    return { logp, entropy };
  }

  /** The weights as base64 Float32 arrays. */
  state(): Record<string, string> {
    return Object.fromEntries([...this.params].map(([k, a]) => [k, f32ToBase64(a)]));
  }

  restore(s: Record<string, string>): void {
    for (const [name, a] of this.params) {
      if (typeof s?.[name] !== 'string') throw new Error(`corrupt controller state: no weights for ${name}`);
      a.set(base64ToF32(s[name], a.length));
    }
    this.sync();
  }

  dispose(): void {
    for (const t of this.vars.values()) t.dispose();
    this.vars.clear();
  }
}
