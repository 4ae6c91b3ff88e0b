/**
 * The survey's table of a comparison, from the store: per entry its test error, training time,
 * parameters, mult-adds, epochs and status, with its learning curves (training loss and accuracy
 * per epoch from the replay, test loss and accuracy per epoch from the comparison's scoring).
 */
import type { Store } from '../store/store.js';
import type { ComparisonRow } from '../store/comparisons.js';
import { isStale } from '../store/owner.js';
import { duration, si, table } from '../core/format.js';
import { checkConfig, checkSpec, type ComparisonConfig } from './plan.js';
import { describeProtocol } from './protocol.js';

export interface ReportCurvePoint {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number | null;
  testAccuracy: number | null;
  seconds: number;
}

export interface ReportRow {
  position: number;
  /** The model ("resnet", "trial 17") or, in a regulariser table, the regulariser. */
  name: string;
  model: string;
  regulariser: string | null;
  replayId: number | null;
  /** pending (not begun), running, stale (its process is gone), complete, interrupted, failed. */
  status: string;
  testAccuracy: number | null;
  /** 100 · (1 - test accuracy). */
  testErrorPct: number | null;
  seconds: number | null;
  params: number | null;
  multAdds: number | null;
  epochsDone: number;
  epochs: number;
  error: string | null;
  checkpointDir: string;
  curve: ReportCurvePoint[];
}

export interface ComparisonReport {
  comparison: number;
  status: string;
  config: ComparisonConfig;
  protocol: string;
  rows: ReportRow[];
}

export function comparisonReport(store: Store, c: ComparisonRow): ComparisonReport {
  const config = checkConfig(c.config, c.id, store.file);
  const entries = store.comparisons.entries(c.id).map((e) => ({ e, spec: checkSpec(e.spec, `entry ${e.position} of comparison ${c.id}`, store.file) }));
  const rows = entries.map(({ e, spec }): ReportRow => {
    const replay = e.replayId === null ? undefined : store.getReplay(e.replayId);
    const curve = replay ? store.curve({ replayId: replay.id }) : [];
    const tests = new Map((replay ? store.comparisons.testPoints(replay.id) : []).map((p) => [p.epoch, p]));
    let status = replay ? (isStale(replay) ? 'stale' : replay.status) : 'pending';
    if (e.error !== null && status !== 'complete' && status !== 'running') status = 'failed';
    const acc = replay?.status === 'complete' ? replay.testAccuracy : null;
    return {
      position: e.position, name: e.name, model: spec.model, regulariser: spec.regulariser, replayId: replay?.id ?? null, status,
      testAccuracy: acc, testErrorPct: acc === null ? null : 100 * (1 - acc), seconds: replay?.seconds ?? null,
      params: replay?.params ?? null, multAdds: replay?.multAdds ?? null, epochsDone: curve.length, epochs: spec.settings.epochs,
      error: e.error, checkpointDir: e.checkpointDir,
      curve: curve.map((p) => ({
        epoch: p.epoch, trainLoss: p.trainLoss, trainAccuracy: p.trainAccuracy,
        testLoss: tests.get(p.epoch)?.testLoss ?? null, testAccuracy: tests.get(p.epoch)?.testAccuracy ?? null, seconds: p.seconds,
      })),
    };
  });
  const protocol = entries.length > 0 ? describeProtocol(entries[0].spec.settings) : '';
  return { comparison: c.id, status: isStale(c) ? 'stale' : c.status, config, protocol, rows };
}

/** The table as text: a heading, the rows, and the errors of failed rows. */
export function reportText(r: ComparisonReport): string[] {
  const c = r.config;
  const what = c.table === 'regularisers' ? `${r.rows.length} regularisers on ${c.models[0]}` : `${r.rows.length} models`;
  const lines = [
    `comparison ${r.comparison} (${r.status}): ${what} on ${c.dataset}, ${c.epochs} epochs, N=${c.protocol.cellsPerStage} F=${c.protocol.filters}`,
    `protocol: ${r.protocol}`,
    '',
    ...table(
      [c.table === 'regularisers' ? 'regulariser' : 'model', 'test error', 'time', 'params', 'mult-adds', 'epochs', 'status'],
      r.rows.map((x) => [
        x.name, x.testErrorPct === null ? '-' : `${x.testErrorPct.toFixed(2)}%`, x.seconds === null ? '-' : duration(x.seconds), si(x.params), si(x.multAdds),
        `${x.epochsDone}/${x.epochs}`, x.status,
      ]),
    ).split('\n'),
  ];
  for (const x of r.rows) if (x.status === 'failed' && x.error) lines.push(`${x.name} failed: ${x.error}`);
  return lines;
}
