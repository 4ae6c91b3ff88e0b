/**
 * Where a child run as `nobody` finds the program. The checkout itself when nobody can read it;
 * otherwise (a clone under `mktemp -d` is mode 0700) a world-readable copy in os.tmpdir() of what
 * the CLI loads at run time — dist/, node_modules/, the built addon, search spaces, data,
 * package.json — made of hard links where the file system allows (instant, no space) and copied
 * where it does not. Removed when the test process exits.
 */
import { chmodSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/paths.js';

const NOBODY = { uid: 65534, gid: 65534 };
const PARTS = ['package.json', 'dist', 'node_modules', 'native/build', 'search-spaces', 'data'];
let cached: string | undefined;

/** True when `nobody` can read `file`. */
function nobodyReads(file: string): boolean {
  return spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(file)}, require('fs').constants.R_OK)`], { ...NOBODY, stdio: 'ignore' }).status === 0;
}

/** The program root a `nobody` child should run (its dist/src/cli.js). */
export function programRootForNobody(): string {
  if (cached) return cached;
  if (nobodyReads(join(packageRoot, 'dist/src/cli.js'))) return (cached = packageRoot);
  const link = makeCopy(true);
  if (nobodyReads(join(link, 'dist/src/cli.js')) && nobodyReads(join(link, 'node_modules/@tensorflow/tfjs/package.json'))) return (cached = link);
  // Files not readable by others (umask 077): hard links share the mode, and changing it would change
  // the checkout's own files, so copy instead and open the copy up.
  rmSync(link, { recursive: true, force: true });
  const copy = makeCopy(false);
  spawnSync('chmod', ['-R', 'a+rX', copy]);
  if (!nobodyReads(join(copy, 'dist/src/cli.js'))) throw new Error(`nobody cannot read the program copy in ${copy}`);
  return (cached = copy);
}

function makeCopy(hardLinks: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'nas-program-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  for (const part of PARTS) {
    const from = join(packageRoot, part);
    if (!existsSync(from)) continue;
    const to = join(dir, part);
    if (part.includes('/')) spawnSync('mkdir', ['-p', join(to, '..')]);
    if (!(hardLinks && spawnSync('cp', ['-al', from, to]).status === 0)) cpSync(from, to, { recursive: true });
  }
  // Only the copy's own folders (new inodes) are opened up; linked files keep the checkout's modes.
  spawnSync('find', [dir, '-type', 'd', '-exec', 'chmod', 'a+rx', '{}', '+']);
  chmodSync(dir, 0o755);
  return dir;
}
