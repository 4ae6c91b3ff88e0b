/**
 * The evaluator registry: a run's `evaluator.kind` -> how to create it (a registry keyed by name, the
 * shape of tfjs' kernel registry). Every entry checks the run's settings before anything is written and
 * says its set-up lines through `say`. Adding an evaluator = its folder and one line here.
 *   pool   worker threads on this machine (piscina), each training one child at a time
 *   table  answers from a benchmark table (NAS-Bench-201), no training
 *   queue  hands children to `nas worker`s on other machines (BullMQ over Redis)
 *   zero-cost  scores untrained children with a zero-cost estimator (no training)
 */
import { UserError } from '../core/errors.js';
import type { SearchSpace } from '../space/types.js';
import type { RunConfig } from '../store/types.js';
import type { Evaluator } from './types.js';
import { poolEntry } from './pool/entry.js';
import { queueEntry } from './queue/entry.js';
import { tableEntry } from './table/entry.js';
import { zeroCostEntry } from './zero-cost/entry.js';

export interface EvaluatorEntry {
  kind: string;
  /** Checks the run's settings against what the evaluator needs and creates it; `backend` names what answers. */
  create(config: RunConfig, space: SearchSpace, say: (line: string) => void): Promise<{ evaluator: Evaluator; backend: string }>;
}

const ENTRIES: readonly EvaluatorEntry[] = [poolEntry, tableEntry, queueEntry, zeroCostEntry];

export function evaluatorKinds(): string[] {
  return ENTRIES.map((e) => e.kind);
}

export async function createEvaluator(config: RunConfig, space: SearchSpace, say: (line: string) => void): Promise<{ evaluator: Evaluator; backend: string }> {
  const entry = ENTRIES.find((e) => e.kind === config.evaluator.kind);
  if (!entry) throw new UserError(`unknown evaluator "${config.evaluator.kind}" (known: ${evaluatorKinds().join(', ')})`);
  return entry.create(config, space, say);
}
