import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GRID, PRE_STUDY_PROXY, SEARCH_DEFAULT_PROXY } from '../../src/fidelity/presets.js';
import { DEFAULT_PROXY } from '../../src/commands/search.js';
import { loadSpace } from '../../src/space/load.js';

// The study chose the default; the search's flags and the space files must not drift from it.
test('the search default is the measured f8 proxy: nas search defaults and the nasnet macros', () => {
  assert.deepEqual(SEARCH_DEFAULT_PROXY, { ...PRE_STUDY_PROXY, ...GRID.f8 });
  assert.deepEqual(DEFAULT_PROXY, {
    trainSize: SEARCH_DEFAULT_PROXY.trainImages, valSize: SEARCH_DEFAULT_PROXY.valImages, epochs: SEARCH_DEFAULT_PROXY.epochs,
    batchSize: SEARCH_DEFAULT_PROXY.batchSize, learningRate: SEARCH_DEFAULT_PROXY.learningRate, imageSize: SEARCH_DEFAULT_PROXY.imageSize,
  });
  for (const name of ['nasnet', 'nasnet-plus']) {
    const m = loadSpace(name).macro;
    assert.deepEqual([m.stemChannels, m.filters, m.cellsPerStage, m.reductions], [16, 8, 1, 2], name);
    assert.deepEqual([m.stemChannels, m.filters, m.cellsPerStage, m.reductions],
      [SEARCH_DEFAULT_PROXY.stemChannels, SEARCH_DEFAULT_PROXY.filters, SEARCH_DEFAULT_PROXY.cellsPerStage, SEARCH_DEFAULT_PROXY.reductions], name);
  }
  // The pre-study proxy is still in the grid, so a new study measures the old default too.
  assert.deepEqual({ ...PRE_STUDY_PROXY, ...GRID['f4-val500'] }, PRE_STUDY_PROXY);
  assert.equal(PRE_STUDY_PROXY.filters, 4);
});
