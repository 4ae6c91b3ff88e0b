import seedrandom from 'seedrandom';

/** A seeded generator in [0, 1): always a `seedrandom` prng, so a seed fixes a search. */
export type Rng = () => number;

/** A seeded generator whose state can be saved in the store and restored exactly. */
export interface StatefulRng extends Rng {
  state(): object;
}

/** All randomness of a search flows from generators made here, so a seed fixes the search. */
export function createRng(seed: number | string): StatefulRng {
  return seedrandom(String(seed), { state: true }) as unknown as StatefulRng;
}

/** Recreates a generator from `rng.state()`: the next numbers are the ones the saved one would have drawn. */
export function restoreRng(state: object): StatefulRng {
  return seedrandom('', { state: state as seedrandom.State.Arc4 }) as unknown as StatefulRng;
}

/** An integer in [0, n). */
export function randInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}
