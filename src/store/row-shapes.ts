/**
 * What a row read back from the store must look like. SQLite keeps configs, genotypes and
 * metrics as JSON text; a damaged file (a flipped byte, a hand edit) can hold text that is no
 * longer JSON, or JSON of the wrong shape, and resuming from it would train the wrong thing or
 * crash halfway. Each check throws DamagedRowError naming the row and the field; the Store adds
 * the file's name.
 */
import type { Genotype } from '../space/types.js';
import type { RunConfig } from './types.js';

export class DamagedRowError extends Error {}

const excerpt = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

/** JSON column -> value; NULL stays null. */
export function parseJsonColumn(text: string | null, what: string): unknown {
  if (text === null) return null;
  if (typeof text !== 'string') throw new DamagedRowError(`${what} is not JSON text`);
  try {
    return JSON.parse(text);
  } catch {
    throw new DamagedRowError(`${what} is not valid JSON (starts ${excerpt(text)})`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown, min = 0) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;

function need(ok: boolean, what: string, field: string, value: unknown): void {
  if (!ok) throw new DamagedRowError(`${what} has a bad ${field} (${excerpt(JSON.stringify(value) ?? String(value))})`);
}

/** A run's config: every field a resume reads, of the right type. */
export function checkRunConfig(v: unknown, what: string): RunConfig {
  if (!isObject(v)) throw new DamagedRowError(`${what} is not an object`);
  for (const k of ['strategy', 'space', 'spaceFile', 'dataset', 'backend'] as const) need(typeof v[k] === 'string' && v[k] !== '', what, k, v[k]);
  need(isObject(v.strategyOptions), what, 'strategyOptions', v.strategyOptions);
  need(isCount(v.seed), what, 'seed', v.seed);
  need(isCount(v.budget, 1), what, 'budget', v.budget);
  need(isCount(v.workers, 1), what, 'workers', v.workers);
  need(v.budgetSeconds === undefined || v.budgetSeconds === null || (typeof v.budgetSeconds === 'number' && v.budgetSeconds > 0), what, 'budgetSeconds', v.budgetSeconds);
  need(isObject(v.macro) && Object.values(v.macro).every((x) => typeof x === 'number' && Number.isFinite(x)), what, 'macro', v.macro);
  const proxy = v.proxy as Record<string, unknown>;
  need(isObject(proxy) && ['trainSize', 'valSize', 'epochs', 'batchSize', 'imageSize'].every((k) => isCount(proxy[k])), what, 'proxy', proxy);
  need(typeof proxy.learningRate === 'number' && proxy.learningRate > 0 && Number.isFinite(proxy.learningRate), what, 'proxy.learningRate', proxy.learningRate);
  need(isObject(v.evaluator) && typeof v.evaluator.kind === 'string', what, 'evaluator', v.evaluator);
  return v as unknown as RunConfig;
}

const isBlock = (b: unknown) =>
  isObject(b) && Array.isArray(b.inputs) && b.inputs.length === 2 && b.inputs.every((i) => isCount(i)) &&
  Array.isArray(b.ops) && b.ops.length === 2 && b.ops.every((o) => typeof o === 'string');

/** A genotype of one of the known families (the space checks its ops and inputs when it uses it). */
export function checkGenotype(v: unknown, what: string): Genotype {
  if (isObject(v) && v.space === 'nasnet' && Array.isArray(v.normal) && Array.isArray(v.reduce) && [...v.normal, ...v.reduce].every(isBlock)) return v as unknown as Genotype;
  if (isObject(v) && v.space === 'nas-bench-201' && typeof v.arch === 'string') return v as unknown as Genotype;
  throw new DamagedRowError(`${what} is not a genotype`);
}

/** An object column (metrics, a mutation) or NULL. */
export function checkObjectOrNull<T>(v: unknown, what: string): T | null {
  if (v !== null && !isObject(v)) throw new DamagedRowError(`${what} is not an object`);
  return v as T | null;
}

/** A status column: one of the known values. */
export function checkStatus<T extends string>(v: unknown, known: readonly T[], what: string): T {
  if (!known.includes(v as T)) throw new DamagedRowError(`${what} has an unknown status ${excerpt(String(v))}`);
  return v as T;
}
