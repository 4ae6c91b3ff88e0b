/** A comparison's figures (accuracy.svg, loss.svg in its folder), from its report. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { curvesSvg, type CurveSeries } from '../export/compare-plot.js';
import type { ComparisonReport, ReportRow } from './report.js';

/** One line per row of a comparison table: its training and test curve of `measure`, named with its test error. */
export function curveSeries(rows: Array<Pick<ReportRow, 'name' | 'testErrorPct' | 'curve'>>, measure: 'accuracy' | 'loss'): CurveSeries[] {
  return rows.map((x) => ({
    name: x.testErrorPct === null ? x.name : `${x.name} (test error ${x.testErrorPct.toFixed(2)}%)`,
    train: x.curve.map((p) => ({ epoch: p.epoch, value: measure === 'accuracy' ? p.trainAccuracy : p.trainLoss })),
    test: x.curve.flatMap((p) => {
      const v = measure === 'accuracy' ? p.testAccuracy : p.testLoss;
      return v === null ? [] : [{ epoch: p.epoch, value: v }];
    }),
  }));
}

/** Writes the figures into `dir` (each to a temporary name, then renamed); returns their paths. */
export function writeFigures(r: ComparisonReport, dir: string): string[] {
  const c = r.config;
  const what = c.table === 'regularisers' ? `${c.models[0]} with each regulariser` : `${r.rows.length} models`;
  const title = (m: string) => `comparison ${r.comparison}: ${m} per epoch, ${what} on ${c.dataset}`;
  const files: Array<[string, string]> = [
    [join(dir, 'accuracy.svg'), curvesSvg({ title: title('accuracy'), measure: 'accuracy', percent: true, epochs: c.epochs, series: curveSeries(r.rows, 'accuracy') })],
    [join(dir, 'loss.svg'), curvesSvg({ title: title('loss'), measure: 'loss', percent: false, epochs: c.epochs, series: curveSeries(r.rows, 'loss') })],
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
