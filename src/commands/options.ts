/** Small, strict parsers for command-line values: bad input is a UserError naming the option. */
import { join } from 'node:path';
import { UserError } from '../core/types.js';
import { runsDir } from '../core/paths.js';

export function intOption(value: string | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UserError(`--${name} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}

export function numberOption(value: string | undefined, name: string, fallback: number, min = 0, exclusiveMin = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || (exclusiveMin && n === min)) {
    throw new UserError(`--${name} must be a number ${exclusiveMin ? '>' : '≥'} ${min}, got "${value}"`);
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

/** A run id: a positive integer. */
export function runIdOption(value: string | undefined, name = 'run'): number {
  if (value === undefined) throw new UserError(`--${name} RUN is required`);
  return intOption(value, name, 0, 1);
}
