/**
 * A comparison from start to table: records it (or takes a stored one over), trains what is left of
 * it, records how it ended, and writes its figures. Called once every input has been checked
 * (setup.ts), with the store open for writing.
 */
import type { Store } from '../store/store.js';
import type { ComparisonEntryRow } from '../store/comparisons.js';
import { checkConfig, type ComparisonConfig } from './plan.js';
import { pendingEntries, placeEntries, type Setup } from './setup.js';
import { trainEntries, type EntriesOutcome, type TrainEntriesOptions } from './run.js';
import { comparisonReport, type ComparisonReport } from './report.js';
import { writeFigures } from './figures.js';

/** Records a new comparison (status running, held by this process); returns its id and config. */
export function createComparison(store: Store, setup: Setup): { id: number; config: ComparisonConfig } {
  let config = setup.config;
  const row = store.comparisons.create((id) => {
    const placed = placeEntries(setup, id);
    config = placed.config;
    return { config, entries: placed.entries.map((e) => ({ name: e.name, spec: e.spec, checkpointDir: e.checkpointDir })) };
  });
  return { id: row.id, config };
}

/** Takes a stored comparison over (UserError while its process still runs). */
export function claimComparison(store: Store, id: number): ComparisonConfig {
  store.comparisons.claim(id);
  return checkConfig(store.comparisons.require(id).config, id, store.file);
}

export interface RunComparisonOptions {
  parallel: number;
  threads?: number;
  /** Overrides the stored backend (a resume on another machine). */
  backend?: string;
  log: (entry: ComparisonEntryRow, line: string) => void;
  progress?: TrainEntriesOptions['progress'];
  control?: (stop: () => void) => void;
}

export interface ComparisonResult {
  outcome: EntriesOutcome;
  report: ComparisonReport;
  figures: string[];
}

/** Trains the unfinished entries, then records the outcome and writes the figures. */
export async function runComparison(store: Store, id: number, config: ComparisonConfig, o: RunComparisonOptions): Promise<ComparisonResult> {
  let outcome: EntriesOutcome;
  try {
    outcome = await trainEntries({
      store, comparisonId: id, pending: pendingEntries(store, id), dataset: config.dataset, backend: o.backend ?? config.backend,
      threads: o.threads, parallel: o.parallel, log: o.log, progress: o.progress, control: o.control,
    });
  } catch (e) {
    store.comparisons.setStatus(id, 'interrupted');
    throw e;
  }
  store.comparisons.setStatus(id, outcome);
  const report = comparisonReport(store, store.comparisons.require(id));
  return { outcome, report, figures: writeFigures(report, config.dir) };
}
