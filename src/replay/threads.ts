/**
 * How a long training uses T engine threads, and how many it should use, found by timing it.
 *
 * T threads are spent as data parallelism first (src/training/replicas/): R replicas, each with its
 * own core, each computing a shard of every batch; the threads left over go to each replica's
 * engine (oneDNN's intra-op threads). Intra-op threads alone do not pay on this project's networks:
 * on the 2-core machines the NASNet-A cell at replay size trained at 77 images/s on one oneDNN
 * thread and 60 on two, since every op but the convolutions runs in JavaScript on one thread and the
 * convolutions are small. A shard keeps at least MIN_SHARD images, so that its batch norm still
 * sees a batch (each shard is normalised with its own statistics).
 *
 * With no --threads the replay times a few training steps of a throwaway copy of the network at
 * 1, 2, 4, … and all cores, and keeps the fastest. The copy leaves the real network's weights,
 * statistics and random streams untouched, so the replay trains exactly as it would with that count
 * given by --threads.
 */

/** The fewest images a data-parallel shard gets. */
export const MIN_SHARD = 16;

export interface ThreadPlan {
  /** Data-parallel replicas (1: this thread alone). */
  replicas: number;
  /** Engine threads of each replica. */
  engineThreads: number;
}

/** How T threads train batches of `batchSize`: as many replicas as the shards allow, the rest as engine threads. */
export function threadPlan(threads: number, batchSize: number): ThreadPlan {
  const replicas = Math.max(1, Math.min(threads, Math.floor(batchSize / MIN_SHARD)));
  return { replicas, engineThreads: Math.max(1, Math.floor(threads / replicas)) };
}

export interface ThreadRate {
  threads: number;
  imagesPerSec: number;
}

/** 1, 2, 4, … below max, then max. */
export function threadCandidates(max: number): number[] {
  const out: number[] = [];
  for (let n = 1; n < max; n *= 2) out.push(n);
  out.push(max);
  return out;
}

/** Times each candidate (`time` trains a throwaway copy at that count); returns the fastest and every rate. */
export async function probeThreads(maxThreads: number, time: (threads: number) => Promise<number>): Promise<{ threads: number; rates: ThreadRate[] }> {
  const rates: ThreadRate[] = [];
  for (const threads of threadCandidates(maxThreads)) rates.push({ threads, imagesPerSec: await time(threads) });
  const best = rates.reduce((a, b) => (b.imagesPerSec > a.imagesPerSec ? b : a));
  return { threads: best.threads, rates };
}
