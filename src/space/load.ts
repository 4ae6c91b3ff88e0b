/**
 * Loading search spaces: `loadSpace('nasnet')` reads search-spaces/nasnet.json; a path
 * (anything with a slash or ending in .json) is read as given. The file is checked against
 * the op registry's names and every fault names the file and the JSON path.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spacesDir } from '../core/paths.js';
import { UserError } from '../core/errors.js';
import type { SearchSpace } from './types.js';
import { readSpaceFile } from './file.js';
import { createNasnetSpace } from './nasnet.js';
import { createNb201Space } from './nb201.js';

export { parseNb201Arch, formatNb201Arch, NB201_EDGES } from './nb201.js';
export { SpaceError } from './errors.js';

/** Names of the spaces shipped in search-spaces/ (file names without .json). */
export function listSpaces(): string[] {
  if (!existsSync(spacesDir)) return [];
  return readdirSync(spacesDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** Resolves a bare space name or a path to the absolute file, or throws UserError. */
export function resolveSpaceFile(nameOrPath: string): string {
  if (typeof nameOrPath !== 'string' || nameOrPath.trim() === '') throw new UserError('a search space name or file is required');
  if (nameOrPath.includes('/') || nameOrPath.includes('\\') || nameOrPath.endsWith('.json')) {
    const file = resolve(nameOrPath);
    if (!existsSync(file)) throw new UserError(`search space file not found: ${nameOrPath}`);
    return file;
  }
  const file = join(spacesDir, `${nameOrPath}.json`);
  if (!existsSync(file)) throw new UserError(`unknown search space "${nameOrPath}" (known: ${listSpaces().join(', ')})`);
  return file;
}

/** Loads and validates a search space by name (search-spaces/<name>.json) or file path. */
export function loadSpace(nameOrPath: string): SearchSpace {
  const file = resolveSpaceFile(nameOrPath);
  const spec = readSpaceFile(file);
  return spec.family === 'nasnet' ? createNasnetSpace(spec, file) : createNb201Space(spec, file);
}
