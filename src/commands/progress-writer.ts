/**
 * Writes worker progress into the store, at most once a second per worker, so that a dashboard
 * attached from another terminal sees what each worker is doing without slowing the search.
 */
import type { TrialProgress } from '../evaluators/types.js';
import type { Store } from '../store/store.js';

const INTERVAL_MS = 1000;

export function workerProgressWriter(store: Store, runId: number) {
  const last = new Map<string, number>();
  const pending = new Map<string, TrialProgress>();
  const byTrial = new Map<number, string>();
  const put = (p: TrialProgress) => {
    store.setWorkerProgress({ ...p, runId });
    last.set(p.worker, Date.now());
    pending.delete(p.worker);
  };
  // A held-back update is written within a second even if no further message comes.
  const timer = setInterval(() => {
    for (const p of [...pending.values()]) if (Date.now() - (last.get(p.worker) ?? 0) >= INTERVAL_MS) put(p);
  }, INTERVAL_MS);
  timer.unref();
  return {
    write(p: TrialProgress): void {
      byTrial.set(p.trialId, p.worker);
      if (Date.now() - (last.get(p.worker) ?? 0) >= INTERVAL_MS) put(p);
      else pending.set(p.worker, p);
    },
    clear(trialId: number): void {
      const worker = byTrial.get(trialId);
      byTrial.delete(trialId);
      if (worker) {
        pending.delete(worker);
        store.clearWorkerProgress(runId, worker);
      }
    },
    flush(): void {
      clearInterval(timer);
      pending.clear();
      store.clearWorkerProgress(runId);
    },
  };
}
