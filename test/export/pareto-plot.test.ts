/**
 * The Pareto-front picture keeps the readability rule of the other diagrams (no label over a point,
 * an axis text or another label; a label with no room goes to the list), on hundreds of random point
 * sets of every shape; its staircase runs through every front member, turns the right way for each
 * pair of directions and only ever steps one way; and the SVG is well-formed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { hypervolumeCurveSvg, paretoPlotSvg, staircase, type ParetoPlotInput, type ParetoPlotPoint } from '../../src/export/pareto-plot.js';
import { findOverlaps } from '../../src/export/boxes.js';
import { paretoFront, type Direction } from '../../src/objectives/pareto.js';

/** Balanced, properly nested tags with quoted attributes under one <svg> root; text holds no raw < > or stray &. */
function wellFormed(svg: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < svg.length) {
    const lt = svg.indexOf('<', i);
    const textEnd = lt < 0 ? svg.length : lt;
    const text = svg.slice(i, textEnd);
    if (text.includes('>')) problems.push(`raw > in text near ${i}`);
    if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(text)) problems.push(`stray & near ${i}`);
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(svg);
    if (!m) {
      problems.push(`malformed tag at ${lt}: ${svg.slice(lt, lt + 40)}`);
      break;
    }
    const [, close, name, attrs, self] = m;
    if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(attrs)) problems.push(`stray & in attributes of <${name}>`);
    if (close) {
      if (stack.pop() !== name) problems.push(`</${name}> closes the wrong element`);
    } else if (!self) {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) roots++;
    i = tag.lastIndex;
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(', ')}`);
  if (roots !== 1 || !svg.trimStart().startsWith('<svg')) problems.push(`${roots} root elements`);
  return problems;
}

const markers = (svg: string) => [...svg.matchAll(/<circle cx="([^"]+)" cy="([^"]+)"[^>]*class="front" data-id="(\d+)"/g)].map((m) => ({ x: +m[1], y: +m[2], id: +m[3] }));
function stairPath(svg: string): Array<{ x: number; y: number }> {
  const d = /<path d="([^"]+)"[^>]*class="staircase"/.exec(svg)?.[1] ?? '';
  return [...d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => ({ x: +m[1], y: +m[2] }));
}

type Shape = 'uniform' | 'trade-off' | 'clusters' | 'one spot' | 'wide log';
const SHAPES: Shape[] = ['uniform', 'trade-off', 'clusters', 'one spot', 'wide log'];

function randomInput(rng: () => number, shape: Shape): ParetoPlotInput {
  const n = 1 + Math.floor(rng() * (shape === 'trade-off' ? 80 : 150));
  const dirs: Direction[] = [rng() < 0.5 ? 'max' : 'min', rng() < 0.5 ? 'max' : 'min'];
  const centres = Array.from({ length: 1 + Math.floor(rng() * 4) }, () => [rng(), rng()]);
  const raw = Array.from({ length: n }, () => {
    const t = rng();
    switch (shape) {
      case 'uniform': return [0.5 + rng(), 0.5 + rng()];
      // A noisy trade-off curve, oriented so that most points are on the front for these directions.
      case 'trade-off': return [1 + t, 1 + ((dirs[0] === dirs[1]) ? 1 - t : t) + 0.05 * rng()];
      case 'clusters': {
        const c = centres[Math.floor(rng() * centres.length)];
        return [1 + c[0] + 0.01 * rng(), 1 + c[1] + 0.01 * rng()];
      }
      case 'one spot': return rng() < 0.8 ? [2, 3] : [2 + 0.001 * rng(), 3];
      case 'wide log': return [10 ** (-4 + 4 * rng()), 10 ** (4 + 4 * rng())];
    }
  });
  const front = new Set(paretoFront(raw, dirs));
  const label = () => {
    const r = rng();
    return r < 0.4 ? undefined : r < 0.8 ? `cell ${Math.floor(rng() * 1000)}` : r < 0.95 ? 'sep_conv_3x3 x 4 <&> "b"' : 'a rather long label for a child architecture';
  };
  const points: ParetoPlotPoint[] = raw.map(([x, y], i) => ({ id: 100 + i, x, y, onFront: front.has(i), label: label() }));
  const log = shape === 'wide log' || rng() < 0.3;
  return { title: `front (${shape})`, subtitle: rng() < 0.5 ? 'subtitle & more' : undefined, x: { label: 'latency (ms)', dir: dirs[0], log }, y: { label: 'accuracy', dir: dirs[1], log: log && rng() < 0.7 }, points };
}

test('well-formedness check: it finds unbalanced tags and stray ampersands (it can fail)', () => {
  assert.deepEqual(wellFormed('<svg a="1"><g><text>a &amp; b</text></g><rect/></svg>'), []);
  assert.notDeepEqual(wellFormed('<svg><g></svg>'), []);
  assert.notDeepEqual(wellFormed('<svg><text>a & b</text></svg>'), []);
  assert.notDeepEqual(wellFormed('<svg><text>a < b</text></svg>'), []);
  assert.notDeepEqual(wellFormed('<svg></svg><svg></svg>'), []);
});

test('the staircase in data coordinates: through every point, each corner worse in both objectives', () => {
  // Both up: between (1,3) and (3,1) the corner is (1,1), the low corner of the region they dominate.
  assert.deepEqual(staircase([{ x: 3, y: 1 }, { x: 1, y: 3 }], 'max', 'max'), [{ x: 1, y: 3 }, { x: 1, y: 1 }, { x: 3, y: 1 }]);
  assert.deepEqual(staircase([{ x: 3, y: 1 }, { x: 1, y: 3 }], 'min', 'min'), [{ x: 3, y: 1 }, { x: 3, y: 3 }, { x: 1, y: 3 }]);
  // x up, y down (accuracy against latency, say): (1,1) and (3,3) meet at (1,3).
  assert.deepEqual(staircase([{ x: 1, y: 1 }, { x: 3, y: 3 }], 'max', 'min'), [{ x: 1, y: 1 }, { x: 1, y: 3 }, { x: 3, y: 3 }]);
  assert.deepEqual(staircase([{ x: 1, y: 1 }, { x: 3, y: 3 }], 'min', 'max'), [{ x: 3, y: 3 }, { x: 3, y: 1 }, { x: 1, y: 1 }]);
  assert.deepEqual(staircase([{ x: 1, y: 1 }, { x: 1, y: 1 }], 'max', 'max'), [{ x: 1, y: 1 }], 'duplicates are one step');
  assert.deepEqual(staircase([], 'max', 'max'), []);
});

for (const [dx, dy, pts] of [
  ['max', 'max', [[1, 3], [3, 1]]], ['min', 'min', [[1, 3], [3, 1]]], ['max', 'min', [[1, 1], [3, 3]]], ['min', 'max', [[1, 1], [3, 3]]],
] as Array<[Direction, Direction, number[][]]>) {
  test(`the drawn staircase for x ${dx}, y ${dy}: corner on the dominated side, ends on the frame`, () => {
    const plot = paretoPlotSvg({ title: 't', x: { label: 'x', dir: dx }, y: { label: 'y', dir: dy }, points: pts.map(([x, y], i) => ({ id: i, x, y, onFront: true })) });
    const [a, b] = markers(plot.svg).sort((p, q) => p.id - q.id);
    const path = stairPath(plot.svg);
    assert.equal(path.length, 5, 'frame, point, corner, point, frame');
    // The corner takes the worse x and the worse y of the two points, on screen.
    const worseX = dx === 'max' ? Math.min : Math.max;
    const worseY = dy === 'max' ? Math.min : Math.max;
    const cornerX = worseX(pts[0][0], pts[1][0]) === pts[0][0] ? a.x : b.x;
    const cornerY = worseY(pts[0][1], pts[1][1]) === pts[0][1] ? a.y : b.y;
    assert.deepEqual(path[2], { x: cornerX, y: cornerY });
    // The ends run to the frame on the worse side: a horizontal start, a vertical end.
    assert.equal(path[0].y, path[1].y);
    assert.equal(path[4].x, path[3].x);
    const xs = plot.svg.match(/<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)" fill="none"/)!.slice(1).map(Number);
    assert.equal(path[0].x, dx === 'max' ? xs[0] : xs[0] + xs[2]);
    assert.equal(path[4].y, dy === 'max' ? xs[1] + xs[3] : xs[1]);
  });
}

test('on hundreds of random point sets: well-formed, every front member labelled, no overlaps, the staircase through the front', () => {
  const rng = seedrandom('pareto-plot');
  let listed = 0, placed = 0;
  for (let t = 0; t < 300; t++) {
    const shape = SHAPES[t % SHAPES.length];
    const input = randomInput(rng, shape);
    const plot = paretoPlotSvg(input);
    const what = `set ${t} (${shape}, ${input.x.dir}/${input.y.dir}, ${input.points.length} points)`;
    assert.deepEqual(wellFormed(plot.svg), [], what);
    assert.doesNotMatch(plot.svg, /NaN|Infinity|undefined/, what);
    const front = input.points.filter((p) => p.onFront);
    assert.equal((plot.svg.match(/class="point"/g) ?? []).length, input.points.length - front.length, what);
    assert.equal(markers(plot.svg).length, front.length, what);
    // Every front member has its label on the plot or a line in the list, exactly once.
    for (const p of front) {
      const shown = plot.labels.filter((l) => l.what.startsWith(`label of #${p.id}:`) || l.what.startsWith(`list of #${p.id}:`));
      assert.equal(shown.length, 1, `${what}: #${p.id}`);
      assert.ok(shown[0].what.endsWith(p.label ?? `#${p.id}`));
    }
    assert.equal(plot.labels.filter((l) => l.what.startsWith('label of #') || l.what.startsWith('list of #')).length, front.length, `${what}: only front members are labelled`);
    listed += plot.labels.filter((l) => l.what.startsWith('list of')).length;
    placed += plot.labels.filter((l) => l.what.startsWith('label of')).length;
    assert.deepEqual(findOverlaps(plot.nodes, plot.labels), [], what);
    // The staircase: through every front marker, axis-aligned, each direction of travel one way only.
    const path = stairPath(plot.svg);
    const vertices = new Set(path.map((p) => `${p.x},${p.y}`));
    for (const m of markers(plot.svg)) assert.ok(vertices.has(`${m.x},${m.y}`), `${what}: staircase misses #${m.id}`);
    const signs = new Set<string>();
    for (let i = 1; i < path.length; i++) {
      const ddx = path[i].x - path[i - 1].x, ddy = path[i].y - path[i - 1].y;
      assert.ok(ddx === 0 || ddy === 0, `${what}: a diagonal step`);
      if (ddx !== 0) signs.add(`x${Math.sign(ddx)}`);
      if (ddy !== 0) signs.add(`y${Math.sign(ddy)}`);
    }
    assert.ok(!(signs.has('x1') && signs.has('x-1')) && !(signs.has('y1') && signs.has('y-1')), `${what}: the staircase turns back`);
  }
  assert.ok(placed > 1000 && listed > 0, `both paths exercised: ${placed} placed, ${listed} listed`);
});

