/**
 * Finding a genotype nobody proposed yet, shared by every strategy. Random search and evolution
 * take the first unseen of a bounded number of draws (sampleUnseen); the controllers (REINFORCE,
 * SMBO) also scan small spaces exhaustively when draws keep colliding (findUnseen), so that
 * `undefined` from them means the space really is exhausted.
 */
import type { Genotype, SearchSpace } from '../space/types.js';
import type { Rng } from '../core/rng.js';
import { randInt } from '../core/rng.js';

/** How many draws to try before concluding the space (or the region) is exhausted. */
export const MAX_DRAWS = 1000;

/**
 * Draws until a genotype whose canonical key is not in `seen` comes up, records it and returns it;
 * undefined when MAX_DRAWS draws were all duplicates. With duplicates allowed the first draw is taken.
 */
export function sampleUnseen(
  draw: () => Genotype | undefined,
  space: SearchSpace,
  seen: Set<string>,
  allowDuplicates: boolean,
): Genotype | undefined {
  for (let i = 0; i < MAX_DRAWS; i++) {
    const g = draw();
    if (!g) return undefined;
    const key = space.key(g);
    if (allowDuplicates || !seen.has(key)) {
      seen.add(key);
      return g;
    }
  }
  return undefined;
}

/** Spaces up to this many choice vectors are scanned exhaustively when draws keep colliding. */
const SCAN_LIMIT = 500_000;

/** The number of choice vectors of a space with `stages` blocks (an upper bound on distinct cells). */
export function choiceCount(space: SearchSpace, stages?: number): number {
  return space.decisions(stages).reduce((n, d) => n * d.options, 1);
}

/** Every choice vector of a small space, in lexicographic order. */
export function allChoices(space: SearchSpace, stages?: number): Generator<number[]> {
  return combinations(space.decisions(stages).map((d) => d.options));
}

/** Every vector c with 0 <= c[i] < sizes[i], in lexicographic order. */
export function* combinations(sizes: readonly number[]): Generator<number[]> {
  const c = sizes.map(() => 0);
  for (;;) {
    yield c.slice();
    let i = c.length - 1;
    while (i >= 0 && ++c[i] === sizes[i]) c[i--] = 0;
    if (i < 0) return;
  }
}

/**
 * An unseen genotype with `stages` blocks drawn from rng: `draws` uniform samples first,
 * then a scan of the whole space if it is small. Undefined only when none is left.
 */
export function findUnseen(space: SearchSpace, seen: ReadonlySet<string>, rng: Rng, stages?: number, draws = 200): Genotype | undefined {
  for (let i = 0; i < draws; i++) {
    const g = space.sample(rng, stages);
    if (!seen.has(space.key(g))) return g;
  }
  if (choiceCount(space, stages) > SCAN_LIMIT) return undefined; // NOTE: a huge space is not scanned; it is practically never exhausted.
  const left: Genotype[] = [];
  const keys = new Set<string>();
  for (const c of allChoices(space, stages)) {
    const g = space.decode(c);
    const k = space.key(g);
    if (!seen.has(k) && !keys.has(k)) { keys.add(k); left.push(g); }
  }
  return left.length > 0 ? left[randInt(rng, left.length)] : undefined;
}
