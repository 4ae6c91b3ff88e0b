/**
 * Output files (--out): checked before any work is done, so a path that cannot be written is one
 * line at once, not a stack trace after a benchmark ran; and written so that a failure is one line.
 */
import { accessSync, closeSync, constants, openSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';

const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (e) {
    if (code(e) === 'ENOENT' || code(e) === 'ENOTDIR') return undefined;
    throw new UserError(`cannot use ${path}: ${code(e)}`);
  }
}

/** Refuses an output path that is a folder, read-only, in a missing or unwritable folder, or that the system will not let us write (/proc). Creates nothing. */
export function checkOutputFile(file: string, option = '--out'): void {
  const stats = statOrUndefined(file);
  if (stats?.isDirectory()) throw new UserError(`${option} ${file} is a folder; give a file name`);
  if (stats) {
    // NOTE: root may write a file without write bits; nas refuses it anyway, as it would for anyone else.
    if ((stats.mode & 0o222) === 0) throw new UserError(`${option} ${file} is read-only`);
    try {
      accessSync(file, constants.W_OK);
      closeSync(openSync(file, 'r+'));
    } catch (e) {
      throw new UserError(`${option} ${file} cannot be written (${code(e)})`);
    }
    return;
  }
  const dir = dirname(resolve(file));
  const dirStats = statOrUndefined(dir);
  if (!dirStats) throw new UserError(`${option} ${file}: folder ${dir} does not exist`);
  if (!dirStats.isDirectory()) throw new UserError(`${option} ${file}: ${dir} is not a folder`);
  if ((dirStats.mode & 0o222) === 0) throw new UserError(`${option} ${file}: folder ${dir} is read-only`);
  // The one sure test: create (and remove) a file beside it.
  const probe = join(dir, `.nas-write-test-${process.pid}`);
  try {
    accessSync(dir, constants.W_OK);
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (e) {
    throw new UserError(`${option} ${file}: cannot write in folder ${dir} (${code(e)})`);
  }
}

/** writeFileSync, with a refusal of the system as one line. */
export function writeOutputFile(file: string, text: string, option = '--out'): void {
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new UserError(`${option} ${file} cannot be written (${code(e)})`);
  }
}
