/** `nas export`: a genotype as JSON, or its cells as a DOT or SVG diagram. */
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

const HELP = `usage: nas export (--trial ID | --genotype FILE | --baseline NAME) [--format json|dot|svg] [--out FILE] [--db FILE]
  json: the genotype; dot: graphviz source (dot -Tpdf); svg: the normal and reduction cells drawn
  as in the NAS papers (inputs h[i-2], h[i-1], ops on the edges, adds, concat). Default: stdout.`;

/** The genotype to export and a title for it. */
export function exportSource(v: { trial?: string; genotype?: string; baseline?: string; db?: string; space?: string }): { genotype: Genotype; title: string; meta: Record<string, unknown> } {
  const given = [v.trial, v.genotype, v.baseline].filter((x) => x !== undefined).length;
  if (given !== 1) throw new UserError('give exactly one of --trial ID, --genotype FILE, --baseline NAME');
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
    const b = loadBaseline(v.baseline, space);
    return { genotype: b.genotype, title: b.title, meta: { baseline: b.name, citation: b.citation } };
  }
  const file = v.genotype!;
  return { genotype: readGenotypeFile(file, space), title: file, meta: { source: file } };
}

export async function exportCommand(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, {
    verb: 'nas export', usage: HELP,
    options: {
      trial: { type: 'string' }, genotype: { type: 'string' }, baseline: { type: 'string' }, db: { type: 'string' }, space: { type: 'string' },
      format: { type: 'string' }, out: { type: 'string' },
    },
  });
  if (!parsed) return;
  const v = parsed.values;
  const format = choiceOption(v.format, 'format', ['json', 'dot', 'svg'] as const, 'json');
  if (v.out) checkOutputFile(v.out);
  const { genotype, title, meta } = exportSource(v);
  if (format !== 'json' && genotype.space !== 'nasnet') throw new UserError(`--format ${format} draws NASNet cells; this genotype is ${genotype.space} (use --format json)`);
  const text =
    format === 'json' ? genotypeToJson(genotype, meta)
      : format === 'dot' ? genotypeToDot(genotype as Extract<Genotype, { space: 'nasnet' }>, title)
        : genotypeToSvg(genotype as Extract<Genotype, { space: 'nasnet' }>, title);
  if (v.out) {
    writeOutputFile(v.out, text);
    console.log(`wrote ${v.out}`);
  } else process.stdout.write(text);
}
