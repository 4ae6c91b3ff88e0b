import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GRID, PRE_STUDY_PROXY, SEARCH_DEFAULT_PROXY } from '../../src/fidelity/presets.js';
import { DEFAULT_PROXY } from '../../src/commands/search.js';
import { loadSpace } from '../../src/space/load.js';
import { taskFidelity } from '../../src/training/fidelity.js';

// The study chose the default; the search's flags and the space files must not drift from it.
test('the search default is the measured f8 proxy: nas search defaults and the nasnet macros', () => {
  assert.deepEqual(SEARCH_DEFAULT_PROXY, { ...PRE_STUDY_PROXY, ...GRID.f8 });
  // What a default search trains: its flags' defaults and the nasnet macro, as the worker reads them.
  assert.deepEqual(taskFidelity({ macro: loadSpace('nasnet').macro, proxy: DEFAULT_PROXY }), SEARCH_DEFAULT_PROXY);
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
