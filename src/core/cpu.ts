/** CPU time of the calling thread (Linux /proc/thread-self), for costs that another thread's work must not inflate. */
import { readFileSync } from 'node:fs';

/** Milliseconds of CPU this thread has used, or undefined where /proc/thread-self is missing. */
export function threadCpuMs(): number | undefined {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
}
