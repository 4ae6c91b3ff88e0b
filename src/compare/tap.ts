/**
 * The store as a comparison's replay sees it. trainPrepared (src/replay/replay.ts) has no hooks for
 * the two moments a comparison must act in, but it writes both through the store: it creates its
 * replay row with addReplay (the comparison links its entry to it in the same transaction, so a kill
 * can never leave a replay the comparison does not know), and it records each epoch's curve point
 * right after that epoch's checkpoint (the weights are then exactly the epoch's: the comparison
 * scores the test split there, for the survey's test curves). Everything else goes to the store as is.
 */
import type { Store } from '../store/store.js';
import type { PreparedReplay } from '../replay/replay.js';
import { evaluate } from '../training/evaluate.js';

export function tapStore(store: Store, entryId: number, p: PreparedReplay): Store {
  // A resumed replay first re-records the curve its checkpoint holds (epochs 1..start), with the
  // weights of epoch `start`: only that epoch can be scored then, and only if it was not already.
  const start = p.meta?.epoch ?? 0;
  const tapped = Object.create(store) as Store;
  tapped.addReplay = (r) =>
    store.transaction(() => {
      const row = store.addReplay(r);
      store.comparisons.linkReplay(entryId, row.id);
      return row;
    });
  tapped.addCurvePoint = (owner, point) => {
    store.addCurvePoint(owner, point);
    const replayId = owner.replayId;
    if (replayId === undefined || point.epoch < start) return;
    if (point.epoch === start && store.comparisons.testPoints(replayId).some((q) => q.epoch === start)) return;
    const scored = evaluate(p.built.model, { ...p.ds.test, norm: p.norm }, 256);
    store.comparisons.addTestPoint(replayId, { epoch: point.epoch, testLoss: scored.loss, testAccuracy: scored.accuracy });
  };
  return tapped;
}
