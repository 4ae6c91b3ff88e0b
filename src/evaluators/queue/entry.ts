/** The registry entry of the remote evaluator: `nas worker`s on other machines, through a Redis queue. */
import type { EvaluatorEntry } from '../index.js';
import { prepareTraining } from '../training-setup.js';

export const queueEntry: EvaluatorEntry = {
  kind: 'queue',
  async create(config, _space, say) {
    await prepareTraining(config, say);
    const { createQueueEvaluator } = await import('./queue-evaluator.js');
    const capacity = config.evaluator.capacity as number | undefined;
    return { evaluator: await createQueueEvaluator({ url: config.evaluator.url as string, capacity }), backend: 'queue' };
  },
};
