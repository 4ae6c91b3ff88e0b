/**
 * `nas bench ops [--space S] [--channels 16,32,64] [--sizes 32,16,8] [--batch 1,32] [--backend B,...]
 *  [--rounds R] [--runs N] [--json] [--out FILE.svg]`
 *
 * Every op of a space at a few shapes: its mult-adds and parameters beside its measured forward
 * latency (median and interquartile range, one thread) on each backend, onnxruntime included (the op
 * exported to ONNX). NASNet's ops run at stride 1 and 2 (reduction cells apply them with stride 2),
 * NAS-Bench-201's at stride 1 (its cells never reduce). Backends and ops interleave within each
 * round (bench-ops-measure.ts) and the 1-minute load average is printed at start and end: the
 * machine may be shared, and the figures say under what load they were taken. A benchmark, not a test.
 */
import { availableParallelism, loadavg } from 'node:os';
import { UserError } from '../core/errors.js';
import { availableBackends } from '../engine/backend.js';
import { loadSpace } from '../space/load.js';
import { loadOnnxRuntime, onnxRuntimeError } from '../export/onnx-runtime.js';
import { opsPlotSvg } from '../export/ops-plot.js';
import { measureOps, ONNX_BACKEND, type OpRow, type OpShape } from './bench-ops-measure.js';
import { formatTable, msRange, referenceOp, summarize, type OpSummary } from './bench-ops-summary.js';
import { parseCommand } from './args.js';
import { intOption } from './options.js';
import { checkOutputFile, writeOutputFile } from './output-file.js';

const BACKENDS = ['onednn', 'cpu', 'cpu-stock', ONNX_BACKEND];

const HELP = `usage: nas bench ops [--space S] [--ops OP,...] [--channels C,...] [--sizes H,...] [--batch B,...]
                     [--backend B,...] [--rounds R] [--runs N] [--json] [--out FILE.svg]
  forward latency of every op of a space beside its mult-adds and parameters, one thread per backend
  --space S          nasnet (default), nas-bench-201 or a space file
  --ops OP,...       a subset of the space's ops (default: all; NAS-Bench-201's none is never built)
  --channels C,...   input and output channels (default 16,32,64)
  --sizes H,...      input side in pixels (default 32,16,8)
  --batch B,...      batch sizes (default 1,32)
  --backend B,...    ${BACKENDS.join(', ')} (default: onednn if built, cpu, onnxruntime if installed)
  --rounds R         interleaved rounds (default 3); --runs N timed runs per round (default 5)
  --json             the results as JSON on stdout (progress on stderr)
  --out FILE.svg     also draw mult-adds against latency at the middle shape, stride 1, largest batch`;

function intList(value: string | undefined, name: string, fallback: number[], max: number): number[] {
  if (value === undefined) return fallback;
  const parts = value.split(',').map((p) => p.trim());
  const out = parts.map((p) => intOption(p === '' ? 'empty' : p, name, 1, 1, max));
  if (new Set(out).size !== out.length) throw new UserError(`--${name} lists a value twice: "${value}"`);
  return out;
}

interface Options {
  space: ReturnType<typeof loadSpace>;
  ops: string[];
  shapes: OpShape[];
  backends: string[];
  rounds: number;
  runs: number;
  json: boolean;
  out?: string;
  plot: { channels: number; size: number; batch: number };
  skipped: string[];
}

function parse(argv: string[]): Options | undefined {
  const parsed = parseCommand(argv, {
    verb: 'nas bench ops', usage: HELP,
    options: {
      space: { type: 'string' }, ops: { type: 'string' }, channels: { type: 'string' }, sizes: { type: 'string' }, batch: { type: 'string' },
      backend: { type: 'string' }, rounds: { type: 'string' }, runs: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string' },
    },
  });
  if (!parsed) return undefined;
  const v = parsed.values;
  const channels = intList(v.channels, 'channels', [16, 32, 64], 1024);
  const sizes = intList(v.sizes, 'sizes', [32, 16, 8], 512);
  const batches = intList(v.batch, 'batch', [1, 32], 1024);
  const rounds = intOption(v.rounds, 'rounds', 3, 1, 100);
  const runs = intOption(v.runs, 'runs', 5, 1, 10_000);
  const space = loadSpace(v.space ?? 'nasnet');
  const skipped = space.ops.includes('none') ? ['none (the NAS-Bench-201 cell drops none edges: nothing is built)'] : [];
  let ops = space.ops.filter((o) => o !== 'none');
  if (v.ops !== undefined) {
    const wanted = v.ops.split(',').map((o) => o.trim());
    for (const o of wanted) if (!ops.includes(o)) throw new UserError(`--ops: "${o}" is not an op of space ${space.name} (its ops: ${ops.join(', ')})`);
    ops = ops.filter((o) => wanted.includes(o));
  }
  const available = availableBackends();
  let backends: string[];
  if (v.backend !== undefined) {
    backends = [...new Set(v.backend.split(',').map((b) => b.trim()))];
    for (const b of backends) {
      if (!BACKENDS.includes(b)) throw new UserError(`--backend: unknown backend "${b}" (expected: ${BACKENDS.join(', ')})`);
      if (b === ONNX_BACKEND && !loadOnnxRuntime()) throw new UserError(`--backend onnxruntime: ${onnxRuntimeError()}`);
      if (b !== ONNX_BACKEND && !available.includes(b)) throw new UserError(`--backend ${b} is not available here (available: ${available.join(', ')})`);
    }
  } else {
    backends = [...available.filter((b) => b !== 'cpu-stock'), ...(loadOnnxRuntime() ? [ONNX_BACKEND] : [])];
  }
  if (v.out !== undefined) {
    if (!v.out.toLowerCase().endsWith('.svg')) throw new UserError(`--out ${v.out}: bench ops draws an SVG; give a file name ending in .svg`);
    checkOutputFile(v.out);
  }
  const strides: Array<1 | 2> = space.family === 'nasnet' ? [1, 2] : [1];
  const shapes: OpShape[] = [];
  for (const batch of batches) for (const size of sizes) for (const c of channels) for (const stride of strides) shapes.push({ channels: c, size, stride, batch });
  const mid = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor((a.length - 1) / 2)];
  return {
    space, ops, shapes, backends, rounds, runs, json: v.json ?? false, out: v.out, skipped,
    plot: { channels: mid(channels), size: mid(sizes), batch: Math.max(...batches) },
  };
}

