/**
 * `nas dashboard [RUN] [--db FILE]`: the terminal dashboard attached to a run from another
 * terminal (default: the newest run). Read-only: it polls the store and never slows the search.
 * Without a terminal (or with --once) it prints one frame and exits.
 */
import { parseArgs } from 'node:util';
import { UserError } from '../core/types.js';
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
  const { values: v, positionals } = parseArgs({
    args: argv, strict: true, allowPositionals: true,
    options: {
      db: { type: 'string' }, interval: { type: 'string' }, once: { type: 'boolean' },
      width: { type: 'string' }, height: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (v.help) return void console.log(HELP);
  if (positionals.length > 1) throw new UserError(`nas dashboard takes one RUN, got ${positionals.length}: ${positionals.join(' ')}`);
  const interval = intOption(v.interval, 'interval', 1000, 100);
  const width = intOption(v.width, 'width', process.stdout.columns || 80, 40);
  const height = intOption(v.height, 'height', process.stdout.rows || 24, 16);
  const store = openReadOnly(v.db ?? defaultDb());
  try {
    let runId: number;
    if (positionals[0] !== undefined) {
      runId = runIdOption(positionals[0], 'run');
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
