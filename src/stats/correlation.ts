/**
 * Rank correlations between an estimator's scores and a reference (e.g. trained accuracy), as
 * zero-cost NAS papers report them (Abdelfattah et al. 2021, "Zero-Cost Proxies for Lightweight
 * NAS", ICLR: Spearman ρ, Kendall τ, τ among the top 10 % of the reference).
 *
 * Every function takes two equally long samples (±Infinity is fine: it only has to rank) and
 * returns NaN when either holds a NaN: callers drop the pairs an estimator could not score first,
 * and report how many.
 */

/** False (after checking the lengths) when a NaN makes the statistic undefined. */
function usable(a: readonly number[], b: readonly number[], what: string): boolean {
  if (a.length !== b.length) throw new Error(`${what}: samples differ in length (${a.length} vs ${b.length})`);
  for (let i = 0; i < a.length; i++) if (Number.isNaN(a[i]) || Number.isNaN(b[i])) return false;
  return true;
}

/** Ranks of xs (1-based, ascending), ties given their average rank. */
export function ranks(xs: readonly number[]): number[] {
  const idx = xs.map((_, i) => i).sort((a, b) => (xs[a] < xs[b] ? -1 : xs[a] > xs[b] ? 1 : 0));
  const r = new Array<number>(xs.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && xs[idx[j + 1]] === xs[idx[i]]) j++;
    for (let k = i; k <= j; k++) r[idx[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/**
 * Spearman's ρ (Spearman 1904): Pearson's correlation of the average ranks, which handles ties.
 * NaN when there are fewer than 2 points or a sample is constant.
 */
export function spearman(a: readonly number[], b: readonly number[]): number {
  if (!usable(a, b, 'spearman') || a.length < 2) return NaN;
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (a.length + 1) / 2;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = ra[i] - mean, db = rb[i] - mean;
    sab += da * db; saa += da * da; sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? NaN : sab / Math.sqrt(saa * sbb);
}

/** Σ t(t-1)/2 over the runs of t adjacent equal entries of `order` (`same` says when two are equal). */
function tiedPairs(order: readonly number[], same: (i: number, j: number) => boolean): number {
  let pairs = 0;
  for (let i = 0; i < order.length; ) {
    let j = i + 1;
    while (j < order.length && same(order[i], order[j])) j++;
    const t = j - i;
    pairs += (t * (t - 1)) / 2;
    i = j;
  }
  return pairs;
}

/** Sorts `order` by b[] (stable merge sort) and returns the number of strict inversions it undid. */
function mergeCountInversions(order: number[], b: readonly number[]): number {
  let swaps = 0;
  let src = order.slice();
  let dst = new Array<number>(order.length);
  for (let width = 1; width < src.length; width *= 2) {
    for (let lo = 0; lo < src.length; lo += 2 * width) {
      const mid = Math.min(lo + width, src.length);
      const hi = Math.min(lo + 2 * width, src.length);
      let i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        if (b[src[i]] <= b[src[j]]) dst[k++] = src[i++];
        else {
          swaps += mid - i; // src[j] jumps over every remaining left element, each strictly larger
          dst[k++] = src[j++];
        }
      }
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    [src, dst] = [dst, src];
  }
  for (let i = 0; i < order.length; i++) order[i] = src[i];
  return swaps;
}

/**
 * Kendall's τ-b (Kendall 1945, the tie-corrected τ): (C − D) / √((n0 − n1)(n0 − n2)) with n0 = n(n−1)/2
 * and n1, n2 the pairs tied in a, in b. O(n log n) by Knight's algorithm (Knight 1966, "A computer
 * method for calculating Kendall's tau with ungrouped data", JASA 61): sort by (a, b), then count
 * the swaps a merge sort by b makes; C − D = n0 − n1 − n2 + n3 − 2·swaps, n3 the pairs tied in both.
 * NaN when fewer than 2 points or a sample is constant.
 */
export function kendallTauB(a: readonly number[], b: readonly number[]): number {
  if (!usable(a, b, 'kendallTauB') || a.length < 2) return NaN;
  const n = a.length;
  const order = a.map((_, i) => i).sort((i, j) => (a[i] < a[j] ? -1 : a[i] > a[j] ? 1 : b[i] < b[j] ? -1 : b[i] > b[j] ? 1 : 0));
  const n0 = (n * (n - 1)) / 2;
  const n1 = tiedPairs(order, (i, j) => a[i] === a[j]);
  const n3 = tiedPairs(order, (i, j) => a[i] === a[j] && b[i] === b[j]);
  const swaps = mergeCountInversions(order, b);
  const n2 = tiedPairs(order, (i, j) => b[i] === b[j]);
  if (n0 === n1 || n0 === n2) return NaN;
  return (n0 - n1 - n2 + n3 - 2 * swaps) / Math.sqrt((n0 - n1) * (n0 - n2));
}

/** Indices of the cells whose reference value is among the top fraction q (ties at the cut all kept). */
export function topIndices(ref: readonly number[], q: number): number[] {
  if (!(q > 0 && q <= 1)) throw new Error(`top fraction must be in (0, 1], got ${q}`);
  if (ref.length === 0) return [];
  const sorted = [...ref].sort((x, y) => y - x);
  const cut = sorted[Math.max(0, Math.ceil(q * ref.length) - 1)];
  return ref.flatMap((v, i) => (v >= cut ? [i] : []));
}

/**
 * Kendall's τ-b among the cells whose reference value is in the top fraction q
 * (e.g. 0.1: Abdelfattah et al. 2021's "top-10 %" τ): does the estimator order the good cells?
 */
export function topKendall(est: readonly number[], ref: readonly number[], q: number): number {
  if (!usable(est, ref, 'topKendall')) return NaN;
  const idx = topIndices(ref, q);
  return kendallTauB(idx.map((i) => est[i]), idx.map((i) => ref[i]));
}

/**
 * Where the reference's best cell lands in the estimator's order: 1 + the number of cells the
 * estimator scores strictly higher, plus half of those it scores the same (average rank, 1 = best).
 * The first best is taken when several share the reference's maximum.
 */
export function rankOfBest(est: readonly number[], ref: readonly number[]): number {
  if (!usable(est, ref, 'rankOfBest') || ref.length === 0) return NaN;
  let best = 0;
  for (let i = 1; i < ref.length; i++) if (ref[i] > ref[best]) best = i;
  let higher = 0, same = 0;
  for (let i = 0; i < est.length; i++) {
    if (i === best) continue;
    if (est[i] > est[best]) higher++;
    else if (est[i] === est[best]) same++;
  }
  return 1 + higher + same / 2;
}

/** True when the reference's best cell is in the estimator's top k (rankOfBest ≤ k). */
export function bestInTopK(est: readonly number[], ref: readonly number[], k: number): boolean {
  return rankOfBest(est, ref) <= k;
}

/**
 * A 95 % interval for Spearman's ρ by Fisher's z with the variance 1.06 / (n − 3) of Fieller,
 * Hartley & Pearson (1957, "Tests for rank correlation coefficients. I", Biometrika 44).
 * [NaN, NaN] for n ≤ 3 or ρ NaN; [±1, ±1] for |ρ| = 1.
 */
export function spearmanInterval(rho: number, n: number, z = 1.959963984540054): [number, number] {
  if (!Number.isFinite(rho) || n <= 3) return [NaN, NaN];
  if (Math.abs(rho) >= 1) return [rho, rho];
  const centre = Math.atanh(rho);
  const half = z * Math.sqrt(1.06 / (n - 3));
  return [Math.tanh(centre - half), Math.tanh(centre + half)];
}
