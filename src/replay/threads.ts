/**
 * How a long training spends T threads. They go to data parallelism first
 * (src/training/replicas/): R replicas, each with its own core, each computing a shard of every
 * batch; the threads left over go to each replica's engine (oneDNN's intra-op threads), which pay
 * little on this project's networks (docs/engine.md, "Threads: data-parallel replicas"). A shard
 * keeps at least MIN_SHARD images, so that its batch norm still sees a batch (each shard is
 * normalised with its own statistics). A replay without --threads uses every core; the count
 * decides the shards, so it is stored with the replay and a resume keeps it.
 */

/** The fewest images a data-parallel shard gets. */
export const MIN_SHARD = 16;

/** Backends whose training can run as data-parallel replicas (the engine's; libtensorflow threads itself). */
export const DATA_PARALLEL_BACKENDS: readonly string[] = ['onednn', 'cpu', 'cpu-stock'];

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
