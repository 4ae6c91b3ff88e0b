/** The registry entry of the tabular evaluator: rewards looked up in a benchmark table. */
import { UserError } from '../../core/errors.js';
import { createRng } from '../../core/rng.js';
import { selectBackend } from '../../engine/backend.js';
import type { SearchSpace } from '../../space/types.js';
import type { EvaluatorEntry } from '../index.js';
import { createTableEvaluator, loadTable, type Table } from './table.js';

export const tableEntry: EvaluatorEntry = {
  kind: 'table',
  async create(config, space) {
    const e = config.evaluator as unknown as { table: string; rewardColumn: string; costColumn?: string };
    // Several reward columns are the rungs of a multi-fidelity run, lowest first; one cost column serves all or each its own.
    const rewards = e.rewardColumn.split(',');
    const costs = e.costColumn?.split(',');
    if (costs && costs.length !== 1 && costs.length !== rewards.length) {
      throw new UserError(`--cost-column: give one cost column, or one per reward column (${rewards.length}); got ${costs.length}`);
    }
    const rungs = config.ladder?.rungs ?? 1;
    if (rewards.length !== rungs) {
      throw new UserError(config.ladder
        ? `--fidelity has ${rungs} rungs but --reward-column names ${rewards.length} column(s): give one per rung`
        : `--reward-column names ${rewards.length} columns: several columns are the rungs of --fidelity sha:eta=N or hyperband:eta=N`);
    }
    const tables = rewards.map((rewardColumn, k) => loadTable(e.table, { rewardColumn, costColumn: costs?.[costs.length === 1 ? 0 : k], space }));
    checkTableCovers(tables[0], space, e.table);
    // Controllers (REINFORCE, SMBO) still run tfjs in this thread.
    await selectBackend('cpu');
    return { evaluator: createTableEvaluator(tables, { capacity: config.workers, budgetSeconds: config.budgetSeconds }), backend: 'table' };
  },
};

/**
 * A table search looks every child up: a table that lacks cells the space proposes (another space's
 * table, a partial one) would stop the run at the first miss, after it was stored. Twenty seeded
 * random cells of the space must all be in it.
 */
function checkTableCovers(table: Table, space: SearchSpace, file: string): void {
  const rng = createRng('table-coverage');
  for (let i = 0; i < 20; i++) {
    const g = space.sample(rng);
    if (table.get(g) === undefined) {
      throw new UserError(`table ${file} (${table.rows.size} cells) has no row for cell ${space.describe(g)} of space ${space.name}: a table search needs every cell of the space (wrong --space or --table?)`);
    }
  }
}
