import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cellGraph, concatenatedBlocks } from '../../src/export/cell-graph.js';
import { genotypeToDot } from '../../src/export/dot.js';
import { genotypeToSvg } from '../../src/export/cell-svg.js';
import { genotypeFromJson, genotypeToJson } from '../../src/export/genotype-json.js';
import { baselinesDir } from '../../src/baselines/index.js';
import type { NasnetGenotype } from '../../src/space/types.js';

// NASNet-A (Zoph et al. 2018, Fig. 4) as stored in search-spaces/baselines/.
const nasnet = genotypeFromJson(JSON.parse(readFileSync(join(baselinesDir, 'nasnet-a.json'), 'utf8'))) as NasnetGenotype;

test('concat joins exactly the blocks no other block reads', () => {
  assert.deepEqual(concatenatedBlocks(nasnet.normal), [0, 1, 2, 3, 4]);
  // Reduction cell: block 3 reads blocks 1 and 0, block 4 reads block 0 -> concat of 2, 3, 4 (DARTS reduce_concat [4, 5, 6]).
  assert.deepEqual(concatenatedBlocks(nasnet.reduce), [2, 3, 4]);
});

test('cell graph: two inputs, one add per block, ops on edges, layered', () => {
  const g = cellGraph(nasnet.reduce, 'reduction cell');
  assert.deepEqual(g.nodes.map((n) => n.id), ['in0', 'in1', 'b0', 'b1', 'b2', 'b3', 'b4', 'out']);
  assert.equal(g.edges.filter((e) => e.op).length, 10);
  assert.deepEqual(g.edges.find((e) => e.to === 'b3' && e.from === 'b1'), { from: 'b1', to: 'b3', op: 'identity' });
  const layer = Object.fromEntries(g.nodes.map((n) => [n.id, n.layer]));
  assert.equal(layer.b0, 1);
  assert.equal(layer.b3, 2); // reads blocks 0 and 1
  assert.equal(layer.out, 3);
});

test('DOT: one cluster per cell, every node and labelled edge', () => {
  const dot = genotypeToDot(nasnet, 'nasnet-a');
  assert.match(dot, /^digraph "nasnet-a" \{/);
  assert.equal((dot.match(/subgraph cluster_/g) ?? []).length, 2);
  assert.match(dot, /"normal_in1" -> "normal_b0" \[label="sep_conv_5x5"\];/);
  assert.match(dot, /"reduce_b1" -> "reduce_b3" \[label="identity"\];/);
  assert.match(dot, /"reduce_b2" -> "reduce_out" \[color=/);
  assert.doesNotMatch(dot, /"reduce_b0" -> "reduce_out"/);
  assert.equal((dot.match(/-> "\w+" \[label=/g) ?? []).length, 20);
  // The inputs on the first rank, the concat on the last, in each cluster.
  assert.match(dot, /\{ rank=source; "normal_in0"; "normal_in1"; \}/);
  assert.match(dot, /\{ rank=sink; "reduce_out"; \}/);
});

test("SVG: nodes, edges with op labels, both cells, well-formed", async () => {
  const svg = await genotypeToSvg(nasnet, "NASNet-A");
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal((svg.match(/class="cell"/g) ?? []).length, 2);
  assert.equal((svg.match(/class="node"/g) ?? []).length, 16);
  assert.equal((svg.match(/data-kind="add"/g) ?? []).length, 10);
  assert.equal((svg.match(/class="edge"/g) ?? []).length, 20 + 5 + 3);
  // Every text is drawn to the width the layout measured for it.
  assert.equal((svg.match(/<text [^>]*textLength=/g) ?? []).length, 20 + 16);
  assert.equal((svg.match(/class="op"/g) ?? []).length, 20);
  assert.match(svg, /data-from="b1" data-to="b3" data-op="identity"/);
  assert.equal((svg.match(/>h\[i-2\]</g) ?? []).length, 2);
  assert.equal((svg.match(/>concat</g) ?? []).length, 2);
  // Balanced tags: every opened g/svg/text closes.
  for (const tag of ['g', 'text', 'svg', 'defs', 'marker']) {
    assert.equal((svg.match(new RegExp(`<${tag}[ >]`, 'g')) ?? []).length, (svg.match(new RegExp(`</${tag}>`, 'g')) ?? []).length, tag);
  }
  // Parallel edges (block 3 of the normal cell reads h[i-2] twice) are routed apart, not drawn on top of each other.
  const paths = [...svg.matchAll(/<path d="([^"]+)"[^>]*data-from="in0" data-to="b3"/g)].map((m) => m[1]);
  assert.equal(paths.length, 2);
  assert.notEqual(paths[0], paths[1]);
});

test('JSON export round-trips and escapes nothing away', () => {
  const text = genotypeToJson(nasnet, { source: 'nasnet-a' });
  const back = JSON.parse(text);
  assert.equal(back.source, 'nasnet-a');
  assert.deepEqual(genotypeFromJson(back), nasnet);
});

test('NAS-Bench-201 cells draw too: nodes 0..3, one labelled edge per op that is not none', async () => {
  const g = { space: 'nas-bench-201' as const, arch: '|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|none~2|' };
  const svg = await genotypeToSvg(g, 'an NB201 cell');
  assert.equal((svg.match(/class="cell"/g) ?? []).length, 1);
  assert.equal((svg.match(/class="node"/g) ?? []).length, 4);
  assert.equal((svg.match(/class="op"/g) ?? []).length, 4);
  assert.match(svg, /data-from="n1" data-to="n2" data-op="avg_pool_3x3"/);
  const dot = genotypeToDot(g, 'nb201');
  assert.equal((dot.match(/-> "cell_n\d" \[label=/g) ?? []).length, 4);
  assert.doesNotMatch(dot, /none/);
});
