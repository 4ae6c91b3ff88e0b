/**
 * A real run for the dashboard tests: the real search loop (regularized evolution) over the
 * vendored NAS-Bench-201 table, with every 4th table row's reward blanked so that some children
 * really fail (with the table evaluator's own error), and one baseline trained first.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataDir } from '../../src/core/paths.js';
import type { SearchEvent } from '../../src/search/events.js';
import { createTableEvaluator, loadTable } from '../../src/evaluators/table/table.js';
import { runSearch, type SearchControl, type SearchOutcome } from '../../src/search/loop.js';
import { loadSpace } from '../../src/space/load.js';
import { createStrategy } from '../../src/strategies/index.js';
import { Store } from '../../src/store/store.js';
import type { RunConfig } from '../../src/store/types.js';

export const NB201_CSV = join(dataDir, 'nas-bench-201', 'nb201-12epoch.csv');
export const REWARD = 'cifar10_valid_acc_12ep';
export const BASELINE = { name: 'all-conv3x3', genotype: { space: 'nas-bench-201', arch: '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|' } };

/** A temporary folder with a copy of the table whose every 4th reward is empty. */
export function tempWorkspace(): { dir: string; table: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'nas-ui-'));
  const lines = readFileSync(NB201_CSV, 'utf8').split('\n');
  const rewardAt = lines[0].split(',').indexOf(REWARD);
  const holed = lines.map((line, i) => {
    if (i === 0 || i % 4 !== 0 || line === '') return line;
    const f = line.split(',');
    f[rewardAt] = '';
    return f.join(',');
  });
  const table = join(dir, 'nb201-holes.csv');
  writeFileSync(table, holed.join('\n'));
  return { dir, table, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RealRun {
  store: Store;
  runId: number;
  outcome: SearchOutcome;
}

/** Runs a real evolution search into `db` and returns the open (writer) store. */
export async function realTableRun(db: string, table: string, opts: {
  budget: number;
  baselines?: boolean;
  onEvent?: (e: SearchEvent) => void;
  control?: (c: SearchControl) => void;
  beforeRun?: (store: Store, runId: number, config: RunConfig) => Promise<void> | void;
}): Promise<RealRun> {
  const space = loadSpace('nas-bench-201');
  const config: RunConfig = {
    strategy: 'evolution', strategyOptions: { population: 8, sample: 3 }, space: 'nas-bench-201', spaceFile: space.file,
    dataset: `table:${table}`, seed: 7, budget: opts.budget, workers: 1, backend: 'table', macro: space.macro,
    proxy: { trainSize: 0, valSize: 0, epochs: 1, batchSize: 1, learningRate: 0.1, imageSize: 0 },
    evaluator: { kind: 'table', table, rewardColumn: REWARD, costColumn: 'cost_12ep_s' },
  };
  const store = Store.open(db);
  const run = store.createRun(config);
  store.setRunBackend(run.id, 'table');
  const strategy = await createStrategy('evolution', { space, seed: config.seed, options: config.strategyOptions });
  const evaluator = createTableEvaluator(loadTable(table, { rewardColumn: REWARD, costColumn: 'cost_12ep_s', space }));
  await opts.beforeRun?.(store, run.id, config);
  const outcome = await runSearch({
    store, runId: run.id, space, strategy, evaluator, config, onEvent: opts.onEvent, control: opts.control,
    baselines: opts.baselines ? [BASELINE] : [],
  });
  await evaluator.close();
  return { store, runId: run.id, outcome };
}
