/**
 * `nas bench ops` with the real CLI on a small grid: JSON on stdout with mult-adds, parameters and
 * timings of every op and shape on every backend (onnxruntime included), the load average at start
 * and end, and the SVG written.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { nas, tempDir } from '../e2e/helpers.js';

const dir = tempDir('nas-bench-ops-');
after(() => rmSync(dir, { recursive: true, force: true }));

test('bench ops --json: every op x shape x backend, with mult-adds, IQR and the load', () => {
  const svg = join(dir, 'ops.svg');
  const r = nas(['bench', 'ops', '--ops', 'conv_3x3,sep_conv_3x3,max_pool_3x3,identity', '--channels', '8', '--sizes', '8,5', '--batch', '1,4',
    '--rounds', '2', '--runs', '2', '--json', '--out', svg], { timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.match(r.stderr, /load average \(1 min\) at start: [\d.]+ on \d+ cores/);
  assert.match(r.stderr, /load average \(1 min\) at end: [\d.]+/);
  assert.ok(out.backends.includes('onnxruntime') && out.backends.includes('cpu'));
  assert.equal(typeof out.load.start, 'number');
  // 4 ops x 2 sizes x 1 width x 2 strides x 2 batches.
  assert.equal(out.rows.length, 4 * 2 * 2 * 2);
  for (const row of out.rows) {
    for (const b of out.backends) {
      const t = row.timings[b];
      assert.equal(t.runs, 4);
      assert.ok(t.q1 <= t.median && t.median <= t.q3 && t.q1 > 0, JSON.stringify(t));
    }
  }
  const conv = out.rows.find((x: { op: string; size: number; stride: number; batch: number }) => x.op === 'conv_3x3' && x.size === 5 && x.stride === 2 && x.batch === 1);
  // ReLU, 3x3 conv 8 -> 8 at stride 2 on 5x5 ('same': 3x3 out), BN: 3*3*8 * 9*8 mult-adds, 9*8*8 + 2*8 parameters.
  assert.equal(conv.multAdds, 3 * 3 * 8 * 9 * 8);
  assert.equal(conv.params, 9 * 8 * 8 + 2 * 8);
  assert.equal(out.rows.find((x: { op: string }) => x.op === 'max_pool_3x3').multAdds, 0);
  assert.equal(out.reference, 'conv_3x3');
  assert.ok(out.summary.some((s: { op: string; perMultAdd: Record<string, number> }) => s.op === 'sep_conv_3x3' && s.perMultAdd.onnxruntime > 0));
  assert.ok(existsSync(svg));
  assert.match(readFileSync(svg, 'utf8'), /class="point"/);
});

test('bench ops on NAS-Bench-201: stride 1 only, none not built', () => {
  const r = nas(['bench', 'ops', '--space', 'nas-bench-201', '--channels', '4', '--sizes', '6', '--batch', '1', '--rounds', '1', '--runs', '1', '--backend', 'cpu,onnxruntime']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /skipped: none/);
  assert.match(r.stdout, /^nor_conv_3x3 +4 +6 +1 +1 /m);
  assert.doesNotMatch(r.stdout, /^\S+ +4 +6 +2 /m);
});
