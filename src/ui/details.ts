/** Reads a trial and its ancestry for the details panel, caching finished trials (they no longer change). */
import type { Store } from '../store/store.js';
import type { TrialDetails } from './panels.js';

export function detailsReader(store: Store): (trialId: number) => TrialDetails | undefined {
  const cache = new Map<number, TrialDetails>();
  return (trialId) => {
    const hit = cache.get(trialId);
    if (hit) return hit;
    if (!store.getTrial(trialId)) return undefined;
    const ancestry = store.ancestry(trialId);
    const d = { trial: ancestry[0], ancestry };
    if (d.trial.status === 'complete' || d.trial.status === 'failed') cache.set(trialId, d);
    return d;
  };
}
