/**
 * The dashboard's panels as plain text lines of a given width: pure functions of a snapshot, so
 * they are cheap to draw and easy to test. The ink component only arranges and colours them.
 */
import { duration, si } from '../core/format.js';
import { cellLines } from '../commands/cell-text.js';
import type { TrialRow } from '../store/types.js';
import type { DashboardSnapshot } from './model.js';
import { bar, clip, fit, pct2, shortKey } from './text.js';

/** "run 3 [running] · evolution · nasnet · cpu · 2 workers · up 4m12s · ETA 20m" */
export function headerLine(s: DashboardSnapshot, width: number): string {
  const state = s.stopping && s.status === 'running' ? 'stopping' : s.paused && s.status === 'running' ? 'paused' : s.status;
  const parts = [
    `run ${s.runId} [${state}]`, s.strategy, s.space, s.backend, `${s.workers} worker${s.workers === 1 ? '' : 's'}`,
    `up ${duration((s.now - s.startedAt) / 1000)}`, `ETA ${eta(s)}`,
  ];
  const wide = parts.join(' · ');
  return clip(wide.length <= width ? wide : parts.join('·'), width);
}

/** Time left at the recent rate of finishes ("-" until two trials finished, "done" when spent). */
export function eta(s: DashboardSnapshot): string {
  const left = s.budget - s.done;
  if (left <= 0 || s.status !== 'running') return '-';
  const f = s.recentFinishes;
  if (f.length < 2 || f[f.length - 1] <= f[0]) return '-';
  const perTrial = (f[f.length - 1] - f[0]) / (f.length - 1);
  return duration((left * perTrial) / 1000);
}

/** "budget ██████░░░░ 45/200  22%  best 91.23%  failed 2" */
export function budgetLine(s: DashboardSnapshot, width: number): string {
  const frac = Math.max(s.done / s.budget, s.budgetSeconds ? s.spentSeconds / s.budgetSeconds : 0);
  const promoting = s.inFlight.filter((f) => (f.rung ?? 0) > 0).length;
  const tail = ` ${s.done}/${s.budget} ${Math.floor(frac * 100)}%` +
    (s.budgetSeconds ? ` ${duration(s.spentSeconds)}/${duration(s.budgetSeconds)}` : '') +
    `  best ${pct2(s.best)}%  failed ${s.failed}` +
    (s.rungs ? `  rungs ${s.rungs.join('·')}${promoting ? ` (${promoting} promoting)` : ''}` : '') +
    (s.front ? `  front ${s.front.size} HV ${s.front.hypervolume.toPrecision(3)}` : '');
  const barW = Math.max(5, Math.min(40, width - 'budget '.length - tail.length));
  return clip(`budget ${bar(frac, barW)}${tail}`, width);
}

/** One line per child in flight: worker, trial, short key, epoch/batch bar, images/s. */
export function workerLines(s: DashboardSnapshot, width: number, rows: number): string[] {
  if (rows <= 0) return [];
  if (s.inFlight.length === 0) return [fit(s.status === 'running' ? (s.paused ? 'paused: no children in flight' : 'waiting for children…') : 'no children in flight', width)];
  const shown = s.inFlight.length > rows ? s.inFlight.slice(0, rows - 1) : s.inFlight;
  const lines = shown.map((f) => {
    const p = f.progress;
    const head = `${fit(p?.worker ?? '-', 8)} #${fit(String(f.trialId), 5)}${f.rung ? `↑${f.rung}` : ''} ${shortKey(f.key)} `;
    if (!p) return fit(head + 'starting…', width);
    // epoch and batch are 1-based (the trainer reports after each batch).
    const done = p.epochs * p.batches > 0 ? ((p.epoch - 1) * p.batches + p.batch) / (p.epochs * p.batches) : 0;
    const tail = ` ep ${p.epoch}/${p.epochs} b ${p.batch}/${p.batches} ${Number.isFinite(p.imagesPerSec) ? Math.round(p.imagesPerSec) : '-'} img/s`;
    const barW = Math.max(4, Math.min(30, width - head.length - tail.length));
    return fit(head + bar(done, barW) + tail, width);
  });
  if (shown.length < s.inFlight.length) lines.push(fit(`… and ${s.inFlight.length - shown.length} more in flight`, width));
  return lines;
}

/** Column layout of the top-trials table (a baseline's id ends in "B"); narrower terminals drop the right-most columns. */
const TOP_COLUMNS: Array<{ head: string; w: number; cell: (t: TrialRow, rank: number) => string }> = [
  { head: '#', w: 2, cell: (_t, r) => String(r) },
  { head: 'trial', w: 6, cell: (t) => (t.baseline ? `${t.id}B` : String(t.id)) },
  { head: 'reward', w: 6, cell: (t) => pct2(t.reward) },
  { head: 'params', w: 6, cell: (t) => si(t.params) },
  { head: 'madds', w: 6, cell: (t) => si(t.multAdds) },
  { head: 'time', w: 6, cell: (t) => duration(t.seconds) },
  { head: 'parent', w: 6, cell: (t) => (t.parentId === null ? '-' : String(t.parentId)) },
];

