/**
 * How a data-parallel step splits a batch and joins its gradients: pure functions, the same for
 * every thread count, so a run is reproducible for a given count.
 */

/** Sizes of the shards of a batch of `n` over `replicas`: as equal as can be, larger ones first, none empty. */
export function shardSizes(n: number, replicas: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw new Error(`batch of ${n} images`);
  const r = Math.min(replicas, n);
  const base = Math.floor(n / r);
  return Array.from({ length: r }, (_, i) => base + (i < n % r ? 1 : 0));
}

/** Start of each variable in one flat array of all of them (and the total, last). */
export function flatOffsets(sizes: readonly number[]): number[] {
  const out = [0];
  for (const s of sizes) out.push(out[out.length - 1] + s);
  return out;
}

/**
 * The batch's mean gradient of one variable from its shards' mean gradients: Σ_r (n_r / n) · g_r,
 * summed in shard order in double precision, rounded once. `parts[r]` holds shard r's values.
 */
export function joinShards(parts: readonly ArrayLike<number>[], sizes: readonly number[], out: Float32Array): Float32Array {
  const n = sizes.reduce((a, b) => a + b, 0);
  const w = sizes.map((s) => s / n);
  for (let j = 0; j < out.length; j++) {
    let acc = 0;
    for (let r = 0; r < parts.length; r++) acc += w[r] * parts[r][j];
    out[j] = acc;
  }
  return out;
}
