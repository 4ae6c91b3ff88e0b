/**
 * The reference set of a fidelity study: K cells drawn at random from the space (seeded), plus the
 * top cells of a search run, plus the hand-designed baselines, plus cells from genotype files. Each
 * appears once (canonical key).
 */
import { UserError } from '../core/errors.js';
import type { SearchSpace } from '../space/types.js';
import { createRng } from '../core/rng.js';
import { cellBaselines, loadBaseline } from '../baselines/index.js';
import type { Store } from '../store/store.js';
import type { StudyCellRow } from '../store/studies.js';
import { readGenotypeFile } from '../export/genotype-json.js';

export type NewCell = Pick<StudyCellRow, 'label' | 'source' | 'key' | 'genotype'>;

/** `count` distinct random cells; the same seed gives the same cells. */
export function randomCells(space: SearchSpace, count: number, seed: number): NewCell[] {
  const rng = createRng(`fidelity-cells:${seed}`);
  const out: NewCell[] = [];
  const seen = new Set<string>();
  for (let tries = 0; out.length < count && tries < count * 100; tries++) {
    const genotype = space.sample(rng);
    const key = space.key(genotype);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ label: `random ${out.length + 1}`, source: 'random', key, genotype });
  }
  return out;
}

/** The `top` best complete trials of a run (baselines excluded), best first. */
export function runCells(store: Store, runId: number, top: number, space: SearchSpace): NewCell[] {
  const run = store.requireRun(runId);
  if (run.config.spaceFile !== space.file) throw new UserError(`run ${runId} searched ${run.config.space}, not ${space.name}`);
  const trials = store.topTrials(runId, top);
  if (trials.length === 0) throw new UserError(`run ${runId} has no completed trial to add`);
  return trials.map((t) => ({ label: `run ${runId} trial ${t.id}`, source: 'run' as const, key: t.key, genotype: t.genotype }));
}

/**
 * The hand-designed baseline cells of the space, all or the named ones (not the network baselines:
 * a study trains every cell at one macro). UserError for a name that is not a cell baseline.
 */
export function baselineCells(space: SearchSpace, names?: string[]): NewCell[] {
  const known = cellBaselines(space);
  for (const n of names ?? []) {
    if (!known.includes(n)) throw new UserError(`--baselines: "${n}" is not a cell baseline of ${space.name} (known: ${known.join(', ')})`);
  }
  return (names ?? known).map((name) => {
    const b = loadBaseline(name, space);
    return { label: `baseline ${name}`, source: 'baseline' as const, key: space.key(b.genotype), genotype: b.genotype };
  });
}

/**
 * Cells from genotype files (`nas export --format json` output, or a bare genotype), e.g. a cell a
 * search returned on another machine. UserError for a missing file or a genotype the space rejects.
 */
export function fileCells(space: SearchSpace, files: string[]): NewCell[] {
  return files.map((file) => {
    const genotype = readGenotypeFile(file, space);
    return { label: `genotype ${file}`, source: 'file' as const, key: space.key(genotype), genotype };
  });
}
