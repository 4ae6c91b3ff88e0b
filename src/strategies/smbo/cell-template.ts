/**
 * The cell a progressive search grows, as a choice vector over "template" decisions.
 * Following PNAS (Liu et al. 2018), a NASNet genotype uses the same cell structure for the
 * normal and the reduction cell, so the template is the first cell's decisions and the other
 * cells copy it. Spaces with one cell (NAS-Bench-201) use their decisions as they are.
 */
import type { Decision, Genotype, SearchSpace } from '../../space/types.js';
import type { Rng } from '../../core/rng.js';
import { randInt } from '../../core/rng.js';
import { combinations } from '../unseen.js';

/** Cell vectors: grow, expand, perturb and encode them for the predictor. */
export class CellTemplate {
  /** Whether the other cells copy the first (PNAS's shared structure). */
  readonly tied: boolean;
  private readonly firstCell: string;
  /** Offset of each template decision's one-hot block in the feature vector. */
  private readonly offsets: number[];
  /** Length of the feature vector (one-hot of every template decision at full size). */
  readonly featureSize: number;

  constructor(readonly space: SearchSpace) {
    const all = space.decisions();
    this.firstCell = all[0].cell;
    const cells = [...new Set(all.map((d) => d.cell))];
    const sig = (c: string) => all.filter((d) => d.cell === c).map((d) => `${d.kind}${d.options}`).join(',');
    this.tied = cells.length > 1 && cells.every((c) => sig(c) === sig(this.firstCell));
    this.offsets = [];
    let off = 0;
    for (const d of this.decisionsAt(space.blocks)) { this.offsets.push(off); off += d.options; }
    this.featureSize = off;
  }

  /** The template decisions of a cell with `stage` blocks (a prefix of the full template). */
  decisionsAt(stage: number): Decision[] {
    const ds = this.space.decisions(stage);
    return this.tied ? ds.filter((d) => d.cell === this.firstCell) : ds;
  }

  /** The genotype of a cell vector with `stage` blocks (the other cells copy the first if tied). */
  genotype(vec: readonly number[], stage: number): Genotype {
    if (!this.tied) return this.space.decode([...vec]);
    const ds = this.space.decisions(stage);
    const pos = new Map<string, number>();
    const full = ds.map((d) => {
      const i = pos.get(d.cell) ?? 0;
      pos.set(d.cell, i + 1);
      return vec[i];
    });
    return this.space.decode(full);
  }

  /** One-hot features of a cell vector; blocks a smaller cell lacks stay zero. */
  features(vec: readonly number[], out: Float32Array, at: number): void {
    for (let i = 0; i < vec.length; i++) out[at + this.offsets[i] + vec[i]] = 1;
  }

  /** Every cell vector of `stage` blocks, or `cap` of them drawn at random (without repeats) if there are more. */
  allAt(stage: number, cap: number, rng: Rng): number[][] {
    const ds = this.decisionsAt(stage);
    return this.enumerate(ds.map((d) => d.options), [], cap, rng);
  }

  /** The cells with one more block than `vec` (whose cell has `stage` blocks), at most `cap`. */
  expansions(vec: readonly number[], stage: number, cap: number, rng: Rng): number[][] {
    const sizes = this.decisionsAt(stage + 1).slice(vec.length).map((d) => d.options);
    return this.enumerate(sizes, vec, cap, rng);
  }

  /** The cells that differ from `vec` in exactly one decision. */
  neighbours(vec: readonly number[], stage: number): number[][] {
    const ds = this.decisionsAt(stage);
    const out: number[][] = [];
    ds.forEach((d, i) => {
      for (let o = 0; o < d.options; o++) if (o !== vec[i]) { const v = vec.slice(); v[i] = o; out.push(v); }
    });
    return out;
  }

  /** prefix + every combination of `sizes`; a random subset of `cap` when there are more. */
  private enumerate(sizes: number[], prefix: readonly number[], cap: number, rng: Rng): number[][] {
    const total = sizes.reduce((a, b) => a * b, 1);
    if (total <= cap) {
      const out: number[][] = [];
      for (const c of combinations(sizes)) out.push([...prefix, ...c]);
      return out;
    }
    // NOTE: PNAS scores every expansion; with a capped budget of predictor calls we score a random subset.
    const picked = new Set<string>();
    const out: number[][] = [];
    while (out.length < cap) {
      const c = sizes.map((k) => randInt(rng, k));
      const s = c.join(',');
      if (picked.has(s)) continue;
      picked.add(s);
      out.push([...prefix, ...c]);
    }
    return out;
  }
}
