import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPlotSvg } from '../../src/export/run-plot.js';
import type { TrialRow } from '../../src/store/types.js';

function trial(number: number, reward: number | null, baseline: string | null = null): TrialRow {
  return {
    id: 100 + number, runId: 1, number, key: `k${number}`, genotype: { space: 'nasnet', normal: [], reduce: [] }, status: reward === null ? 'failed' : 'complete',
    reward, metrics: null, params: null, multAdds: null, seconds: null, error: null, parentId: null, mutation: null, origin: baseline ? 'baseline' : 'random',
    baseline, worker: null, createdAt: '', finishedAt: null, rung: null,
  };
}

test('run plot: a dot per search trial, the best-so-far steps, baselines marked, replay curves', () => {
  const trials = [trial(1, 0.5), trial(2, 0.7), trial(3, 0.6), trial(4, null), trial(5, 0.8), trial(6, 0.75, 'resnet')];
  const svg = runPlotSvg({
    title: 'run 1',
    trials,
    replays: [{ label: 'trial 105', testAccuracy: 0.9, curve: [1, 2, 3].map((e) => ({ epoch: e, trainLoss: 1 / e, trainAccuracy: 0.6 + 0.1 * e, seconds: 1 })) }],
  });
  assert.equal((svg.match(/class="trial"/g) ?? []).length, 4, 'complete search trials only');
  assert.equal((svg.match(/class="baseline"/g) ?? []).length, 1);
  assert.match(svg, /data-baseline="resnet"[^>]*>.*>resnet</s);
  const best = /class="best-so-far"/.test(svg) ? /<path d="([^"]+)"[^>]*class="best-so-far"/.exec(svg)![1] : '';
  // Three improvements (0.5, 0.7, 0.8): M + (L across, L up) x 2 + final L to the last trial.
  assert.equal(best.split(/[ML]/).filter(Boolean).length, 1 + 2 * 2 + 1);
  assert.equal((svg.match(/class="replay"/g) ?? []).length, 1);
  assert.equal((svg.match(/class="test-accuracy"/g) ?? []).length, 1);
  assert.match(svg, /trial 105 \(test 90\.00%\)/);
  assert.equal((svg.match(/<g[ >]/g) ?? []).length, (svg.match(/<\/g>/g) ?? []).length);
});

test('run plot without replays has one panel; an empty run still renders', () => {
  const one = runPlotSvg({ title: 't', trials: [trial(1, 0.5)], replays: [] });
  assert.equal((one.match(/class="panel-title"/g) ?? []).length, 1);
  const empty = runPlotSvg({ title: 'empty', trials: [], replays: [] });
  assert.match(empty, /<svg/);
  assert.doesNotMatch(empty, /NaN/);
});

test('run plot of a multi-fidelity run: a dot per rung result, coloured by rung, promotions joined, one legend entry per rung', () => {
  const trials = [trial(1, 0.7), trial(2, 0.5), trial(3, 0.65)];
  const rungs = [
    { trialId: 101, rung: 0, reward: 0.6, label: '1 ep' }, { trialId: 102, rung: 0, reward: 0.5, label: '1 ep' }, { trialId: 103, rung: 0, reward: 0.55, label: '1 ep' },
    { trialId: 101, rung: 1, reward: 0.7, label: '3 ep' }, { trialId: 103, rung: 1, reward: null, label: '3 ep' },
  ];
  const svg = runPlotSvg({ title: 'run 2', trials, replays: [], rungs });
  assert.equal((svg.match(/class="rung"/g) ?? []).length, 4, 'a failed rung has no dot');
  assert.equal((svg.match(/data-rung="1"/g) ?? []).length, 1);
  assert.equal((svg.match(/class="trial"/g) ?? []).length, 0, 'the trials\' mixed-rung rewards are not drawn again');
  assert.doesNotMatch(svg, /best-so-far/);
  assert.match(svg, /rung 0: 1 ep/);
  assert.match(svg, /rung 1: 3 ep/);
});
