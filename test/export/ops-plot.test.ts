/**
 * The bench ops picture keeps the readability rule of the cell diagrams: no label over a point, an
 * axis text or another label, however crowded the points (a label with no room goes to the list).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { opsPlotSvg, type PlotPoint } from '../../src/export/ops-plot.js';
import { findOverlaps } from '../../src/export/boxes.js';
import { NASNET_OPS } from '../../src/model/ops/names.js';

function points(seed: string, spread: number): PlotPoint[] {
  const rng = seedrandom(seed);
  return ['onednn', 'cpu', 'onnxruntime'].flatMap((series, s) => NASNET_OPS.map((op, i) => ({
    label: op, series,
    x: op.includes('pool') || op === 'identity' ? 0 : 1e5 * 10 ** (spread * (rng() - 0.5)),
    y: 1e-3 * (1 + s) * 10 ** (spread * (rng() - 0.5) + i * 0.01),
  })));
}

for (const [name, spread] of [['spread out', 3], ['crowded', 0.3], ['all on one spot', 0]] as const) {
  test(`ops plot, ${name}: every point drawn, every label placed or listed, no overlaps`, () => {
    const pts = points(name, spread);
    const plot = opsPlotSvg(pts, 'title', 'subtitle');
    assert.equal((plot.svg.match(/class="point"/g) ?? []).length, pts.length);
    const shown = plot.labels.filter((l) => l.what.startsWith('label ') || l.what.startsWith('list '));
    assert.equal(shown.length, pts.length, 'each point has its label on the plot or in the list');
    assert.deepEqual(findOverlaps(plot.nodes, plot.labels), []);
  });
}

test('the overlap check sees a label drawn on a point (it can fail)', () => {
  const plot = opsPlotSvg(points('x', 1), 't', 's');
  const point = plot.nodes.find((n) => n.what.startsWith('point '))!;
  assert.notDeepEqual(findOverlaps(plot.nodes, [...plot.labels, { what: 'stray', box: point.box }]), []);
});
