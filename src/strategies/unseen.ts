import type { Genotype, SearchSpace } from '../core/types.js';

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
