#!/usr/bin/env node
// Builds the oneDNN addon (native/) with node-gyp when oneDNN is installed. Run by
// `npm install` / `npm ci` (the "install" script) and by hand after `apt install libdnnl-dev`.
// It never fails the install: without oneDNN or a compiler it prints one line and exits 0,
// and nas uses its pure-JS cpu kernels.  NAS_BUILD_NATIVE=0 skips it; --verbose shows the build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const verbose = process.argv.includes('--verbose');
const note = (msg) => console.log(`nas: ${msg}`);

if (process.env.NAS_BUILD_NATIVE === '0') process.exit(0);

const includeDirs = ['/usr/include', '/usr/local/include', ...(process.env.DNNL_ROOT ? [join(process.env.DNNL_ROOT, 'include')] : [])];
if (!includeDirs.some((d) => existsSync(join(d, 'dnnl.hpp')) || existsSync(join(d, 'oneapi', 'dnnl', 'dnnl.hpp')))) {
  note('oneDNN not found (apt install libdnnl-dev); skipping the native engine, training uses the pure-JS cpu kernels');
  process.exit(0);
}

let nodeGyp;
try {
  nodeGyp = createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
} catch {
  note('node-gyp is not installed; skipping the native engine (npm install --include=dev, then node scripts/build-native.mjs)');
  process.exit(0);
}

// Use the headers installed with node (Debian/Ubuntu nodejs-dev, official tarballs) so the
// build works offline; otherwise node-gyp downloads them.
const prefix = join(dirname(process.execPath), '..');
const args = [nodeGyp, 'rebuild'];
if (existsSync(join(prefix, 'include', 'node', 'node_api.h')) && existsSync(join(prefix, 'include', 'node', 'common.gypi'))) args.push(`--nodedir=${prefix}`);

const r = spawnSync(process.execPath, args, { cwd: join(root, 'native'), stdio: verbose ? 'inherit' : 'pipe', encoding: 'utf8' });
if (r.status !== 0) {
  const lines = `${r.stderr ?? ''}${r.stdout ?? ''}`.split('\n').filter((l) => /error/i.test(l) && !/^gyp (ERR|info)/.test(l));
  note(`building the oneDNN engine failed (${(lines[0] ?? r.error?.message ?? 'see node scripts/build-native.mjs --verbose').trim()}); training uses the pure-JS cpu kernels`);
  process.exit(0);
}
note('built the oneDNN engine (native/build/Release/nas_onednn.node): --backend onednn');