/** A trial's latency in 7 columns: "12.3ms", "0.84ms" (the quiet pass's where it ran). */
const ms = (t: TrialRow) => {
  const l = t.metrics?.quietLatency ?? t.metrics?.latency;
  return l ? `${l.ms < 10 ? l.ms.toFixed(2) : l.ms.toFixed(1)}ms` : '-';
};

/** The column of a multi-objective run's first cost objective, shown beside the reward in the front panel. */
const COST_COLUMN: Record<string, (typeof TOP_COLUMNS)[number]> = {
  latency: { head: 'latency', w: 7, cell: ms },
  params: TOP_COLUMNS[3],
  'mult-adds': TOP_COLUMNS[4],
  cost: { head: 'cost', w: 6, cell: (t) => duration(t.metrics?.seconds) },
};

/**
 * The header line and one line per ranked trial (at most `rows` - 1 of them). `cost`: the trials are
 * a multi-objective run's Pareto front, cheapest first, shown with that objective beside the reward.
 */
export function topTableLines(top: readonly TrialRow[], width: number, rows: number, cost?: string): { header: string; lines: string[] } {
  const extra = cost ? COST_COLUMN[cost] : undefined;
  const columns = extra ? [...TOP_COLUMNS.slice(0, 3), extra, ...TOP_COLUMNS.slice(3).filter((c) => c.head !== extra.head)] : TOP_COLUMNS;
  const cols: typeof TOP_COLUMNS = [];
  let used = 0;
  for (const c of columns) {
    if (used + c.w + 1 > width + 1) break;
    cols.push(c);
    used += c.w + 1;
  }
  const line = (cells: string[]) => fit(cells.map((x, i) => (i <= 1 ? fit(x, cols[i].w) : x.padStart(cols[i].w))).join(' '), width);
  return {
    header: line(cols.map((c) => c.head)),
    lines: top.slice(0, Math.max(0, rows - 1)).map((t, i) => line(cols.map((c) => c.cell(t, i + 1)))),
  };
}

/** What the details panel needs about the selected trial. */
export interface TrialDetails {
  trial: TrialRow;
  /** [trial, parent, grandparent, …] */
  ancestry: TrialRow[];
}

/** "trial 26 · 81.71% · 3 generations": the title of the details panel. */
export function detailsTitle(d: TrialDetails | undefined, selected: boolean): string {
  if (!d) return 'no complete trial yet';
  const gens = d.ancestry.length - 1;
  return `${selected ? 'selected' : 'best'} trial ${d.trial.id}${d.trial.baseline ? ` (baseline ${d.trial.baseline})` : ''} · ${pct2(d.trial.reward)}% · ${gens} mutation${gens === 1 ? '' : 's'} from its root`;
}

/** The ancestry, newest first: "26 81.71% op: normal block 2 op 1: a -> b". */
export function ancestryLines(d: TrialDetails | undefined, width: number, rows: number): string[] {
  if (!d || rows <= 0) return [];
  const all = d.ancestry.map((t) => {
    const how = t.baseline ? `baseline ${t.baseline}` : t.mutation ? `${t.mutation.kind}: ${t.mutation.detail}` : t.origin;
    return fit(`${fit(String(t.id), 5)} ${pct2(t.reward).padStart(6)} ${how}`, width);
  });
  if (all.length <= rows) return all;
  return [...all.slice(0, rows - 1), fit(`… ${all.length - rows + 1} older ancestors`, width)];
}

/** The cell drawn in text (cellLines of `nas show`), cut to the panel. */
export function cellPanelLines(d: TrialDetails | undefined, width: number, rows: number): string[] {
  if (!d || rows <= 0) return [];
  const all = cellLines(d.trial.genotype).map((l) => fit(l, width));
  if (all.length <= rows) return all;
  return [...all.slice(0, rows - 1), fit(`… ${all.length - rows + 1} more lines (taller terminal)`, width)];
}

/** The last failures (with their errors), then the last log lines, newest last. */
export function logLines(s: DashboardSnapshot, width: number, rows: number): Array<{ text: string; failure: boolean }> {
  if (rows <= 0) return [];
  const failures = s.failures.map((f) => ({ text: fit(`trial ${f.trialId} failed: ${f.error}`, width), failure: true }));
  const logs = s.logs.map((l) => ({ text: fit(l, width), failure: false }));
  // Failures matter more than chatter: give them up to half the rows, logs the rest.
  const nFail = Math.min(failures.length, Math.max(rows - logs.length, Math.ceil(rows / 2)));
  const nLog = Math.min(logs.length, rows - nFail);
  return [...failures.slice(failures.length - nFail), ...logs.slice(logs.length - nLog)];
}
