import { relative, isAbsolute } from 'node:path';
import { UserError } from '../core/errors.js';

/**
 * A search-space file or a genotype that does not fit its space. It is a UserError (the
 * CLI prints one line and exits 2); `path` is the JSON path of the fault, e.g. `$.ops[3]`.
 */
export class SpaceError extends UserError {
  constructor(readonly path: string, readonly reason: string, readonly file?: string) {
    super(`${file ? displayPath(file) + ': ' : ''}${path}: ${reason}`);
    this.name = 'SpaceError';
  }
}

/** A file path as the user most likely typed it: relative to the cwd when it lies below it. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
