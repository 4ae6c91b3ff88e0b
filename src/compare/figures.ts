/** A comparison's figures (accuracy.svg, loss.svg in its folder), from its report. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { curvesSvg, type CurveSeries } from '../export/compare-plot.js';
import type { ComparisonReport } from './report.js';

/** Writes the figures into `dir` (each to a temporary name, then renamed); returns their paths. */
export function writeFigures(r: ComparisonReport, dir: string): string[] {
  const c = r.config;
  const what = c.table === 'regularisers' ? `${c.models[0]} with each regulariser` : `${r.rows.length} models`;
  const title = (m: string) => `comparison ${r.comparison}: ${m} per epoch, ${what} on ${c.dataset}`;
  const series = (pick: 'Accuracy' | 'Loss'): CurveSeries[] => r.rows.map((x) => ({
    name: x.testErrorPct === null ? x.name : `${x.name} (test error ${x.testErrorPct.toFixed(2)}%)`,
    train: x.curve.map((p) => ({ epoch: p.epoch, value: pick === 'Accuracy' ? p.trainAccuracy : p.trainLoss })),
    test: x.curve.flatMap((p) => {
      const v = pick === 'Accuracy' ? p.testAccuracy : p.testLoss;
      return v === null ? [] : [{ epoch: p.epoch, value: v }];
    }),
  }));
  const files: Array<[string, string]> = [
    [join(dir, 'accuracy.svg'), curvesSvg({ title: title('accuracy'), measure: 'accuracy', percent: true, epochs: c.epochs, series: series('Accuracy') })],
    [join(dir, 'loss.svg'), curvesSvg({ title: title('loss'), measure: 'loss', percent: false, epochs: c.epochs, series: series('Loss') })],
  ];
  try {
    mkdirSync(dir, { recursive: true });
    for (const [file, svg] of files) {
      writeFileSync(`${file}.tmp`, svg);
      renameSync(`${file}.tmp`, file);
    }
  } catch (e) {
    throw new UserError(`cannot write the figures into ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return files.map(([f]) => f);
}
