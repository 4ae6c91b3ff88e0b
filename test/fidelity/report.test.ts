/** The study report's statistics against values worked out by hand. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { studyPanels, studyReport } from '../../src/fidelity/report.js';
import { studyPlotSvg } from '../../src/export/study-plot.js';
import { PRE_STUDY_PROXY, DEFAULT_REFERENCE } from '../../src/fidelity/presets.js';
import type { StudyConfig } from '../../src/fidelity/study.js';
import type { ScoreRow, StudyCellRow } from '../../src/store/studies.js';

const config: StudyConfig = {
  dataset: 'default', datasetHash: 'x', datasetImages: 10000, datasetSide: 28, space: 'nasnet', spaceFile: 'nasnet.json',
  reference: DEFAULT_REFERENCE, seeds: [1, 2], backend: 'cpu', workers: 1, cells: { random: 5, seed: 1, baselines: false },
  estimators: [
    { name: 'proxy:same', kind: 'trained', fidelity: PRE_STUDY_PROXY },
    { name: 'proxy:reversed', kind: 'trained', fidelity: PRE_STUDY_PROXY },
    { name: 'params', kind: 'static' },
  ],
};
const cells: StudyCellRow[] = [1, 2, 3, 4, 5].map((id) => ({ id, studyId: 1, position: id, label: `random ${id}`, source: 'random', key: `k${id}`, genotype: { space: 'nas-bench-201', arch: '' } }));
const row = (cellId: number, estimator: string, seed: number, value: number | null, cpu = 10): ScoreRow => ({
  cellId, estimator, seed, status: value === null ? 'failed' : 'complete', value, cpuSeconds: cpu, seconds: cpu * 2, metrics: null, error: value === null ? 'diverged' : null,
});

test('identical, reversed and count estimators; seed spread; a failed reference cell is left out and counted', () => {
  // Reference: seed 1 = 0.80..0.84, seed 2 = +0.02 except cell 2 (+0.00); cell 5 failed at both seeds.
  const ref1 = [0.8, 0.81, 0.82, 0.83, null];
  const ref2 = [0.82, 0.81, 0.84, 0.85, null];
  const scores: ScoreRow[] = [];
  cells.forEach((c, i) => {
    scores.push(row(c.id, 'reference', 1, ref1[i], 600), row(c.id, 'reference', 2, ref2[i], 600));
    scores.push(row(c.id, 'proxy:same', 1, 0.5 + i / 100), row(c.id, 'proxy:same', 2, 0.5 + i / 100));
    scores.push(row(c.id, 'proxy:reversed', 1, 0.9 - i / 100), row(c.id, 'proxy:reversed', 2, 0.9 - i / 100 + (i === 0 ? 0.04 : 0)));
    scores.push(row(c.id, 'params', 1, [40, 10, 30, 20, 50][i], 0.1));
  });
  const r = studyReport(config, cells, scores);
  assert.equal(r.referenceCells, 4);
  assert.equal(r.referenceFailed, 1);
  const by = Object.fromEntries(r.estimators.map((e) => [e.name, e]));
  // Reference means 0.81, 0.81, 0.83, 0.84 (a tie): 'same' ranks 1 2 3 4 against 1.5 1.5 3 4.
  assert.equal(by['proxy:same'].n, 4);
  assert.equal(by['proxy:same'].missing, 0);
  // Rank deviations -1.5 -0.5 0.5 1.5 and -1 -1 0.5 1.5: Σ = 4.5, Σa² = 5, Σb² = 4.5 → ρ = 4.5 / √22.5.
  assert.ok(Math.abs(by['proxy:same'].rho - 4.5 / Math.sqrt(22.5)) < 1e-12, String(by['proxy:same'].rho));
  assert.equal(by['proxy:same'].bestInTop3, 2);
  assert.equal(by['proxy:same'].repeatRho, 1);
  assert.equal(by['proxy:same'].seedStd, 0);
  assert.equal(by['proxy:same'].cpuSecondsPerCell, 10);
  // Reversed: ρ = -that at seed 1; at seed 2 cell 1 rises to 0.94 (rank 4 of 4 stays: 0.94 > 0.89 > 0.88 > 0.87).
  assert.ok(Math.abs(by['proxy:reversed'].rho + 4.5 / Math.sqrt(22.5)) < 1e-12, String(by['proxy:reversed'].rho));
  // Seed spread: only cell 1 differs, by 4 points: std = 4/√2 over 1 of 4 cells → mean 0.7071.
  assert.ok(Math.abs(by['proxy:reversed'].seedStd - 4 / Math.SQRT2 / 4) < 1e-9, String(by['proxy:reversed'].seedStd));
  // The reference's own spread: cells 1, 3, 4 differ by 2 points (std √2), cell 2 by 0 → 3√2/4.
  assert.ok(Math.abs(by.reference.seedStd - (3 * Math.SQRT2) / 4) < 1e-9, String(by.reference.seedStd));
  // params 40 10 30 20 vs reference means 0.81 0.81 0.83 0.84: ranks 4 1 3 2 vs 1.5 1.5 3 4.
  const dp = [4 - 2.5, 1 - 2.5, 3 - 2.5, 2 - 2.5], dr = [1.5 - 2.5, 1.5 - 2.5, 3 - 2.5, 4 - 2.5];
  const expected = dp.reduce((s, d, i) => s + d * dr[i], 0) / Math.sqrt(dp.reduce((s, d) => s + d * d, 0) * dr.reduce((s, d) => s + d * d, 0));
  assert.ok(Math.abs(by.params.rho - expected) < 1e-12, `${by.params.rho} vs ${expected}`);
  assert.equal(by.params.seeds, 1);
  assert.equal(by.params.repeatRho, 1);
});

test('the study figure: the reference seed-vs-seed panel first, then best ρ first; one dot per cell scored at both', () => {
  const ref1 = [0.8, 0.81, 0.82, 0.83, null];
  const ref2 = [0.82, 0.81, 0.84, 0.85, null];
  const scores: ScoreRow[] = [];
  cells.forEach((c, i) => {
    scores.push(row(c.id, 'reference', 1, ref1[i]), row(c.id, 'reference', 2, ref2[i]));
    scores.push(row(c.id, 'proxy:same', 1, 0.5 + i / 100), row(c.id, 'proxy:same', 2, 0.5 + i / 100));
    scores.push(row(c.id, 'proxy:reversed', 1, 0.9 - i / 100), row(c.id, 'proxy:reversed', 2, null));
    if (i !== 3) scores.push(row(c.id, 'params', 1, [40, 10, 30, 20, 50][i]));
  });
  const report = studyReport(config, cells, scores);
  const panels = studyPanels(config, cells, scores, report);
  assert.deepEqual(panels.map((p) => p.report.name), ['reference', 'proxy:same', 'params', 'proxy:reversed']);
  assert.deepEqual(panels.map((p) => p.points.length), [4, 4, 3, 4]);
  // proxy:reversed has one seed of cell 1 only: its dot is that seed's value, not a mean with a missing one.
  assert.deepEqual(panels[3].points[0], { x: 0.9, y: 0.81 });
  const svg = studyPlotSvg('t', panels.map((p) => ({ name: p.report.name, subtitle: '', points: p.points, xIsAccuracy: p.report.kind !== 'static' })));
  assert.equal((svg.match(/<circle/g) ?? []).length, 15);
  assert.match(svg, /^<svg xmlns/);
});
