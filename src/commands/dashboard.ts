/**
 * `nas dashboard [RUN] [--db FILE]`: the terminal dashboard attached to a run from another
 * terminal (default: the newest run). Read-only: it polls the store and never slows the search.
 * Without a terminal (or with --once) it prints one frame and exits.
 */
import { UserError } from '../core/errors.js';
import { parseCommand } from './args.js';
import { defaultDb, intOption, runIdOption } from './options.js';
import { openReadOnly } from './runs.js';
import { liveTerminal } from './terminal.js';

const HELP = `usage: nas dashboard [RUN] [--db FILE] [--interval MS] [--once [--width N --height N]]

  RUN            the run to show (default: the newest in the store)
  --db FILE      the SQLite store (default runs/nas.db)
  --interval MS  poll interval (default 1000)
  --once         print one frame as text and exit (the default when stdout is not a terminal)
  --width N --height N   size of that frame (default: the terminal's, else 80×24)
keys: q quit (the search goes on) · ↑↓ select a trial · esc back to the best`;

export async function dashboardCommand(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, {
    verb: 'nas dashboard', usage: HELP, positionals: { max: 1, name: 'RUN' },
    options: { db: { type: 'string' }, interval: { type: 'string' }, once: { type: 'boolean' }, width: { type: 'string' }, height: { type: 'string' } },
  });
  if (!parsed) return;
  const { values: v, positionals } = parsed;
  const interval = intOption(v.interval, 'interval', 1000, 100, 3_600_000);
  const width = intOption(v.width, 'width', process.stdout.columns || 80, 40, 1000);
  const height = intOption(v.height, 'height', process.stdout.rows || 24, 16, 1000);
  const wanted = positionals[0] === undefined ? undefined : runIdOption(positionals[0], 'RUN');
  const store = openReadOnly(v.db ?? defaultDb());
  try {
    let runId: number;
    if (wanted !== undefined) {
      runId = wanted;
      store.requireRun(runId);
    } else {
      const runs = store.listRuns();
      if (runs.length === 0) throw new UserError(`no runs in ${store.file} (start one with nas search)`);
      runId = runs[runs.length - 1].id;
    }
    const { importWithProductionReact } = await import('../ui/react-production.js');
    const ui = await importWithProductionReact(() => import('../ui/watch.js'));
    if (v.once || !liveTerminal(process.stdout) || !process.stdin.isTTY) {
      console.log(ui.dashboardText(store, runId, width, height));
      return;
    }
    await ui.watchRun(store, runId, { intervalMs: interval });
  } finally {
    store.close();
  }
}
