/**
 * Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015) over plain
 * Float32Arrays. The gradients come from tfjs; the update itself is elementwise, and doing it
 * in JS costs microseconds where tfjs would spend a dozen ops per variable. Its moments and step
 * count are plain arrays, so they save and restore exactly.
 */
import { base64ToF32, f32ToBase64 } from './f32-codec.js';

/** Saved Adam slots: the step and both moments per parameter (base64 Float32). */
export interface AdamState {
  step: number;
  m: Record<string, string>;
  v: Record<string, string>;
}

/** Adam over a fixed set of named parameter arrays, updated in place. */
export class Adam {
  private step = 0;
  private readonly m = new Map<string, Float32Array>();
  private readonly v = new Map<string, Float32Array>();

  constructor(
    private readonly params: ReadonlyMap<string, Float32Array>,
    private readonly lr: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    for (const [name, p] of params) {
      this.m.set(name, new Float32Array(p.length));
      this.v.set(name, new Float32Array(p.length));
    }
  }

  /** Applies one update from gradients keyed like the parameters. */
  apply(grads: ReadonlyMap<string, ArrayLike<number>>): void {
    this.step++;
    const c1 = 1 - this.beta1 ** this.step;
    const c2 = 1 - this.beta2 ** this.step;
    for (const [name, p] of this.params) {
      const g = grads.get(name);
      if (!g) continue;
      const m = this.m.get(name)!;
      const v = this.v.get(name)!;
      for (let i = 0; i < p.length; i++) {
        m[i] = this.beta1 * m[i] + (1 - this.beta1) * g[i];
        v[i] = this.beta2 * v[i] + (1 - this.beta2) * g[i] * g[i];
        p[i] -= (this.lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + this.eps);
      }
    }
  }

  state(): AdamState {
    const enc = (slots: Map<string, Float32Array>) => Object.fromEntries([...slots].map(([k, a]) => [k, f32ToBase64(a)]));
    return { step: this.step, m: enc(this.m), v: enc(this.v) };
  }

  restore(s: AdamState): void {
    if (!s || typeof s.step !== 'number') throw new Error('corrupt Adam state');
    this.step = s.step;
    for (const [slots, saved] of [[this.m, s.m], [this.v, s.v]] as const) {
      for (const [name, a] of slots) {
        if (typeof saved?.[name] !== 'string') throw new Error(`corrupt Adam state: no slot for ${name}`);
        a.set(base64ToF32(saved[name], a.length));
      }
    }
  }
}
