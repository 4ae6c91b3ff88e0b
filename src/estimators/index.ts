/**
 * The estimator registry: name -> zero-cost estimator (one file each). Adding one = its file and
 * one line here.
 */
import { UserError } from '../core/errors.js';
import type { Estimator } from './types.js';
import { fisher } from './fisher.js';
import { gradNorm } from './grad-norm.js';
import { jacobCov } from './jacob-cov.js';
import { multAdds } from './mult-adds.js';
import { naswot } from './naswot.js';
import { params } from './params.js';
import { snip } from './snip.js';
import { synflow } from './synflow.js';

export type { Estimator, EstimatorInput } from './types.js';

const ESTIMATORS: readonly Estimator[] = [synflow, naswot, gradNorm, snip, jacobCov, fisher, params, multAdds];
const BY_NAME = new Map(ESTIMATORS.map((e) => [e.name, e]));

/** Every registered estimator's name, in a stable order. */
export function estimatorNames(): string[] {
  return ESTIMATORS.map((e) => e.name);
}

/** The estimator called `name`; UserError naming the known ones otherwise. */
export function getEstimator(name: string): Estimator {
  const e = BY_NAME.get(name);
  if (!e) throw new UserError(`unknown estimator "${name}" (known: ${estimatorNames().join(', ')})`);
  return e;
}
