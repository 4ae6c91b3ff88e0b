/**
 * What a worker does with a child once it is built and before it trains: measure its inference
 * latency (`--latency-backend`) and refuse it when it breaks a constraint (`--max-params`,
 * `--max-mult-adds`, `--max-latency-ms`). Latency does not depend on the weights, so a refused
 * child costs a build and a few forward passes, not a training.
 */
import type * as tf from '#tfjs';
import type { SearchSpace } from '../../space/types.js';
import type { TrainTask } from '../types.js';
import { buildModel } from '../../model/build.js';
import { measureLatency, type Latency } from '../../model/latency.js';
import { violation } from '../../objectives/objectives.js';

export interface ChildInspector {
  inspect(model: tf.LayersModel, size: { params: number; multAdds: number }): Promise<string | undefined>;
  /** The latency measured by inspect(), once it ran. */
  latency(): Latency | undefined;
}

/** The inspector of a task, or undefined when it asks for neither latency nor constraints. */
/** `threads`: the worker's engine threads, set back after a timing at the latency's own count. */
export function childInspector(task: TrainTask, space: SearchSpace, threads: number): ChildInspector | undefined {
  const { latency: how, constraints } = task;
  if (!how && !constraints) return undefined;
  let measured: Latency | undefined;
  return {
    latency: () => measured,
    async inspect(model, size) {
      // Size first: a child over --max-params is refused without timing it.
      const bySize = constraints && violation(constraints, size);
      if (bySize) return bySize;
      if (how) {
        if (how.network === 'search') measured = await measureLatency(model, how, { restoreThreads: threads });
        else {
          const [, h, w, c] = model.inputs[0].shape as number[];
          const replay = buildModel(space, task.genotype, how.replayMacro!, {
            inputShape: how.replayInput ?? [h, w, c], numClasses: (model.outputs[0].shape as number[])[1], seed: task.seed,
          });
          try {
            measured = await measureLatency(replay.model, how, { restoreThreads: threads });
          } finally {
            replay.model.dispose();
          }
        }
      }
      return constraints && measured ? violation(constraints, { latencyMs: measured.ms }) : undefined;
    },
  };
}
