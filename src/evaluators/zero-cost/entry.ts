/**
 * The zero-cost evaluator (`--evaluator zero-cost:NAME`): a search whose reward is a zero-cost
 * estimator's score of the untrained child (Abdelfattah et al. 2021, "Zero-Cost Proxies for Lightweight
 * NAS", §5: the estimator itself as the search's signal) — seconds for a whole search. The pool's worker
 * threads compute it. NOTE: the reward is the estimator's score (higher = better), not an accuracy.
 */
import { UserError } from '../../core/errors.js';
import { estimatorNames } from '../../estimators/index.js';
import type { EvaluatorEntry } from '../index.js';
import { createPoolEvaluator } from '../pool/pool.js';
import { prepareTraining } from '../training-setup.js';

export const zeroCostEntry: EvaluatorEntry = {
  kind: 'zero-cost',
  async create(config, _space, say) {
    const estimator = config.evaluator.estimator as string | undefined;
    if (!estimator || !estimatorNames().includes(estimator)) {
      throw new UserError(`--evaluator zero-cost:NAME needs one of ${estimatorNames().join(', ')}, got "${estimator ?? ''}"`);
    }
    if (config.ladder) throw new UserError('--fidelity trains children at several fidelities; a zero-cost evaluator trains nothing (it cannot change fidelity)');
    const { backend } = await prepareTraining(config, say);
    const pool = createPoolEvaluator({ workers: config.workers });
    return {
      backend,
      evaluator: {
        name: `zero-cost:${estimator}`,
        capacity: pool.capacity,
        evaluate: (task, onProgress, signal) => pool.evaluate({ ...task, estimator }, onProgress, signal),
        close: () => pool.close(),
      },
    };
  },
};
