/** Small, strict parsers for command-line values: bad input is a UserError naming the option. */
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { runsDir } from '../core/paths.js';

/** Decimal numbers only ("12", "0.5", "1e3"): not hex, not blanks, not "Infinity". */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

const range = (min: number, max: number) =>
  max === Number.MAX_SAFE_INTEGER ? (min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`) : `an integer from ${min} to ${max.toLocaleString('en')}`;

/** An integer option in [min, max] (default: any safe integer ≥ min). */
export function intOption(value: string | undefined, name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = DECIMAL.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UserError(`--${name} must be ${range(min, max)}, got "${value}"`);
  return n;
}

/** A finite number option ≥ min (> min when exclusiveMin), at most max. */
export function numberOption(value: string | undefined, name: string, fallback: number, min = 0, exclusiveMin = false, max = Number.MAX_VALUE): number {
  if (value === undefined) return fallback;
  const n = DECIMAL.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < min || (exclusiveMin && n === min) || n > max) {
    const upTo = max === Number.MAX_VALUE ? '' : ` and ≤ ${max.toLocaleString('en')}`;
    throw new UserError(`--${name} must be a number ${exclusiveMin ? '>' : '≥'} ${min}${upTo}, got "${value}"`);
  }
  return n;
}

export function choiceOption<T extends string>(value: string | undefined, name: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) throw new UserError(`--${name} must be one of ${choices.join(', ')}, got "${value}"`);
  return value as T;
}

/** The store used when --db is not given. */
export const defaultDb = (): string => join(runsDir, 'nas.db');

/** A run id: a positive integer; `name` is the option ("run", "resume") or "RUN" for a positional. */
export function runIdOption(value: string | undefined, name = 'run'): number {
  const label = name === name.toUpperCase() ? name : `--${name}`;
  if (value === undefined) throw new UserError(`${label === 'RUN' ? 'RUN' : `${label} RUN`} is required`);
  const n = DECIMAL.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UserError(`${label} must be a run id (a positive integer), got "${value}"`);
  return n;
}

/** Upper bounds that keep a typo (an extra zero, 1e9) from starting something that cannot finish. */
export const LIMITS = {
  budget: 1_000_000,
  workers: 256,
  epochs: 100_000,
  batch: 65_536,
  images: 10_000_000,
  imageSize: 1024,
  width: 4096,
  cells: 64,
  seed: 2 ** 31 - 1,
} as const;
