/**
 * The hypervolume indicator (Zitzler & Thiele, "Multiobjective Optimization Using Evolutionary
 * Algorithms — A Comparative Case Study", PPSN 1998): the measure of the objective space a set of
 * points dominates, bounded by a reference point. One number per front, larger is better, and it
 * only grows as points are added, so it can compare searches over time.
 *
 * Exact for any number of objectives: a sweep in 2-D, and above it the HSO slicing recursion (While,
 * Hingston, Barone & Huband, "A Faster Algorithm for Calculating Hypervolume", IEEE TEC 2006), slices
 * along the first objective each holding the (m-1)-D front of the points before them. Fine for the
 * fronts of a search (hundreds of points in 3-D); HSO is exponential in the number of objectives.
 */
import { checkPoints, type Direction } from './pareto.js';

/** The sort order of numbers that ±Infinity cannot make NaN. */
const cmp = (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0);

/** a is no worse than b in every objective (minimisation). */
function weakly(a: readonly number[], b: readonly number[]): boolean {
  for (let k = 0; k < a.length; k++) if (a[k] > b[k]) return false;
  return true;
}

/** Adds p to a set of mutually non-dominated points (minimisation), in place; false when p adds no volume. */
function addNonDominated(set: number[][], p: number[]): boolean {
  if (set.some((s) => weakly(s, p))) return false;
  let w = 0;
  for (const s of set) if (!weakly(p, s)) set[w++] = s;
  set.length = w;
  set.push(p);
  return true;
}

/** The check and the flip to minimisation: 'max' objectives negated, reference included. */
function minimised(dirs: readonly Direction[], reference: readonly number[], what: string): (p: readonly number[]) => number[] | undefined {
  if (dirs.length === 0) throw new Error(`${what}: no objectives`);
  if (reference.length !== dirs.length) throw new Error(`${what}: the reference has ${reference.length} objectives, expected ${dirs.length}`);
  if (reference.some(Number.isNaN)) throw new Error(`${what}: the reference has a NaN objective`);
  const flip = (v: number, k: number) => (dirs[k] === 'max' ? -v : v);
  const ref = reference.map(flip);
  // A point not strictly better than the reference in every objective bounds no volume.
  return (p) => {
    const q = p.map(flip);
    return q.every((v, k) => v < ref[k]) ? q : undefined;
  };
}

/** 2-D sweep: in order of the first objective, each point that lowers the best second one adds a strip. */
function sweep2(points: readonly number[][], rx: number, ry: number): number {
  const sorted = points.slice().sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]));
  let area = 0;
  let y = ry;
  for (const p of sorted) {
    if (p[1] < y) {
      area += (rx - p[0]) * (y - p[1]);
      y = p[1];
    }
  }
  return area;
}

/** HSO (While et al. 2006) over points strictly below `ref` (minimisation). */
function hso(points: readonly number[][], ref: readonly number[]): number {
  if (points.length === 0) return 0;
  if (ref.length === 1) return ref[0] - Math.min(...points.map((p) => p[0]));
  if (ref.length === 2) return sweep2(points, ref[0], ref[1]);
  const sorted = points.slice().sort((a, b) => cmp(a[0], b[0]));
  const rest = ref.slice(1);
  const slice: number[][] = []; // the (m-1)-D front of the points up to this slice
  let volume = 0;
  for (let i = 0; i < sorted.length; i++) {
    addNonDominated(slice, sorted[i].slice(1));
    const depth = (i + 1 < sorted.length ? sorted[i + 1][0] : ref[0]) - sorted[i][0];
    if (depth > 0) volume += depth * hso(slice, rest);
  }
  return volume;
}

/**
 * The exact hypervolume the points dominate with respect to `reference` (for a 'max' objective a
 * lower bound, for a 'min' one an upper bound). Points not strictly better than the reference in
 * every objective contribute nothing; the result does not depend on the points' order.
 */
export function hypervolume(points: readonly (readonly number[])[], dirs: readonly Direction[], reference: readonly number[]): number {
  checkPoints(points, dirs, 'hypervolume');
  const inside = minimised(dirs, reference, 'hypervolume');
  const front: number[][] = [];
  for (const p of points) {
    const q = inside(p);
    if (q) addNonDominated(front, q);
  }
  return hso(front, reference.map((v, k) => (dirs[k] === 'max' ? -v : v)));
}

/**
 * The hypervolume of the first k points for k = 1..n (points in arrival order, e.g. children in the
 * order evaluated): non-decreasing. In 2-D each point's exclusive area is added to a kept staircase,
 * O(n) a point; otherwise the volume is recomputed whenever a point joins the front (a dominated
 * point leaves it unchanged).
 */
export function hypervolumeCurve(points: readonly (readonly number[])[], dirs: readonly Direction[], reference: readonly number[]): number[] {
  checkPoints(points, dirs, 'hypervolumeCurve');
  const inside = minimised(dirs, reference, 'hypervolumeCurve');
  const ref = reference.map((v, k) => (dirs[k] === 'max' ? -v : v));
  const out: number[] = [];
  let volume = 0;
  if (ref.length === 2) {
    const stairs: number[][] = []; // the front so far: x strictly ascending, y strictly descending
    for (const p of points) {
      const q = inside(p);
      if (q) volume += addToStairs(stairs, q, ref[0], ref[1]);
      out.push(volume);
    }
    return out;
  }
  const front: number[][] = [];
  for (const p of points) {
    const q = inside(p);
    if (q && addNonDominated(front, q)) volume = hso(front, ref);
    out.push(volume);
  }
  return out;
}

/** Puts q on the staircase (removing the points it dominates) and returns the area only it dominates. */
function addToStairs(stairs: number[][], q: number[], rx: number, ry: number): number {
  // start: the first step at or right of q; the step before it is the lowest one left of q.
  let lo = 0, hi = stairs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (stairs[mid][0] < q[0]) lo = mid + 1;
    else hi = mid;
  }
  const start = lo;
  const atX = start < stairs.length && stairs[start][0] === q[0] ? stairs[start] : undefined;
  if ((atX && atX[1] <= q[1]) || (start > 0 && stairs[start - 1][1] <= q[1])) return 0; // q is weakly dominated
  let end = start;
  while (end < stairs.length && stairs[end][1] >= q[1]) end++; // the steps q dominates
  // The area between q's height and the old staircase, from q rightwards until a step lies below q.
  let x = q[0];
  let h = start > 0 ? stairs[start - 1][1] : ry;
  let added = 0;
  for (let i = start; i < end; i++) {
    added += (stairs[i][0] - x) * (h - q[1]);
    x = stairs[i][0];
    h = stairs[i][1];
  }
  added += ((end < stairs.length ? stairs[end][0] : rx) - x) * (h - q[1]);
  stairs.splice(start, end - start, q);
  return added;
}
