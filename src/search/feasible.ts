/**
 * A constraint no cell can meet is bad input, refused before the run is written: random cells of
 * the space are built (and, for --max-latency-ms, timed) and at least one must pass every constraint.
 * In the search itself the loop stops after MAX_REJECTED_IN_A_ROW refusals rather than spin.
 */
import { UserError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import { buildModel } from '../model/build.js';
import { selectBackend } from '../engine/backend.js';
import { measureGenotypeLatency } from '../model/latency.js';
import { constraintText, hasConstraints, violation } from '../objectives/objectives.js';
import type { SearchSpace } from '../space/types.js';
import type { RunConfig } from '../store/types.js';
import { fidelityData } from '../training/data.js';
import { taskFidelity } from '../training/fidelity.js';
import { macroOf } from '../training/train-cell.js';

/** Cells built to count their size; of them, this many are timed when latency is constrained. */
export const FEASIBILITY_CELLS = 64;
const TIMED_CELLS = 6;

export async function checkFeasible(config: RunConfig, space: SearchSpace): Promise<void> {
  const c = config.objectives?.constraints;
  if (!c || !hasConstraints(c)) return;
  // Building needs no particular backend: the plain cpu one (selected quietly) is enough.
  await selectBackend('cpu');
  const rng = createRng(`feasible:${config.seed}`);
  const fidelity = taskFidelity(config);
  const data = fidelityData(config.dataset, fidelity, config.datasetHash);
  const sizeOk: ReturnType<SearchSpace['sample']>[] = [];
  let smallest = { params: Infinity, multAdds: Infinity };
  for (let i = 0; i < FEASIBILITY_CELLS; i++) {
    const g = space.sample(rng);
    const built = buildModel(space, g, macroOf(fidelity, space), { inputShape: data.inputShape, numClasses: data.numClasses, seed: 0 });
    built.model.dispose();
    smallest = { params: Math.min(smallest.params, built.params), multAdds: Math.min(smallest.multAdds, built.multAdds) };
    if (!violation({ maxParams: c.maxParams, maxMultAdds: c.maxMultAdds }, built)) sizeOk.push(g);
  }
  if (sizeOk.length === 0) {
    throw new UserError(`no cell meets ${constraintText({ maxParams: c.maxParams, maxMultAdds: c.maxMultAdds })}: of ${FEASIBILITY_CELLS} random cells the smallest has ` +
      `${smallest.params.toLocaleString('en')} params and ${smallest.multAdds.toLocaleString('en')} mult-adds at this network size`);
  }
  if (c.maxLatencyMs === undefined || !config.latency) return;
  const how = config.latency;
  let fastest = Infinity;
  for (const g of sizeOk.slice(0, TIMED_CELLS)) {
    const net = how.network === 'replay'
      ? { macro: how.replayMacro!, inputShape: how.replayInput!, numClasses: data.numClasses }
      : { fidelity, dataset: config.dataset, datasetHash: config.datasetHash };
    const l = await measureGenotypeLatency(space, g, net, how);
    fastest = Math.min(fastest, l.ms);
    if (l.ms <= c.maxLatencyMs) return;
  }
  throw new UserError(`no cell meets --max-latency-ms ${c.maxLatencyMs}: the fastest of ${Math.min(TIMED_CELLS, sizeOk.length)} random cells takes ${fastest.toFixed(2)} ms ` +
    `(${how.backend}, batch ${how.batch}, ${how.network === 'replay' ? 'the replay network' : 'the search network'})`);
}
