/**
 * How long oneDNN's OpenMP threads spin before they sleep, set before libgomp loads (it reads its
 * environment once, when the addon brings it into the process). libgomp's default, 300,000 spins,
 * suits a machine the training has to itself; beside other work a thread of the team spins on a
 * core another process needs, the team waits for the descheduled one at every barrier, and a
 * two-thread training falls to a tenth of its speed. 10,000 spins cost nothing measurable when the
 * machine is quiet (9–12 % less CPU) and are 4–8× faster beside two busy trainings (docs/engine.md).
 * A value the user set (GOMP_SPINCOUNT or OMP_WAIT_POLICY) is left alone.
 *
 * Main thread only: a worker's process.env is its own copy, not the environment libgomp reads, and
 * the CLI imports this before it starts any worker.
 */
import { isMainThread } from 'node:worker_threads';

export const DEFAULT_SPINCOUNT = '10000';

if (isMainThread && process.env.GOMP_SPINCOUNT === undefined && process.env.OMP_WAIT_POLICY === undefined) {
  process.env.GOMP_SPINCOUNT = DEFAULT_SPINCOUNT;
}
