import { needs } from '../helpers/system.js';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultLocations } from '../../src/data/datasets.js';
import { tempDir } from './helpers/tmp.js';

const dir = defaultLocations.defaultDir;
const sha256 = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

test('PROVENANCE.md lists the sha256 of every embedded data file, and they match', () => {
  const text = readFileSync(join(dir, 'PROVENANCE.md'), 'utf8');
  const here = text.slice(text.indexOf('## Files here'));
  const files = readdirSync(dir).filter((f) => f.endsWith('.gz'));
  assert.equal(files.length, 4);
  for (const f of files) {
    const row = new RegExp(`\\| ${f.replace(/\./g, '\\.')} \\| \\d+ \\| \`([0-9a-f]{64})\` \\|`).exec(here);
    assert.ok(row, `${f} listed`);
    assert.equal(row[1], sha256(join(dir, f)), `${f} sha256`);
  }
  assert.match(text, /MIT licence/);
  assert.match(text, /make-default-dataset/);
});

const source = '/usr/share/datasets/fashion-mnist';
test('scripts/make-default-dataset regenerates the embedded files byte for byte', needs('dataset-fashion-mnist'), () => {
  const tmp = tempDir();
  after(tmp.cleanup);
  const script = fileURLToPath(new URL('../../scripts/make-default-dataset.js', import.meta.url));
  execFileSync(process.execPath, [script, '--out', tmp.dir], { stdio: 'pipe' });
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.gz') || x === 'classes.txt')) {
    assert.equal(sha256(join(tmp.dir, f)), sha256(join(dir, f)), f);
  }
});
