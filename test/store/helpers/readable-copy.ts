/**
 * A copy of the store's code that any user can load: the compiled store and core modules and the
 * packages they import, under a world-readable folder in os.tmpdir(). A test that runs a child as
 * `nobody` imports this copy, so it works wherever the checkout lives (a clone under `mktemp -d`
 * is mode 0700: nobody cannot enter it).
 */
import { chmodSync, cpSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
/** What the store needs at run time: better-sqlite3's JS, its compiled addon and its two helpers, and seedrandom for core/rng. */
const packages: Array<[string, string[]]> = [
  ['better-sqlite3', ['package.json', 'lib', 'build/Release/better_sqlite3.node']],
  ['bindings', ['.']],
  ['file-uri-to-path', ['.']],
  ['seedrandom', ['.']],
];

/** Copies dist/src/{store,core} and their packages; returns the copy's store.js and the folder (rm it when done). */
export function readableStoreCopy(): { storeJs: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nas-readable-'));
  for (const sub of ['store', 'core']) cpSync(join(root, 'dist/src', sub), join(dir, 'dist/src', sub), { recursive: true });
  cpSync(join(root, 'package.json'), join(dir, 'package.json'));
  for (const [name, parts] of packages) {
    for (const part of parts) cpSync(join(root, 'node_modules', name, part), join(dir, 'node_modules', name, part), { recursive: true });
  }
  openUp(dir);
  return { storeJs: join(dir, 'dist/src/store/store.js'), dir };
}

/** a+rX over the whole tree, so another user can read every file and enter every folder. */
function openUp(path: string): void {
  const st = statSync(path);
  chmodSync(path, st.isDirectory() ? 0o755 : st.mode & 0o100 ? 0o755 : 0o644);
  if (st.isDirectory()) for (const name of readdirSync(path)) openUp(join(path, name));
}
