/** The comparison figures: training and test panels, one line per model in each, well-formed SVG. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { curvesSvg } from '../../src/export/compare-plot.js';
import { assertWellFormedSvg } from './helpers.js';

const pts = (values: number[]) => values.map((value, i) => ({ epoch: i + 1, value }));

test('accuracy figure: two panels, a line and a dot per epoch for every model in each, names escaped', () => {
  const svg = curvesSvg({
    title: 'comparison 1: accuracy <per> epoch & more', measure: 'accuracy', percent: true, epochs: 3,
    series: [
      { name: 'resnet', train: pts([0.5, 0.7, 0.8]), test: pts([0.55, 0.65, 0.75]) },
      { name: 'vgg "plain"', train: pts([0.4, 0.6, 0.7]), test: pts([0.45, 0.5, 0.6]) },
    ],
  });
  assertWellFormedSvg(svg);
  assert.deepEqual([...svg.matchAll(/class="panel-title">([^<]+)</g)].map((m) => m[1]), ['training accuracy', 'test accuracy']);
  assert.equal((svg.match(/class="series"/g) ?? []).length, 4, 'a line per model per panel');
  assert.equal((svg.match(/<circle /g) ?? []).length, 12, 'a dot per epoch');
  assert.match(svg, /data-name="vgg &quot;plain&quot;"/);
  assert.match(svg, /accuracy &lt;per&gt; epoch &amp; more/);
  assert.match(svg, />80%</, 'percent ticks');
});

test('loss figure from 0; a model without test points yet, a single epoch and no models at all still render', () => {
  const svg = curvesSvg({ title: 'loss', measure: 'loss', percent: false, epochs: 1, series: [{ name: 'a', train: pts([2.3]), test: [] }] });
  assertWellFormedSvg(svg);
  assert.equal((svg.match(/class="series"/g) ?? []).length, 1);
  assert.match(svg, />0</);
  const empty = curvesSvg({ title: 'nothing yet', measure: 'loss', percent: false, epochs: 2, series: [] });
  assertWellFormedSvg(empty);
  assert.equal((empty.match(/class="series"/g) ?? []).length, 0);
});

test('the well-formedness check itself catches broken SVG', () => {
  assert.throws(() => assertWellFormedSvg('<svg xmlns="http://www.w3.org/2000/svg"><g></svg>'), /closes the wrong element/);
  assert.throws(() => assertWellFormedSvg('<svg xmlns="http://www.w3.org/2000/svg"><text>a & b</text></svg>'), /unescaped &/);
  assert.throws(() => assertWellFormedSvg('<svg xmlns="http://www.w3.org/2000/svg"><path d="MNaN"/></svg>'), /NaN/);
});

test('past ten models the colours come round again with a dash pattern, so no two series look alike', () => {
  const series = Array.from({ length: 25 }, (_, i) => ({ name: `m${i}`, train: pts([0.5, 0.6]), test: pts([0.5, 0.55]) }));
  const svg = curvesSvg({ title: 'zoo', measure: 'accuracy', percent: true, epochs: 2, series });
  assertWellFormedSvg(svg);
  const legend = svg.slice(svg.indexOf('class="legend"'));
  const looks = [...legend.matchAll(/<line [^>]*stroke="([^"]+)"[^>]*?(?:stroke-dasharray="([^"]+)")?\/>/g)].map((m) => `${m[1]} ${m[2] ?? 'solid'}`);
  assert.equal(looks.length, 25);
  assert.equal(new Set(looks).size, 25, looks.join(' | '));
  // The panels' lines look like their legend entries.
  const paths = [...svg.matchAll(/data-name="(m\d+)"[^>]*>\s*<path [^>]*stroke="([^"]+)"[^>]*?(?:stroke-dasharray="([^"]+)")?\/>/g)];
  assert.equal(paths.length, 50);
  for (const [, name, color, dash] of paths) assert.equal(`${color} ${dash ?? 'solid'}`, looks[Number(name.slice(1))]);
});
