/** `nas export`: a genotype as JSON, its cells as a DOT or SVG diagram, or its network as ONNX. */
import { UserError } from '../core/errors.js';
import type { Genotype } from '../space/types.js';
import { loadSpace } from '../space/load.js';
import { loadBaseline } from '../baselines/index.js';
import { genotypeToJson, readGenotypeFile } from '../export/genotype-json.js';
import { genotypeToDot } from '../export/dot.js';
import { genotypeToSvg } from '../export/cell-svg.js';
import { choiceOption, defaultDb, intOption } from './options.js';
import { openReadOnly } from './runs.js';
import { parseCommand } from './args.js';
import { checkOutputFile, writeOutputFile } from './output-file.js';
import { exportOnnx } from './export-onnx.js';

const HELP = `usage: nas export (--trial ID | --genotype FILE | --baseline NAME [--published]) [--format json|dot|svg] [--out FILE] [--db FILE]
       nas export (--trial ID | --replay ID | --model DIR) --format onnx --out FILE.onnx [--check] [--db FILE]
  json: the genotype; dot: graphviz source (dot -Tpdf); svg: the cells drawn as in the NAS papers
  (inputs h[i-2], h[i-1], ops on the edges, adds, concat). Default: stdout.
  --published   a published cell (nasnet-a, amoebanet-a, pnasnet-5) with its paper's concatenation
  onnx: the network as an ONNX model (opset 13) taking NHWC images like the tfjs model:
    --trial ID    a searched child at its initial weights (the run's macro, input size and seed)
    --replay ID   the trained model of a completed \`nas train\` replay
    --model DIR   a saved model folder (model.json + weights.bin, or a replay folder holding model/)
    --check       run the file in onnxruntime on the dataset's test split and compare with tfjs`;

/** The genotype to export and a title for it. */
export function exportSource(v: { trial?: string; genotype?: string; baseline?: string; db?: string; space?: string; published?: boolean }): { genotype: Genotype; title: string; meta: Record<string, unknown> } {
  const given = [v.trial, v.genotype, v.baseline].filter((x) => x !== undefined).length;
  if (given !== 1) throw new UserError('give exactly one of --trial ID, --genotype FILE, --baseline NAME');
  if (v.published && v.baseline === undefined) throw new UserError('--published goes with --baseline NAME');
  if (v.trial !== undefined) {
    if (v.space !== undefined) throw new UserError('--space goes with --genotype or --baseline; a trial has its own space');
    const trialId = intOption(v.trial, 'trial', 0, 1);
    const store = openReadOnly(v.db ?? defaultDb());
    try {
      const t = store.requireTrial(trialId);
      const title = t.baseline ? `baseline ${t.baseline} (trial ${t.id})` : `trial ${t.id} of run ${t.runId}`;
      return { genotype: t.genotype, title, meta: { run: t.runId, trial: t.id, reward: t.reward, params: t.params, baseline: t.baseline } };
    } finally {
      store.close();
    }
  }
  if (v.db !== undefined) throw new UserError('--db goes with --trial; --genotype and --baseline do not read a store');
  const space = loadSpace(v.space ?? 'nasnet');
  if (v.baseline !== undefined) {
    const b = loadBaseline(v.baseline, space, { published: v.published === true });
    if (v.published && !('concat' in b.genotype && b.genotype.concat)) throw new UserError(`--published: baseline ${b.name} has no published concatenation (nasnet-a, amoebanet-a and pnasnet-5 do)`);
    return { genotype: b.genotype, title: b.title, meta: { baseline: b.name, citation: b.citation } };
  }
  const file = v.genotype!;
  return { genotype: readGenotypeFile(file, space), title: file, meta: { source: file } };
}

export async function exportCommand(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, {
    verb: 'nas export', usage: HELP,
    options: {
      trial: { type: 'string' }, genotype: { type: 'string' }, baseline: { type: 'string' }, db: { type: 'string' }, space: { type: 'string' }, published: { type: 'boolean' },
      format: { type: 'string' }, out: { type: 'string' }, replay: { type: 'string' }, model: { type: 'string' }, check: { type: 'boolean' },
    },
  });
  if (!parsed) return;
  const v = parsed.values;
  const format = choiceOption(v.format, 'format', ['json', 'dot', 'svg', 'onnx'] as const, 'json');
  if (format === 'onnx') return exportOnnx(v);
  for (const k of ['replay', 'model', 'check'] as const) if (v[k] !== undefined) throw new UserError(`--${k} goes with --format onnx`);
  if (v.out) checkOutputFile(v.out);
  const { genotype, title, meta } = exportSource(v);
  const text = format === 'json' ? genotypeToJson(genotype, meta) : format === 'dot' ? genotypeToDot(genotype, title) : await genotypeToSvg(genotype, title);
  if (v.out) {
    writeOutputFile(v.out, text);
    console.log(`wrote ${v.out}`);
  } else process.stdout.write(text);
}
