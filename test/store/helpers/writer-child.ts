/**
 * A search-like writer for the crash and concurrency tests, run as a child process:
 *   NAS_STORE_CHILD=1 node writer-child.js <db> <runId|new> [maxTrials]
 * Each step finishes the trial in flight and starts the next in ONE transaction (as the search
 * loop does), saving the strategy state and a curve point with it, and only then prints
 * "committed <trialId>". Runs until killed or maxTrials. Inert without NAS_STORE_CHILD (the test
 * runner executes every .js under test/).
 */
import { writeSync } from 'node:fs';
import { Store } from '../../../src/store/store.js';
import { complete, genotype, runConfig } from './fixtures.js';

if (process.env.NAS_STORE_CHILD === '1') main(process.argv[2], process.argv[3], Number(process.argv[4] ?? Infinity));

function main(file: string, runArg: string, maxTrials: number): void {
  const store = Store.open(file);
  const runId = runArg === 'new' ? store.createRun(runConfig()).id : Number(runArg);
  writeSync(1, `run ${runId}\n`);
  // Resume as the search does: whatever was in flight when the last process died runs again.
  let inFlight = store.trials(runId, { status: 'running' })[0];
  if (store.markInterrupted(runId) > 0 && inFlight) store.restartTrial(inFlight.id);
  inFlight ??= store.addTrial({ runId, genotype: genotype(0), key: 'g0', origin: 'random' });
  for (let i = store.countTrials(runId); i <= maxTrials; i++) {
    const finished: number = inFlight.id;
    inFlight = store.transaction(() => {
      // addTrial first: it reads (the run must exist) before it writes, as the search loop's does.
      const next = store.addTrial({ runId, genotype: genotype(i + 1), key: `g${i + 1}`, origin: 'mutation', parentId: finished, mutation: { kind: 'op', detail: `step ${i}` } });
      store.finishTrial(finished, complete(finished, (finished % 97) / 100));
      store.addCurvePoint({ trialId: finished }, { epoch: 1, trainLoss: 1, trainAccuracy: 0.5, seconds: 1 });
      // A strategy state of realistic size (a population of 50 genotypes) so writes take time.
      store.saveStrategyState(runId, { step: i, population: Array.from({ length: 50 }, (_, k) => genotype(i + k)) });
      return next;
    });
    writeSync(1, `committed ${finished}\n`);
  }
  store.close();
}
