/**
 * The search space and its genotypes: a space is a parsed, validated data file (search-spaces/*.json);
 * a genotype is the one JSON representation of an architecture, with a canonical key.
 */
import type { Rng } from '../core/rng.js';

/** One block of a NASNet cell: two (input, op) pairs whose results are added. */
export interface NasnetBlock {
  /** 0 = h[i-2] (the cell before the previous), 1 = h[i-1] (previous cell), 2 + j = output of block j. */
  inputs: [number, number];
  ops: [string, string];
}

/** A NASNet-style architecture: a normal and a reduction cell (Zoph et al. 2018). */
export interface NasnetGenotype {
  space: 'nasnet';
  normal: NasnetBlock[];
  reduce: NasnetBlock[];
  /**
   * Optional: the states each cell concatenates into its output (0 = h[i-2], 1 = h[i-1], 2 + j =
   * block j), as a published cell's reference code lists them (DARTS' normal_concat /
   * reduce_concat). Without it a cell concatenates the blocks no block reads. Searches never
   * propose it; published cells (search-spaces/baselines/) carry it.
   */
  concat?: NasnetConcat;
}

export interface NasnetConcat {
  normal: number[];
  reduce: number[];
}

/**
 * A NAS-Bench-201 cell (Dong & Yang 2020): 4 nodes, 6 edges, in the standard order
 * 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2. `arch` is the standard string
 * `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`.
 */
export interface Nb201Genotype {
  space: 'nas-bench-201';
  arch: string;
}

export type Genotype = NasnetGenotype | Nb201Genotype;

export type SpaceFamily = Genotype['space'];

/** How a child was derived from its parent (AmoebaNet mutations: change one op, change one input). */
export interface Mutation {
  kind: 'op' | 'input' | 'identity' | string;
  /** Human-readable: e.g. "normal block 2 op 1: sep_conv_3x3 -> max_pool_3x3". */
  detail: string;
}

/** One categorical choice in a genotype, in the order a controller emits them. */
export interface Decision {
  name: string;
  kind: 'input' | 'op';
  /** Number of options; inputs of block b have 2 + b options. */
  options: number;
  /** Block / node index, for progressive (PNAS) search. */
  stage: number;
  /** Which cell the decision belongs to ('normal' | 'reduce' | 'cell'). */
  cell: string;
  /** Option labels (op names, or input names like "h[i-1]", "block 0"). */
  labels: string[];
}

/** A loaded, validated search space. Its genotypes are plain JSON. */
export interface SearchSpace {
  readonly name: string;
  readonly family: SpaceFamily;
  /** The file it was loaded from (absolute path), for messages and for workers to reload. */
  readonly file: string;
  /** Allowed operation names, each a key of the op registry. */
  readonly ops: readonly string[];
  /** B: blocks per cell (NASNet) or intermediate nodes (NAS-Bench-201: 3). */
  readonly blocks: number;
  /** Macro settings the file recommends for proxy training (see MacroSettings). */
  readonly macro: MacroSettings;

  /** The decisions of a genotype with `stages` blocks (default: all). */
  decisions(stages?: number): Decision[];
  /** Genotype -> choice indices, one per decision, in decisions() order. */
  encode(g: Genotype): number[];
  /** Choice indices -> genotype; the length selects the number of stages. Throws on out-of-range. */
  decode(choices: number[]): Genotype;
  /** Number of blocks the genotype uses (PNAS grows cells one block at a time). */
  stagesOf(g: Genotype): number;
  /** Canonical key for de-duplication: a block's two (input, op) pairs are unordered. */
  key(g: Genotype): string;
  /** Checks an untrusted value; returns the canonical genotype or throws SpaceError naming the fault. */
  validate(g: unknown): Genotype;
  /** A uniformly random genotype (all choices drawn from rng). */
  sample(rng: Rng, stages?: number): Genotype;
  /** One AmoebaNet mutation (op or input), never the identity unless nothing else exists. */
  mutate(g: Genotype, rng: Rng): { genotype: Genotype; mutation: Mutation };
  /** A short one-line rendering for logs and tables. */
  describe(g: Genotype): string;
}

/** The network around the cells: NASNet's "N cells per stage, reductions between stages". */
export interface MacroSettings {
  /** Channels of the stem convolution. */
  stemChannels: number;
  /** Filters of the first stage's cells (F in the NASNet paper). */
  filters: number;
  /** Normal cells per stage (N). */
  cellsPerStage: number;
  /** Reduction cells (stages = reductions + 1). */
  reductions: number;
  /** Filters multiply by this after every reduction (2 in NASNet). */
  filterMultiplier: number;
  /** Scheduled drop-path probability at the end of training (0 = off). */
  dropPath?: number;
  /** Auxiliary head weight (0 = off). */
  auxWeight?: number;
  // Macro families and stems (src/model/macro-options.ts checks them; docs/spaces.md). All numbers,
  // as a run's stored macro is. Unset = the plain NASNet network.
  /** WRN's widen factor k (Zagoruyko & Komodakis 2016): every cell's width times k, the stem not. */
  widthMultiplier?: number;
  /**
   * PyramidNet's α (Han, Kim & Kim 2017): cell j of N (1-based) has floor(F + j·α/N) channels,
   * growing at every cell instead of doubling at reductions (filterMultiplier is then unused).
   */
  pyramidAlpha?: number;
  /** RoR-m (Zhang et al. 2017): 2 adds a root shortcut stem -> last cell, 3 also one per stage; 1 = none. */
  rorLevels?: number;
  /** FractalNet's C (Larsson et al. 2017): each normal cell becomes a fractal of 2^C - 1 cells in C columns; 1 = none. */
  fractalColumns?: number;
  /** Kernel of the stem convolution (default 3). */
  stemKernel?: number;
  /** Stride of the stem convolution (default 1). */
  stemStride?: number;
}
