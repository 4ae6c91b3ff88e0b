/** `nas baselines --run RUN` goes through the search loop: baseline trials stored and told to the strategy, the run's status kept, a second call skips them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Store } from '../../src/store/store.js';
import { nas, tempDir, TINY } from './helpers.js';

test('nas baselines trains through the loop, seeds the run\'s strategy, keeps the run complete, and skips what it trained', { timeout: 300_000 }, () => {
  const db = join(tempDir(), 'nas.db');
  const search = nas(['search', '--budget', '2', '--population', '4', '--sample', '2', '--workers', '2', '--db', db, ...TINY]);
  assert.equal(search.status, 0, search.stderr + search.stdout);
  const before = Store.open(db, { readonly: true });
  const population = (s: Store) => ((s.loadStrategyState(1) as { population: Array<{ trialId: number }> }).population.length);
  const p0 = population(before);
  before.close();

  const r = nas(['baselines', '--run', '1', '--only', 'resnet,vgg', '--db', db]);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^resnet: reward \d+\.\d\d%/m);
  assert.match(r.stdout, /^vgg: reward \d+\.\d\d%/m);
  const after = Store.open(db, { readonly: true });
  try {
    const trials = after.trials(1);
    assert.deepEqual(trials.filter((t) => t.baseline).map((t) => [t.baseline, t.status]).sort(), [['resnet', 'complete'], ['vgg', 'complete']]);
    assert.equal(trials.filter((t) => !t.baseline).length, 2, 'no new search children');
    assert.equal(population(after), p0 + 2, 'the baselines joined the evolution population');
    assert.equal(after.getRun(1)!.status, 'complete', 'the run keeps its status');
  } finally {
    after.close();
  }
  const again = nas(['baselines', '--run', '1', '--only', 'resnet', '--db', db]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /resnet: already trained in run 1, skipped/);
});