const load = () => loadavg()[0];

/** Entry point of `nas bench ops`. */
export async function benchOps(argv: string[]): Promise<void> {
  const o = parse(argv);
  if (!o) return;
  const say = (line: string) => (o.json ? process.stderr.write(line + '\n') : console.log(line));
  const loadStart = load();
  const started = performance.now();
  say(`nas bench ops: ${o.ops.length} ops of ${o.space.name} x ${o.shapes.length} shapes on ${o.backends.join(', ')}; one thread each, ` +
    `${o.rounds} interleaved rounds of ${o.runs} timed runs (after a warm-up run)`);
  say(`load average (1 min) at start: ${loadStart.toFixed(2)} on ${navigatorCores()} cores${loadStart > navigatorCores() ? ' — the machine is loaded: the figures are under load' : ''}`);
  const rows = await measureOps({ ops: o.ops, shapes: o.shapes, backends: o.backends, rounds: o.rounds, runs: o.runs, onProgress: (l) => say(`  ${l}`) });
  const loadEnd = load();
  const reference = referenceOp(o.ops, rows);
  const summary = summarize(rows, o.ops, o.backends, reference);
  const seconds = (performance.now() - started) / 1000;
  if (o.json) {
    console.log(JSON.stringify({
      space: o.space.name, reference, backends: o.backends, rounds: o.rounds, runs: o.runs, load: { start: loadStart, end: loadEnd, cores: navigatorCores() }, seconds,
      rows: rows.map((r) => ({ ...r, timings: Object.fromEntries(Object.entries(r.timings).map(([b, t]) => [b, { median: t.median, q1: t.q1, q3: t.q3, runs: t.samples.length }])) })),
      summary, skipped: o.skipped,
    }));
  } else {
    for (const line of rowTable(rows, o.backends)) console.log(line);
    console.log('');
    for (const line of summaryTable(summary, o.backends, reference)) console.log(line);
    for (const s of o.skipped) console.log(`  skipped: ${s}`);
  }
  say(`load average (1 min) at end: ${loadEnd.toFixed(2)} on ${navigatorCores()} cores; ${seconds.toFixed(0)} s`);
  if (o.out) {
    const pick = rows.filter((r) => r.channels === o.plot.channels && r.size === o.plot.size && r.stride === 1 && r.batch === o.plot.batch);
    const points = pick.flatMap((r) => o.backends.map((b) => ({ label: r.op, series: b, x: r.multAdds, y: r.timings[b].median })));
    const plot = opsPlotSvg(points, `${o.space.name} ops: mult-adds against measured latency`,
      `C=${o.plot.channels}, ${o.plot.size}x${o.plot.size}, stride 1, batch ${o.plot.batch}, one thread; load average ${loadStart.toFixed(1)} -> ${loadEnd.toFixed(1)} on ${navigatorCores()} cores`);
    writeOutputFile(o.out, plot.svg);
    say(`wrote ${o.out}`);
  }
}

const navigatorCores = () => availableParallelism();

function rowTable(rows: OpRow[], backends: string[]): string[] {
  const si = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : String(v));
  const lines = [['op', 'C', 'H', 's', 'batch', 'MAdds/img', 'params', ...backends.map((b) => `${b} ms (IQR)`)]];
  for (const r of rows) {
    lines.push([r.op, String(r.channels), String(r.size), String(r.stride), String(r.batch), si(r.multAdds), si(r.params), ...backends.map((b) => msRange(r.timings[b]))]);
  }
  return formatTable(lines);
}

function summaryTable(summary: OpSummary[], backends: string[], reference: string): string[] {
  const out: string[] = [];
  const x = (v: number | null) => (v === null || !Number.isFinite(v) ? '-' : `${v.toFixed(2)}x`);
  const ns = (v: number | null) => (v === null || !Number.isFinite(v) ? '-' : v.toFixed(2));
  for (const batch of [...new Set(summary.map((s) => s.batch))]) {
    out.push(`batch ${batch}: time and mult-adds relative to ${reference} at the same shape (geometric mean over shapes); per MAdd > 1 = slower per mult-add than ${reference}`);
    const head = ['op', 'MAdds', ...backends.flatMap((b) => [`${b} time`, 'per MAdd', 'ns/MAdd'])];
    const lines = [head];
    for (const s of summary.filter((q) => q.batch === batch)) {
      lines.push([s.op, x(s.multAddsRatio), ...backends.flatMap((b) => [x(s.timeRatio[b]), x(s.perMultAdd[b]), ns(s.nsPerMultAdd[b])])]);
    }
    out.push(...formatTable(lines), '');
  }
  return out;
}
