/**
 * Hardware-aware search end to end, with real worker threads and training: every child's latency
 * is measured and stored, the front `nas show --json` gives is non-dominated over the run's
 * children, the quiet pass re-times the front, `nas plot --pareto` draws it, and a constraint
 * refuses children before training without spending the budget on them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../../src/store/store.js';
import { dominates } from '../../src/objectives/pareto.js';
import { nas, tempDir, tinyWith } from './helpers.js';

const LATENCY = ['--latency-backend', 'cpu', '--latency-network', 'search', '--latency-runs', '5'];

test('--objectives accuracy,latency: latencies stored, a non-dominated front, a quiet pass, the front drawn', { timeout: 300_000 }, () => {
  const dir = tempDir();
  const db = join(dir, 'nas.db');
  const r = nas(['search', '--strategy', 'evolution', '--population', '3', '--sample', '2', '--budget', '6', '--objectives', 'accuracy,latency', ...LATENCY, '--workers', '2', '--db', db, ...tinyWith({})]);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /quiet latency of 6 children/, 'every child is re-timed quietly');
  const shown = JSON.parse(nas(['show', '1', '--json', '--db', db]).stdout) as { front: { names: string[]; hypervolume: number; members: Array<{ trialId: number; values: number[] }> } };
  assert.deepEqual(shown.front.names, ['accuracy', 'latency']);
  assert.ok(shown.front.hypervolume > 0);
  const store = Store.open(db, { readonly: true });
  try {
    const trials = store.trials(1).filter((t) => t.status === 'complete');
    assert.equal(trials.length, 6);
    for (const t of trials) {
      const l = t.metrics!.latency!;
      assert.equal(l.backend, 'cpu');
      assert.ok(l.ms > 0 && l.q1Ms <= l.ms && l.ms <= l.q3Ms, `trial ${t.id}: ${JSON.stringify(l)}`);
      const q = t.metrics!.quietLatency!;
      assert.ok(q.ms > 0 && q.runs === 2 * 5, `trial ${t.id} quiet: ${JSON.stringify(q)}`);
    }
    const point = (id: number) => {
      const t = trials.find((x) => x.id === id)!;
      return [t.reward!, (t.metrics!.quietLatency ?? t.metrics!.latency)!.ms];
    };
    const members = new Set(shown.front.members.map((m) => m.trialId));
    assert.ok(members.size >= 1);
    for (const id of members) {
      assert.ok(trials.find((t) => t.id === id)!.metrics!.quietLatency, `front member ${id} was re-timed quietly`);
      for (const other of trials) assert.ok(!dominates(point(other.id), point(id), ['max', 'min']), `trial ${other.id} dominates front member ${id}`);
    }
    // Every child off the front is dominated by a member.
    for (const t of trials.filter((x) => !members.has(x.id))) {
      assert.ok([...members].some((id) => dominates(point(id), point(t.id), ['max', 'min'])) || [...members].some((id) => point(id).every((v, i) => v === point(t.id)[i])), `trial ${t.id} is neither on the front nor dominated`);
    }
  } finally {
    store.close();
  }
  const svg = join(dir, 'front.svg');
  const p = nas(['plot', '--run', '1', '--pareto', '--out', svg, '--db', db]);
  assert.equal(p.status, 0, p.stderr);
  const text = readFileSync(svg, 'utf8');
  for (const id of shown.front.members.map((m) => m.trialId)) assert.match(text, new RegExp(`#${id}\\b`), `front member ${id} is labelled`);
  const hv = nas(['plot', '--hypervolume', '1', '--out', join(dir, 'hv.svg'), '--db', db]);
  assert.equal(hv.status, 0, hv.stderr);
  const final = Number(/run 1 evolution\t(?:[^\t]+\t)*?([\d.e+-]+)\t\d+\/6/.exec(hv.stdout)?.[1]);
  assert.ok(Math.abs(final - shown.front.hypervolume) / shown.front.hypervolume < 1e-3, `${hv.stdout} vs ${shown.front.hypervolume}`);
  const again = nas(['latency', '--run', '1', '--rounds', '2', '--db', db]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /quiet latency of 6 children/);
});

test('--max-params: children over it are refused before training, stored with why, and do not use up the budget', { timeout: 300_000 }, () => {
  const db = join(tempDir(), 'nas.db');
  // Tiny network: cells 0, one reduction. Params of random cells spread around this limit.
  const r = nas(['search', '--strategy', 'random', '--budget', '5', '--max-params', '12000', '--workers', '1', '--db', db, ...tinyWith({})]);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const store = Store.open(db, { readonly: true });
  try {
    const trials = store.trials(1);
    const refused = trials.filter((t) => t.error?.startsWith('rejected:'));
    const trained = trials.filter((t) => t.status === 'complete');
    assert.equal(trained.length, 5, 'the budget counts trained children only');
    for (const t of trained) assert.ok(t.params! <= 12000, `trial ${t.id} has ${t.params} params`);
    for (const t of refused) {
      assert.equal(t.status, 'failed');
      assert.ok(t.params! > 12000);
      assert.match(t.error!, /params > --max-params 12,000/);
      assert.ok(t.metrics!.seconds < 5, 'refused before training');
    }
    assert.ok(refused.length > 0, `some random cells break the limit (params: ${trials.map((t) => t.params).join(', ')})`);
  } finally {
    store.close();
  }
  assert.ok(existsSync(db));
});
