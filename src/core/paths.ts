import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

/** The package root (the folder holding package.json), whether running from src/ or dist/. */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
})();

/** search-spaces/<name>.json, data/, runs/ resolved against the package root. */
export const spacesDir = join(packageRoot, 'search-spaces');
export const dataDir = join(packageRoot, 'data');
export const runsDir = join(packageRoot, 'runs');
