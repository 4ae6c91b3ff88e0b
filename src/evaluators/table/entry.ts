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
    const table = loadTable(e.table, { rewardColumn: e.rewardColumn, costColumn: e.costColumn, space });
    checkTableCovers(table, space, e.table);
    // Controllers (REINFORCE, SMBO) still run tfjs in this thread.
    await selectBackend('cpu');
    return { evaluator: createTableEvaluator(table, { capacity: config.workers, budgetSeconds: config.budgetSeconds }), backend: 'table' };
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
