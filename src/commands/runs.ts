/** `nas runs`: the runs in a store, newest last. Opens the store read-only (safe while a search writes). */
import { existsSync, statSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import { parseCommand } from './args.js';
import { Store } from '../store/store.js';
import { defaultDb } from './options.js';
import { pct, table } from '../core/format.js';
import { isStale } from '../store/owner.js';

/** Said under a table that shows a 'stale' row. */
export const STALE_NOTE = 'stale: recorded as running, but its process is gone (killed); --resume continues it';

/** Rows with `stale` worked out once each (it asks the OS about the owner process). */
export function flagStale<T extends { status: string; owner: string | null }>(rows: T[]): Array<T & { stale: boolean }> {
  return rows.map((r) => ({ ...r, stale: isStale(r) }));
}

/** The status a report shows for a flagged row. */
export const statusOf = (r: { status: string; stale: boolean }): string => (r.stale ? 'stale' : r.status);

export async function runsCommand(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, {
    verb: 'nas runs', usage: 'usage: nas runs [--db FILE] [--json]\n  --json   the runs as JSON on stdout', options: { db: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (!parsed) return;
  const { values } = parsed;
  const store = openReadOnly(values.db ?? defaultDb());
  try {
    const runs = flagStale(store.listRuns());
    if (values.json) return void console.log(JSON.stringify(runs, null, 2));
    if (runs.length === 0) return void console.log(`no runs in ${store.file}`);
    console.log(
      table(
        ['run', 'status', 'strategy', 'space', 'dataset', 'trials', 'failed', 'best', 'backend', 'started'],
        runs.map((r) => [
          String(r.id), statusOf(r), r.config.strategy, r.config.space, r.config.dataset,
          `${r.completed}/${r.config.budget}`, String(r.failed), pct(r.best), r.backend ?? '-', r.createdAt.slice(0, 16).replace('T', ' '),
        ]),
      ),
    );
    if (runs.some((r) => r.stale)) console.log(STALE_NOTE);
  } finally {
    store.close();
  }
}

/** Read-only open for the reporting commands; a missing file is bad input, not a new store. */
export function openReadOnly(file: string): Store {
  if (file !== ':memory:' && !existsSync(file)) throw new UserError(`no store at ${file} (run nas search first, or pass --db FILE)`);
  if (file !== ':memory:' && statSync(file).isDirectory()) throw new UserError(`${file} is a folder, not a nas store`);
  return Store.open(file, { readonly: true });
}
