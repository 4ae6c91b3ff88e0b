/**
 * `nas train --baseline NAME` trains a network baseline as its network (its space and macro options,
 * src/baselines/), not its cell alone: WRN-style resnet (width ×4) has about k² = 16× the
 * parameters of resnet at the same size, and its replay records the widened macro.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TINY_TRAIN, writeTinyIdx } from './fixtures.js';
import { nas, tempDir } from './helpers.js';

test('nas train --baseline wrn trains the widened network; resnet the plain one', { timeout: 300_000 }, () => {
  const root = tempDir('nas-network-baselines-');
  const dataset = join(root, 'tiny-idx');
  writeTinyIdx(dataset);
  const params = (name: string) => {
    const args = ['train', ...TINY_TRAIN.map((a, i) => (TINY_TRAIN[i - 1] === '--baseline' ? name : TINY_TRAIN[i - 1] === '--epochs' ? '1' : a)), '--dataset', dataset, '--out', join(root, name), '--db', join(root, 'nas.db')];
    const r = nas(args);
    assert.equal(r.status, 0, `nas ${args.join(' ')}: ${r.stderr}`);
    const m = /baseline (\S+) on .*, ([\d.]+)(k|M)? params/.exec(r.stdout);
    assert.ok(m && m[1] === name, r.stdout);
    const ckpt = JSON.parse(readFileSync(join(root, name, 'checkpoint.json'), 'utf8'));
    return { params: Number(m![2]) * (m![3] === 'k' ? 1e3 : m![3] === 'M' ? 1e6 : 1), config: JSON.stringify(ckpt.config) };
  };
  const wide = params('wrn');
  const plain = params('resnet');
  const ratio = wide.params / plain.params;
  assert.ok(ratio > 8 && ratio < 17, `wrn ${wide.params} vs resnet ${plain.params} params (×${ratio.toFixed(1)})`);
  assert.match(wide.config, /"widthMultiplier":4/);
  assert.doesNotMatch(plain.config, /widthMultiplier/);
});
