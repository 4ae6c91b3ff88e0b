/** `nas plot --run RUN`: an SVG of the run (rewards, best so far, baselines, replay curves). */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { runsDir } from '../core/paths.js';
import { runPlotSvg } from '../export/run-plot.js';
import { checkWritable } from '../replay/replay.js';
import { defaultDb, runIdOption } from './options.js';
import { openReadOnly } from './runs.js';

export async function plotCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parseArgs({
    args: argv, strict: true, allowPositionals: true,
    options: { run: { type: 'string' }, db: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (v.help) return void console.log('usage: nas plot --run RUN [--db FILE] [--out FILE]   (default runs/run-RUN.svg)');
  const runId = runIdOption(v.run ?? positionals[0]);
  const out = v.out ?? join(runsDir, `run-${runId}.svg`);
  checkWritable(dirname(out));
  const store = openReadOnly(v.db ?? defaultDb());
  try {
    const run = store.requireRun(runId);
    const svg = runPlotSvg({
      title: `run ${run.id}: ${run.config.strategy} on ${run.config.space}, ${run.config.dataset}`,
      trials: store.trials(runId),
      replays: store.replays(runId).map((r) => ({ label: r.label, curve: store.curve({ replayId: r.id }), testAccuracy: r.testAccuracy })),
    });
    writeFileSync(out, svg);
    console.log(`wrote ${out}`);
  } finally {
    store.close();
  }
}
