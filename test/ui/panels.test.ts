/** The text panels and the layout, as pure functions of a snapshot. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DashboardSnapshot, RewardPoint } from '../../src/ui/model.js';
import { budgetLine, eta, headerLine, logLines, workerLines } from '../../src/ui/panels.js';
import { rewardChart } from '../../src/ui/reward-chart.js';
import { computeLayout } from '../../src/ui/layout.js';
import { bar, fit, shortKey } from '../../src/ui/text.js';
import { themeFor } from '../../src/ui/theme.js';

function snap(over: Partial<DashboardSnapshot> = {}): DashboardSnapshot {
  return {
    runId: 4, status: 'running', strategy: 'evolution', space: 'nasnet', backend: 'cpu', workers: 2, budget: 200,
    startedAt: 0, now: 125_000, done: 50, failed: 2, best: 0.9123, spentSeconds: 0, recentFinishes: [],
    inFlight: [], rewards: [], top: [], failures: [], logs: [], paused: false, stopping: false, live: true, ...over,
  };
}

test('header: run, state, strategy, space, backend, workers, elapsed, ETA at the recent rate', () => {
  // 11 finishes 2 s apart: 2 s per child, 150 left -> 5 minutes.
  const s = snap({ recentFinishes: Array.from({ length: 11 }, (_, i) => 100_000 + 2000 * i) });
  assert.equal(eta(s), '5m00s');
  assert.equal(headerLine(s, 200), 'run 4 [running] · evolution · nasnet · cpu · 2 workers · up 2m05s · ETA 5m00s');
  assert.match(headerLine({ ...s, paused: true }, 200), /^run 4 \[paused\]/);
  assert.match(headerLine({ ...s, stopping: true }, 200), /^run 4 \[stopping\]/);
  assert.equal(eta({ ...s, status: 'complete' }), '-');
  assert.equal(eta(snap()), '-', 'no rate before two finishes');
  assert.equal(headerLine(s, 30).length, 30);
});

test('budget bar: trials, or simulated seconds when that budget is further along', () => {
  const line = budgetLine(snap(), 80);
  assert.match(line, /^budget █+░+ 50\/200 25%  best 91\.23%  failed 2$/);
  assert.ok(line.length <= 80);
  const filled = (line.match(/█/g) ?? []).length;
  assert.equal(filled, Math.round((filled + (line.match(/░/g) ?? []).length) / 4), 'a quarter full');
  assert.match(budgetLine(snap({ budgetSeconds: 1000, spentSeconds: 600 }), 100), / 50\/200 60% 10m00s\/16m40s /);
});

test('worker rows: 1-based epoch and batch fill the bar, images/s; overflow is summarised', () => {
  const p = (trialId: number, epoch: number, batch: number) => ({
    trialId, key: `k${trialId}`, parentId: null,
    progress: { trialId, worker: `w${trialId}`, epoch, epochs: 2, batch, batches: 10, loss: 1, imagesPerSec: 321.6 },
  });
  const [half] = workerLines(snap({ inFlight: [p(7, 1, 10)] }), 80, 3);
  assert.match(half, /^w7\s+#7\s+[0-9a-f]{8} █+░+ ep 1\/2 b 10\/10 322 img\/s/);
  const filled = (half.match(/█/g) ?? []).length;
  assert.equal(filled, (half.match(/░/g) ?? []).length, 'epoch 1 of 2 done = half');
  assert.ok(half.includes(shortKey('k7')));
  const [full] = workerLines(snap({ inFlight: [p(8, 2, 10)] }), 80, 3);
  assert.doesNotMatch(full, /░/);
  const many = workerLines(snap({ inFlight: [p(1, 1, 1), p(2, 1, 1), p(3, 1, 1), p(4, 1, 1)] }), 80, 2);
  assert.equal(many.length, 2);
  assert.match(many[1], /… and 3 more in flight/);
  assert.match(workerLines(snap({ inFlight: [{ trialId: 9, key: 'x', parentId: null }] }), 80, 2)[0], /#9 .* starting…/);
  assert.match(workerLines(snap({ paused: true }), 80, 2)[0], /^paused/);
});

test('reward chart: one dot per trial, B for baselines, the best-so-far line never goes down', () => {
  const pts: RewardPoint[] = [
    { trialId: 1, reward: 0.9, baseline: 'resnet' },
    ...[0.5, 0.6, 0.55, 0.7, 0.65, 0.8, 0.75].map((r, i) => ({ trialId: i + 2, reward: r, baseline: null })),
  ];
  const lines = rewardChart(pts, 40, 9);
  assert.equal(lines.length, 9);
  for (const l of lines) assert.equal(l.length, 40);
  const plot = lines.slice(0, -1).map((l) => l.split('│')[1]);
  assert.equal(plot.join('').split('B').length - 1, 1, 'one baseline mark');
  assert.equal(plot.join('').split('•').length - 1, 7, 'seven trial dots');
  assert.match(lines[0], /^ +90\.0% │B/, 'top label is the max, the baseline sits on it');
  assert.match(lines[lines.length - 2], /^ +50\.0% │/);
  // The best-so-far (search trials only: the baseline's 90% does not count) climbs column by column.
  let lastRow = Infinity;
  for (let c = 1; c < 8; c++) {
    const row = plot.findIndex((r) => r[c] === '─' || r[c] === '•');
    assert.ok(row >= 0 && row <= lastRow, `column ${c}`);
    lastRow = row;
  }
  assert.match(lines[8], /└ 1 … 8 in finish order/);
  // More trials than columns: squeezed, still exactly the asked size.
  const manyLines = rewardChart(Array.from({ length: 500 }, (_, i) => ({ trialId: i, reward: Math.sin(i) * 0.1 + 0.5, baseline: null })), 30, 6);
  assert.deepEqual(manyLines.map((l) => l.length), Array(6).fill(30));
  assert.match(rewardChart([], 40, 5).join('\n'), /no finished trials yet/);
});

test('log panel: failures keep up to half the rows however chatty the log', () => {
  const s = snap({
    failures: [{ trialId: 3, error: 'training diverged: loss is NaN' }, { trialId: 5, error: 'out of memory' }],
    logs: Array.from({ length: 10 }, (_, i) => `log ${i}`),
  });
  const rows = logLines(s, 60, 4);
  assert.deepEqual(rows.map((r) => r.text.trim()), ['trial 3 failed: training diverged: loss is NaN', 'trial 5 failed: out of memory', 'log 8', 'log 9']);
  assert.deepEqual(rows.map((r) => r.failure), [true, true, false, false]);
});

test('layout fits the terminal with a spare line, from 80×24 up, and adapts on resize', () => {
  for (const [c, r] of [[80, 24], [100, 30], [120, 40], [200, 60], [40, 16]]) {
    const L = computeLayout(c, r, 2, 2);
    const used = 2 + L.workers + 1 + L.middle + 1 + L.details + L.logs + 1;
    assert.equal(used, r - 1, `${c}×${r}`);
    assert.equal(L.chartWidth + 1 + L.tableWidth, L.width);
    assert.ok(L.middle >= 4 && L.details >= 2 && L.logs >= 1);
  }
  assert.equal(computeLayout(120, 40, 2, 2).middle, 11, 'a full top 10 when tall enough');
  assert.equal(computeLayout(80, 24, 2, 2).tableWidth, 44, 'all table columns at 80 wide');
  assert.ok(computeLayout(120, 40, 2, 2).sideBySideDetails);
  assert.ok(!computeLayout(80, 24, 2, 2).sideBySideDetails);
});

test('NO_COLOR turns every colour off; text helpers cut and pad exactly', () => {
  assert.deepEqual(themeFor({ NO_COLOR: '1' }), {});
  assert.equal(themeFor({}).accent, 'cyan');
  assert.equal(themeFor({ NO_COLOR: '' }).accent, 'cyan', 'an empty NO_COLOR does not count (no-color.org)');
  assert.equal(fit('abcdef', 4), 'abc…');
  assert.equal(fit('ab', 4), 'ab  ');
  assert.equal(bar(0.5, 4), '██░░');
  assert.equal(bar(NaN, 3), '░░░');
  assert.equal(shortKey('abc'), shortKey('abc'));
  assert.notEqual(shortKey('abc'), shortKey('abd'));
});
