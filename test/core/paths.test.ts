import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot, spacesDir } from '../../src/core/paths.js';

test('packageRoot holds package.json and search-spaces', () => {
  assert.ok(existsSync(join(packageRoot, 'package.json')));
  assert.ok(spacesDir.startsWith(packageRoot));
});
