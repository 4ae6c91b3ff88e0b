/** The registry entry of the local evaluator: worker threads on this machine. */
import type { EvaluatorEntry } from '../index.js';
import { prepareTraining } from '../training-setup.js';
import { createPoolEvaluator } from './pool.js';

export const poolEntry: EvaluatorEntry = {
  kind: 'pool',
  async create(config, _space, say) {
    const { backend } = await prepareTraining(config, say);
    return { evaluator: createPoolEvaluator({ workers: config.workers }), backend };
  },
};
