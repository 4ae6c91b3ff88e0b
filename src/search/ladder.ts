/**
 * A multi-fidelity ladder as the run config stores it (plain data), and `--fidelity` parsed into it.
 *
 *   --fidelity sha:epochs=1,3,9                 successive halving, η = 3, rungs by epochs
 *   --fidelity hyperband:epochs=1,3,9:eta=3     Hyperband brackets over the same rungs
 *   --fidelity sha:train=1200,3600,9000         rungs by training images (each rung trains afresh)
 *   --fidelity sha:train=1200,6000:epochs=1,2   two factors at once
 *   --fidelity sha:eta=3                        a table run: one rung per --reward-column
 *
 * Rung 0 is the run's proxy with the listed fields replaced; every rung must cost more than the one
 * below it and no field may shrink. A promotion continues the lower rung's training when only the
 * epochs grow (src/training/train-cell.ts canContinue), and trains afresh otherwise.
 */
import { UserError } from '../core/errors.js';
import { describeFidelity, relativeCost, type Fidelity } from '../training/fidelity.js';

export interface Ladder {
  kind: 'sha' | 'hyperband';
  eta: number;
  /** Number of rungs. */
  rungs: number;
  /** The fidelity of each rung (training evaluators); absent for a table (its columns are the rungs). */
  fidelities?: Fidelity[];
}

/** `--fidelity` keys and the Fidelity fields they set. */
const FIELDS: Record<string, keyof Fidelity> = {
  epochs: 'epochs', train: 'trainImages', size: 'imageSize', filters: 'filters', stem: 'stemChannels', cells: 'cellsPerStage',
};

const USAGE = 'expected sha|hyperband:FIELD=v1,v2,...[:FIELD=...][:eta=N] with FIELD one of epochs, train, size, filters, stem, cells (e.g. sha:epochs=1,3,9)';

/**
 * Parses a spec over `base` (the run's proxy at rung 0). `tableColumns` is the number of reward
 * columns of a table run (its rungs), undefined for training evaluators.
 */
export function parseLadder(spec: string, base: Fidelity, dataset: { images: number; side: number }, opts: { tableColumns?: number; ceiling?: Fidelity } = {}): Ladder {
  const tableColumns = opts.tableColumns;
  const [kindText, ...parts] = spec.split(':');
  if (kindText !== 'sha' && kindText !== 'hyperband') throw new UserError(`--fidelity "${spec}": unknown kind "${kindText}"; ${USAGE}`);
  let eta = 3;
  const lists = new Map<keyof Fidelity, number[]>();
  for (const part of parts) {
    const at = part.indexOf('=');
    const key = part.slice(0, at < 0 ? undefined : at);
    const raw = at < 0 ? '' : part.slice(at + 1);
    if (key === 'eta') {
      eta = Number(raw);
      if (!Number.isInteger(eta) || eta < 2 || eta > 10) throw new UserError(`--fidelity: eta must be an integer from 2 to 10, got "${raw}"`);
      continue;
    }
    const field = FIELDS[key];
    if (!field) throw new UserError(`--fidelity "${spec}": unknown field "${key}"; ${USAGE}`);
    if (lists.has(field)) throw new UserError(`--fidelity: ${key} is given twice`);
    const values = raw.split(',').map((v) => (/^\d+$/.test(v.trim()) ? Number(v) : NaN));
    if (values.length < 2 || values.some((v) => !Number.isSafeInteger(v))) throw new UserError(`--fidelity: ${key} needs two or more non-negative integers, got "${raw}"`);
    lists.set(field, values);
  }
  if (tableColumns !== undefined) {
    if (lists.size > 0) throw new UserError('--fidelity with --evaluator table takes only eta (sha:eta=3): the table\'s reward columns are its rungs');
    if (tableColumns < 2) throw new UserError('--fidelity with --evaluator table needs one --reward-column per rung (two or more, comma-separated): a table of one column cannot change fidelity');
    return { kind: kindText, eta, rungs: tableColumns };
  }
  if (lists.size === 0) throw new UserError(`--fidelity "${spec}": no rungs; ${USAGE}`);
  const counts = new Set([...lists.values()].map((l) => l.length));
  if (counts.size > 1) throw new UserError('--fidelity: every field needs the same number of rungs');
  const n = [...counts][0];
  const fidelities = Array.from({ length: n }, (_, r) => {
    const f: Fidelity = { ...base };
    for (const [field, values] of lists) (f as unknown as Record<string, number>)[field] = values[r];
    return f;
  });
  for (let r = 0; r < n; r++) {
    const f = fidelities[r];
    if (f.epochs < 1) throw new UserError('--fidelity: epochs must be ≥ 1');
    if (f.filters < 1 || f.stemChannels < 1) throw new UserError('--fidelity: filters and stem must be ≥ 1');
    if (f.trainImages + f.valImages > dataset.images) {
      throw new UserError(`--fidelity: rung ${r} trains on ${f.trainImages} images + ${f.valImages} for validation, more than the dataset's ${dataset.images} training images`);
    }
    if (r === 0) continue;
    const below = fidelities[r - 1];
    for (const [field] of lists) {
      if ((f[field] as number) < (below[field] as number) && !(field === 'trainImages' && f.trainImages === 0)) {
        throw new UserError(`--fidelity: rungs must not shrink: ${field} goes from ${below[field]} at rung ${r - 1} to ${f[field]} at rung ${r}`);
      }
    }
    if (relativeCost(f, dataset.images, dataset.side) <= relativeCost(below, dataset.images, dataset.side)) {
      throw new UserError(`--fidelity: rungs must increase: rung ${r} costs no more than rung ${r - 1}`);
    }
  }
  // The top rung stays below the reference training the found cells are judged by (nas fidelity's).
  const top = fidelities[n - 1];
  if (opts.ceiling && relativeCost(top, dataset.images, dataset.side) > relativeCost(opts.ceiling, dataset.images, dataset.side)) {
    throw new UserError(`--fidelity: the top rung (${describeFidelity(top)}) costs more than the reference training (${describeFidelity(opts.ceiling)}) the search is judged by`);
  }
  return { kind: kindText, eta, rungs: n, fidelities };
}

/** "sha, eta 3: 1 → 3 → 9 epochs" for logs. */
export function describeLadder(l: Ladder): string {
  if (!l.fidelities) return `${l.kind}, eta ${l.eta}, ${l.rungs} rungs (table columns)`;
  const f = l.fidelities;
  const varying = (Object.keys(FIELDS) as string[]).filter((k) => new Set(f.map((x) => x[FIELDS[k]])).size > 1);
  return `${l.kind}, eta ${l.eta}: ${varying.map((k) => `${k} ${f.map((x) => x[FIELDS[k]]).join(' → ')}`).join(', ')}`;
}

/** A short name of rung r from the fields that change along the ladder: "1 ep", "3600 train · 2 ep". */
export function rungLabel(l: Ladder, r: number): string {
  if (!l.fidelities) return `column ${r + 1}`;
  const f = l.fidelities;
  const unit: Record<string, string> = { epochs: 'ep', train: 'img', size: 'px', filters: 'F', stem: 'stem', cells: 'N' };
  const varying = (Object.keys(FIELDS) as string[]).filter((k) => new Set(f.map((x) => x[FIELDS[k]])).size > 1);
  return varying.map((k) => `${f[r][FIELDS[k]]} ${unit[k]}`).join(' · ');
}
