/** Objective specs, constraints and MnasNet's scalarised reward. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../src/core/errors.js';
import { asMaximised, mnasTargets, objectiveValues, parseObjectives, scalarised, violation } from '../../src/objectives/objectives.js';

test('parseObjectives: accuracy first, known names only, no repeats', () => {
  assert.deepEqual(parseObjectives('latency,accuracy'), ['accuracy', 'latency']);
  assert.deepEqual(parseObjectives('accuracy, params ,mult-adds'), ['accuracy', 'params', 'mult-adds']);
  for (const bad of ['accuracy,speed', 'latency', 'accuracy', 'accuracy,latency,latency', '']) assert.throws(() => parseObjectives(bad), UserError, bad);
});

test('objectiveValues reads the quiet latency before the in-search one; a missing value is undefined', () => {
  const lat = (ms: number) => ({ backend: 'cpu', batch: 1, threads: 1, ms, q1Ms: ms, q3Ms: ms, minMs: ms, runs: 5 });
  const metrics = { latency: lat(9), quietLatency: lat(4) } as never;
  assert.deepEqual(objectiveValues({ reward: 0.7, params: 100, multAdds: 2000, metrics }, ['accuracy', 'latency', 'params']), [0.7, 4, 100]);
  assert.equal(objectiveValues({ reward: 0.7, params: 100, multAdds: 2000, metrics: null }, ['accuracy', 'latency']), undefined);
  assert.deepEqual(asMaximised([0.7, 4, 100], ['accuracy', 'latency', 'params']), [0.7, -4, -100]);
});

test('violation names the broken constraint', () => {
  assert.equal(violation({ maxParams: 1000 }, { params: 999 }), undefined);
  assert.match(violation({ maxParams: 1000 }, { params: 1001 })!, /1,001 params > --max-params 1,000/);
  assert.match(violation({ maxLatencyMs: 2 }, { latencyMs: 2.5 })!, /2\.500 ms > --max-latency-ms 2/);
  assert.equal(violation({ maxLatencyMs: 2 }, { params: 5 }), undefined, 'latency not measured yet');
});

test('MnasNet reward: ACC × (LAT/T)^-0.07 (Tan et al. 2019, Eq. 2)', () => {
  // At the target the reward is the accuracy; twice as slow costs 2^-0.07 ≈ 4.7 %.
  assert.equal(scalarised([0.8, 10], ['accuracy', 'latency'], { latency: 10 }), 0.8);
  assert.ok(Math.abs(scalarised([0.8, 20], ['accuracy', 'latency'], { latency: 10 }) - 0.8 * 2 ** -0.07) < 1e-12);
  assert.ok(scalarised([0.8, 5], ['accuracy', 'latency'], { latency: 10 }) > 0.8);
  assert.deepEqual(mnasTargets({ names: ['accuracy', 'latency'], constraints: { maxLatencyMs: 7 } }, 'smbo'), { latency: 7 });
  assert.throws(() => mnasTargets({ names: ['accuracy', 'params'], constraints: {} }, 'reinforce'), /--max-params/);
  assert.throws(() => mnasTargets({ names: ['accuracy', 'cost'], constraints: {} }, 'smbo'), /no target/);
});
