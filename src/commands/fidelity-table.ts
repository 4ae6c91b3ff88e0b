/**
 * `nas fidelity --table FILE …`: the data-free zero-cost estimators against a NAS-Bench-201
 * table (src/fidelity/table-study.ts); prints one line per estimator and column, --json keeps
 * everything (and every cell's scores).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UserError } from '../core/errors.js';
import { runTableStudy, type CorrelationRow, type TableStudyResult } from '../fidelity/table-study.js';

const USAGE = 'usage: nas fidelity --space nas-bench-201 --table FILE --reference-column COLUMN[,COLUMN] --estimators synflow,params,mult-adds [--sample N] [--seed S] [--workers W] [--backend B] [--json FILE]';

function int(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UserError(`--${name} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}

const list = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '');
const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'NaN');

export function formatRows(rows: CorrelationRow[]): string {
  const head = ['estimator', 'column', 'n', 'NaN', '-inf', 'rho', 'rho 95%', 'tau', 'top10% tau', 'best at', 's/cell'];
  const body = rows.map((r) => [
    r.estimator, r.column, String(r.n), String(r.nan), String(r.minusInfinity), f3(r.spearman),
    `[${f3(r.spearman95[0])}, ${f3(r.spearman95[1])}]`, f3(r.kendall), f3(r.top10Kendall), String(r.rankOfBest), r.secondsPerCell.toFixed(3),
  ]);
  const width = head.map((h, j) => Math.max(h.length, ...body.map((b) => b[j].length)));
  return [head, ...body].map((cells) => cells.map((c, j) => (j < 2 ? c.padEnd(width[j]) : c.padStart(width[j]))).join('  ')).join('\n');
}

export async function fidelityTable(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      space: { type: 'string', default: 'nas-bench-201' },
      table: { type: 'string' },
      'reference-column': { type: 'string' },
      estimators: { type: 'string', default: 'synflow,params,mult-adds' },
      sample: { type: 'string' },
      seed: { type: 'string' },
      workers: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      json: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.table) throw new UserError(`--table FILE is required (${USAGE})`);
  if (!values['reference-column']) throw new UserError('--reference-column COLUMN is required (e.g. cifar10_valid_acc_12ep)');
  const result: TableStudyResult = await runTableStudy({
    table: values.table,
    space: values.space,
    columns: list(values['reference-column']),
    estimators: list(values.estimators),
    sample: int(values.sample, 'sample', 1),
    seed: int(values.seed, 'seed', 0),
    workers: int(values.workers, 'workers', 1),
    backend: values.backend,
    log: (line) => console.error(line),
  });
  const m = result.macro;
  console.log(`${result.cells} of ${result.tableRows} cells of ${result.space}, ${result.inputShape.join('x')} input, ${result.numClasses} classes, C=${m.filters}, N=${m.cellsPerStage}, seed ${result.seed}; ${result.workers} worker(s) on ${result.backend}, ${result.seconds.toFixed(0)} s`);
  console.log(formatRows(result.rows));
  if (values.json) {
    writeFileSync(values.json, JSON.stringify(result, null, 1) + '\n');
    console.log(`wrote ${values.json}`);
  }
}
