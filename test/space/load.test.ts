import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpace, listSpaces, SpaceError } from '../../src/space/load.js';
import { UserError } from '../../src/core/errors.js';
import { spacesDir } from '../../src/core/paths.js';
import { NASNET_OPS, NB201_OPS } from '../../src/model/ops/names.js';

const dir = mkdtempSync(join(tmpdir(), 'nas-space-'));
const base = JSON.parse(readFileSync(join(spacesDir, 'nasnet.json'), 'utf8'));

/** Writes `content` (an object or raw text) to a temp file and returns its path. */
function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return p;
}

test('the shipped spaces load with their published op sets', () => {
  assert.deepEqual(listSpaces().filter((s) => s === 'nasnet' || s === 'nas-bench-201').sort(), ['nas-bench-201', 'nasnet']);
  const nasnet = loadSpace('nasnet');
  assert.equal(nasnet.family, 'nasnet');
  assert.deepEqual([...nasnet.ops], [...NASNET_OPS]);
  assert.equal(nasnet.ops.length, 13);
  assert.equal(nasnet.blocks, 5);
  assert.equal(nasnet.file, join(spacesDir, 'nasnet.json'));
  const nb = loadSpace('nas-bench-201');
  assert.equal(nb.family, 'nas-bench-201');
  assert.deepEqual([...nb.ops], [...NB201_OPS]);
  assert.equal(nb.blocks, 3);
  // A path loads the same file.
  assert.equal(loadSpace(join(spacesDir, 'nasnet.json')).name, 'nasnet');
});

test('blocks and macro come from the file', () => {
  const s = loadSpace(file('small.json', { ...base, name: 'small', blocks: 2, macro: { ...base.macro, filters: 4 } }));
  assert.equal(s.blocks, 2);
  assert.equal(s.macro.filters, 4);
  assert.equal(s.decisions().length, 2 * 2 * 4);
});

test('an unknown name lists the known spaces', () => {
  assert.throws(() => loadSpace('nope'), (e: Error) => e instanceof UserError && /unknown search space "nope" \(known: .*nasnet/.test(e.message));
  assert.throws(() => loadSpace('./missing.json'), (e: Error) => e instanceof UserError && /not found: \.\/missing\.json/.test(e.message));
});

/** Each bad file must be rejected with its file name and the JSON path of the fault. */
const bad: [string, unknown, RegExp][] = [
  ['unknown-op.json', { ...base, ops: ['identity', 'conv_1x1', 'conv_3x3', 'foo'] }, /\$\.ops\[3\]: unknown op "foo" \(known: identity, /],
  ['dup-op.json', { ...base, ops: ['identity', 'identity'] }, /\$\.ops\[1\]: duplicate op "identity"/],
  ['op-type.json', { ...base, ops: ['identity', 3] }, /\$\.ops\[1\]: expected an op name, got 3/],
  ['no-ops.json', { ...base, ops: [] }, /\$\.ops: expected a non-empty array/],
  ['family.json', { ...base, family: 'darts' }, /\$\.family: unknown family "darts"/],
  ['blocks.json', { ...base, blocks: 0 }, /\$\.blocks: expected an integer 1\.\.20, got 0/],
  ['name.json', { ...base, name: '' }, /\$\.name: expected a non-empty string/],
  ['extra.json', { ...base, opz: [] }, /\$\.opz: unknown key/],
  ['macro.json', { ...base, macro: { ...base.macro, filters: -1 } }, /\$\.macro\.filters: expected an integer 1\.\.4096, got -1/],
  ['macro-key.json', { ...base, macro: { ...base.macro, cells: 2 } }, /\$\.macro\.cells: unknown key/],
  ['no-macro.json', { ...base, macro: undefined }, /\$\.macro: expected an object, got nothing/],
  ['nb201-blocks.json', { ...base, family: 'nas-bench-201', ops: [...NB201_OPS], blocks: 4 }, /\$\.blocks: a nas-bench-201 cell has 3/],
  ['nb201-none.json', { ...base, family: 'nas-bench-201', ops: ['skip_connect', 'nor_conv_3x3'], blocks: 3 }, /\$\.ops: a nas-bench-201 space needs "none"/],
  ['array.json', [1, 2], /\$: expected an object, got an array/],
];
for (const [name, content, re] of bad) {
  test(`rejects ${name} naming the file and the JSON path`, () => {
    const p = file(name, content);
    assert.throws(
      () => loadSpace(p),
      (e: Error) => {
        assert.ok(e instanceof SpaceError && e instanceof UserError, `not a SpaceError: ${e}`);
        assert.ok(e.message.includes(name), `no file name in: ${e.message}`);
        assert.match(e.message, re);
        assert.ok(!e.message.includes('\n'), 'one line');
        return true;
      },
    );
  });
}

test('malformed JSON names the file and the line and column', () => {
  const p = file('broken.json', '{\n  "name": "x",\n  "ops": [1,\n}\n');
  assert.throws(() => loadSpace(p), (e: Error) => e instanceof UserError && /broken\.json: malformed JSON at line 4 column 1/.test(e.message));
  const q = file('truncated.json', '{"name": "x"');
  assert.throws(() => loadSpace(q), (e: Error) => e instanceof UserError && /truncated\.json: malformed JSON/.test(e.message));
});
