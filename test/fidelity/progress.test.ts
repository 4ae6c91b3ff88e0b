import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainingLine } from '../../src/fidelity/study.js';
import type { StudyCellRow } from '../../src/store/studies.js';

const unit = { cell: { label: 'run 3 trial 7' } as StudyCellRow, estimator: { name: 'reference', kind: 'trained' as const }, seed: 1 };

test('a long training\'s progress line: where it is, its speed, and the time left from the share done so far', () => {
  // Half of epoch 2 of 4 is 3/8 done after 300 s: 500 s left.
  assert.equal(trainingLine(unit, { epoch: 2, epochs: 4, batch: 50, batches: 100, imagesPerSec: 94.6 }, 300),
    '  … reference seed 1 run 3 trial 7: epoch 2/4, batch 50/100, 95 img/s, ≈ 8m20s left');
  assert.equal(trainingLine(unit, { epoch: 3, epochs: 3, batch: 938, batches: 938, imagesPerSec: 120 }, 3600),
    '  … reference seed 1 run 3 trial 7: epoch 3/3, batch 938/938, 120 img/s, ≈ 0.0s left');
});
