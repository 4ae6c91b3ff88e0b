/**
 * `nas search` end to end, as a user runs it: real worker threads training real tfjs children on
 * the embedded Fashion-MNIST subset, a real SQLite file, then `nas runs` and `nas show`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Store } from '../../src/store/store.js';
import { nas, tempDir, TINY, tinyWith } from './helpers.js';

test('a small evolution search on two workers trains every child, records lineage, and shows its best cell', () => {
  const db = join(tempDir(), 'nas.db');
  const r = nas(['search', '--strategy', 'evolution', '--budget', '8', '--population', '4', '--sample', '2', '--workers', '2', '--db', db, ...TINY]);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /backend: cpu/);
  assert.equal(r.stdout.split('\n').filter((l) => /^\[\s*\d+\/8\] trial \d+ reward/.test(l)).length, 8, r.stdout);
  // Rewards are percentages on every line, the last one too.
  assert.match(r.stdout, /^run 1 complete: 8 complete, 0 failed; best trial \d+ reward \d+\.\d\d%: /m);
  assert.doesNotMatch(r.stdout, /reward 0\.\d{4}/);

  const store = Store.open(db, { readonly: true });
  const trials = store.trials(1);
  assert.equal(trials.length, 8);
  assert.ok(trials.every((t) => t.status === 'complete'), JSON.stringify(trials.map((t) => [t.status, t.error])));
  // Above chance (10 classes) for most children even on this tiny proxy.
  assert.ok(trials.filter((t) => (t.reward ?? 0) > 0.2).length >= 4, trials.map((t) => t.reward).join(' '));
  assert.ok(trials.every((t) => (t.params ?? 0) > 0 && (t.multAdds ?? 0) > 0 && t.metrics!.imagesPerSec > 0));
  assert.equal(new Set(trials.map((t) => t.metrics!.worker)).size, 2, 'both workers trained children');
  const mutants = trials.filter((t) => t.parentId !== null);
  assert.equal(mutants.length, 4);
  assert.ok(mutants.every((t) => t.mutation && ['op', 'input'].includes(t.mutation.kind)));
  assert.equal(store.getRun(1)!.status, 'complete');
  store.close();

  const runs = nas(['runs', '--db', db]);
  assert.equal(runs.status, 0, runs.stderr);
  assert.match(runs.stdout, /^1\s+complete\s+evolution\s+nasnet/m);
  const show = nas(['show', '1', '--db', db]);
  assert.equal(show.status, 0, show.stderr);
  assert.match(show.stdout, /best trial \d+ \(reward [\d.]+%\)/);
  assert.match(show.stdout, /normal cell:\n {4}b0 = \w+\(/);
  assert.match(show.stdout, /ancestry of trial \d+/);
});

test('a child that cannot train (NaN loss) becomes a failed trial and the search goes on', () => {
  const db = join(tempDir(), 'nas.db');
  const r = nas(['search', '--strategy', 'random', '--budget', '3', '--workers', '1', '--db', db, ...tinyWith({ '--lr': '1e30' })]);
  assert.equal(r.status, 0, r.stderr);
  const store = Store.open(db, { readonly: true });
  const trials = store.trials(1);
  assert.equal(trials.length, 3);
  assert.ok(trials.every((t) => t.status === 'failed' && /NaN|Infinity|not finite/i.test(t.error ?? '')), JSON.stringify(trials.map((t) => t.error)));
  assert.equal(store.getRun(1)!.status, 'complete');
  store.close();
});