test('a long crowded front: labels that find no room are listed, still without overlaps', () => {
  const points = Array.from({ length: 150 }, (_, i) => ({ id: i, x: 1 + i / 150, y: 2 - i / 150, onFront: true, label: `child ${i}` }));
  const plot = paretoPlotSvg({ title: 'crowded', x: { label: 'x', dir: 'max' }, y: { label: 'y', dir: 'max' }, points });
  const listed = plot.labels.filter((l) => l.what.startsWith('list of')).length;
  assert.ok(listed > 0);
  assert.equal(plot.labels.filter((l) => l.what.startsWith('label of') || l.what.startsWith('list of')).length, 150);
  assert.match(plot.svg, /class="listed" data-id="\d+">\d+: child \d+</);
  assert.deepEqual(findOverlaps(plot.nodes, plot.labels), []);
  assert.deepEqual(wellFormed(plot.svg), []);
});

test('the overlap check sees a label drawn on a point (it can fail)', () => {
  const plot = paretoPlotSvg(randomInput(seedrandom('stray'), 'uniform'));
  const point = plot.nodes.find((n) => n.what.startsWith('front #'))!;
  assert.notDeepEqual(findOverlaps(plot.nodes, [...plot.labels, { what: 'stray', box: point.box }]), []);
});

test('bad points are refused', () => {
  const base = { title: 't', x: { label: 'x', dir: 'max' as const }, y: { label: 'y', dir: 'min' as const } };
  assert.throws(() => paretoPlotSvg({ ...base, points: [{ id: 1, x: NaN, y: 1, onFront: true }] }), /#1 is not finite/);
  assert.throws(() => paretoPlotSvg({ ...base, x: { ...base.x, log: true }, points: [{ id: 2, x: 0, y: 1, onFront: true }] }), /#2 is not positive on a log axis/);
  const empty = paretoPlotSvg({ ...base, points: [] });
  assert.deepEqual(wellFormed(empty.svg), []);
  assert.doesNotMatch(empty.svg, /NaN/);
});

test('hypervolume curves: a step line per series, a legend, well-formed', () => {
  const svg = hypervolumeCurveSvg({
    title: 'hypervolume', subtitle: 'evolution & random', xLabel: 'children evaluated',
    series: [
      { label: 'evolution', points: [{ x: 1, y: 0.1 }, { x: 2, y: 0.3 }, { x: 5, y: 0.35 }] },
      { label: 'random <baseline>', points: [{ x: 1, y: 0.05 }, { x: 4, y: 0.2 }] },
      { label: 'not started', points: [] },
    ],
  });
  assert.deepEqual(wellFormed(svg), []);
  assert.equal((svg.match(/class="series"/g) ?? []).length, 3);
  assert.match(svg, /random &lt;baseline&gt; \(0\.2\)/);
  const paths = [...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => [...m[1].matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((v) => ({ x: +v[1], y: +v[2] })));
  assert.deepEqual(paths.map((p) => p.length), [1 + 2 * 2, 1 + 2 * 1], 'M, then across and up at each later point');
  for (const p of paths) {
    for (let i = 1; i < p.length; i++) {
      assert.ok(p[i].x === p[i - 1].x || p[i].y === p[i - 1].y, 'steps only');
      assert.ok(p[i].x >= p[i - 1].x && p[i].y <= p[i - 1].y, 'rightwards, and up as the volume grows');
    }
  }
  const none = hypervolumeCurveSvg({ title: 'empty', xLabel: 'x', series: [] });
  assert.deepEqual(wellFormed(none), []);
  assert.doesNotMatch(none, /NaN/);
});
