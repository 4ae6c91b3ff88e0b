/**
 * Calls `fn` at most once every `ms` milliseconds, counted from `since` (default: now) and then
 * from the last call; `force` calls it regardless (and restarts the count). For the progress a
 * training thread posts from its batch hook, which runs far more often than anyone reads.
 */
export function throttled<T>(ms: number, fn: (x: T) => void, since = performance.now()): (x: T, force?: boolean) => void {
  let last = since;
  return (x, force = false) => {
    const now = performance.now();
    if (!force && now - last < ms) return;
    last = now;
    fn(x);
  };
}
