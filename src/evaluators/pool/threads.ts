/**
 * The worker-thread pools of nas (search children, study units, table chunks): a fixed number of
 * threads that live as long as the pool (no idle timeout: a thread keeps its loaded tfjs, spaces and
 * data) and take one task at a time (a training uses its thread fully).
 */
import { Piscina } from 'piscina';

export function fixedPool<In, Out>(worker: URL, threads: number, maxHeapMb?: number): Piscina<In, Out> {
  return new Piscina<In, Out>({
    filename: worker.href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 2 ** 31 - 1,
    concurrentTasksPerWorker: 1,
    ...(maxHeapMb === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } }),
  });
}
