/**
 * Pareto dominance over several objectives (hardware-aware search: accuracy up, latency and
 * parameters down), and the ranking NSGA-II selects with (Deb, Pratap, Agarwal & Meyarivan, "A Fast
 * and Elitist Multiobjective Genetic Algorithm: NSGA-II", IEEE TEC 2002): fronts by fast
 * non-dominated sorting, then crowding distance within a front.
 *
 * Points are rows of `number[][]`, one column per objective, and `dirs` says per column whether
 * larger or smaller is better. ±Infinity ranks like any number; NaN is refused (drop the trials an
 * objective could not be measured for first).
 */

export type Direction = 'max' | 'min';

/** Throws unless every point has one finite-or-infinite value per direction. */
export function checkPoints(points: readonly (readonly number[])[], dirs: readonly Direction[], what: string): void {
  points.forEach((p, i) => {
    if (p.length !== dirs.length) throw new Error(`${what}: point ${i} has ${p.length} objectives, expected ${dirs.length}`);
    if (p.some(Number.isNaN)) throw new Error(`${what}: point ${i} has a NaN objective`);
  });
}

/** a Pareto-dominates b: no worse in every objective and strictly better in at least one. */
export function dominates(a: readonly number[], b: readonly number[], dirs: readonly Direction[]): boolean {
  let better = false;
  for (let k = 0; k < dirs.length; k++) {
    if (a[k] === b[k]) continue; // (before subtracting: Infinity against Infinity is a tie, not NaN)
    const d = dirs[k] === 'max' ? a[k] - b[k] : b[k] - a[k];
    if (d < 0) return false;
    better = true;
  }
  return better;
}

/**
 * Deb et al. 2002's fast non-dominated sort, O(M N²): each point's count of dominators and the set
 * it dominates; the points no one dominates are front 0, removing them releases front 1, and so on.
 * Fronts hold point indices, ascending. Equal points dominate neither way, so they share a front.
 */
export function nonDominatedSort(points: readonly (readonly number[])[], dirs: readonly Direction[]): number[][] {
  checkPoints(points, dirs, 'nonDominatedSort');
  const n = points.length;
  const dominated: number[][] = Array.from({ length: n }, () => []);
  const count = new Array<number>(n).fill(0);
  for (let p = 0; p < n; p++) {
    for (let q = p + 1; q < n; q++) {
      if (dominates(points[p], points[q], dirs)) {
        dominated[p].push(q);
        count[q]++;
      } else if (dominates(points[q], points[p], dirs)) {
        dominated[q].push(p);
        count[p]++;
      }
    }
  }
  const fronts: number[][] = [];
  let front = count.flatMap((c, i) => (c === 0 ? [i] : []));
  while (front.length > 0) {
    fronts.push(front);
    const next: number[] = [];
    for (const p of front) for (const q of dominated[p]) if (--count[q] === 0) next.push(q);
    front = next.sort((a, b) => a - b);
  }
  return fronts;
}

/**
 * NSGA-II crowding distance of the members of one front (aligned with `front`): per objective, the
 * members sorted by it, the two ends get Infinity and each other member the gap between its
 * neighbours divided by the front's range in that objective; summed over objectives. Fronts of up to
 * two members are all ends.
 * NOTE: an objective in which the whole front is equal (zero range) contributes 0 to every member,
 * ends included: Deb et al. would make two arbitrary tied members ends. Ties are broken by position
 * in `front`, so the result does not depend on the sort's stability. An infinite range gives the
 * ends Infinity and the others nothing.
 */
export function crowdingDistance(points: readonly (readonly number[])[], front: readonly number[], dirs: readonly Direction[]): number[] {
  const n = front.length;
  const dist = new Array<number>(n).fill(0);
  if (n <= 2) return dist.fill(Infinity);
  for (let k = 0; k < dirs.length; k++) {
    const v = (i: number) => points[front[i]][k];
    const order = front.map((_, i) => i).sort((a, b) => v(a) - v(b) || a - b);
    const range = v(order[n - 1]) - v(order[0]);
    if (!(range > 0)) continue;
    dist[order[0]] = dist[order[n - 1]] = Infinity;
    if (!Number.isFinite(range)) continue;
    for (let j = 1; j < n - 1; j++) dist[order[j]] += (v(order[j + 1]) - v(order[j - 1])) / range;
  }
  return dist;
}

/** Indices (ascending) of the points no other point dominates. O(M N²). */
export function paretoFront(points: readonly (readonly number[])[], dirs: readonly Direction[]): number[] {
  checkPoints(points, dirs, 'paretoFront');
  return points.flatMap((p, i) => (points.some((q, j) => j !== i && dominates(q, p, dirs)) ? [] : [i]));
}

/**
 * Every point's front (0 best) and its crowding distance within that front, aligned with points:
 * what NSGA-II's crowded-comparison binary tournament reads (lower rank wins, then larger crowding).
 */
export function nsgaRank(points: readonly (readonly number[])[], dirs: readonly Direction[]): { rank: number[]; crowding: number[] } {
  const rank = new Array<number>(points.length).fill(0);
  const crowding = new Array<number>(points.length).fill(0);
  nonDominatedSort(points, dirs).forEach((front, r) => {
    const d = crowdingDistance(points, front, dirs);
    front.forEach((i, j) => {
      rank[i] = r;
      crowding[i] = d[j];
    });
  });
  return { rank, crowding };
}
