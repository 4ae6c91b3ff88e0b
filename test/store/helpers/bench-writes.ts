/**
 * Store write/read speed, side by side in one process (not a test; the test runner executes every
 * .js under test/, so it only runs with NAS_STORE_BENCH=1):
 *   NAS_STORE_BENCH=1 node dist/test/store/helpers/bench-writes.js [steps]
 * A step is what the search loop commits per finished child: add the next trial, finish one,
 * save a strategy state of a 50-genotype population. Compares the store's settings (WAL,
 * synchronous=NORMAL) with WAL+FULL and SQLite's default rollback journal (DELETE+FULL).
 */
import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { Store } from '../../../src/store/store.js';
import { complete, genotype, runConfig, tempDir } from './fixtures.js';

if (process.env.NAS_STORE_BENCH === '1') main(Number(process.argv[2] ?? 1000));

function main(steps: number): void {
  const tmp = tempDir();
  const configs: Array<[string, string[]]> = [
    ['store default: WAL, synchronous=NORMAL', []],
    ['WAL, synchronous=FULL', ['synchronous = FULL']],
    ['rollback journal (DELETE), synchronous=FULL', ['journal_mode = DELETE', 'synchronous = FULL']],
  ];
  const rows: string[] = [];
  // Two rounds in alternating order so neither setting always runs on a warmer disk cache.
  const ms = new Map<string, number[]>();
  for (const round of [0, 1]) {
    const order = round === 0 ? configs : [...configs].reverse();
    for (const [name, pragmas] of order) {
      const file = tmp.path(`bench-${round}-${ms.get(name)?.length ?? 0}-${name.length}.db`);
      const store = Store.open(file);
      const db = (store as unknown as { db: Database.Database }).db;
      for (const p of pragmas) db.pragma(p);
      const runId = store.createRun(runConfig()).id;
      let inFlight = store.addTrial({ runId, genotype: genotype(0), key: 'g0', origin: 'random' }).id;
      const t0 = performance.now();
      for (let i = 1; i <= steps; i++) {
        const done = inFlight;
        inFlight = store.transaction(() => {
          const next = store.addTrial({ runId, genotype: genotype(i), key: `g${i}`, origin: 'mutation', parentId: done, mutation: { kind: 'op', detail: 'x' } });
          store.finishTrial(done, complete(done, (i % 97) / 100));
          store.saveStrategyState(runId, { step: i, population: Array.from({ length: 50 }, (_, k) => genotype(i + k)) });
          return next.id;
        });
      }
      const elapsed = performance.now() - t0;
      ms.set(name, [...(ms.get(name) ?? []), elapsed]);
      if (round === 1 && name === configs[0][0]) {
        // Reader costs on the finished store, as a dashboard polls them.
        const ro = Store.open(file, { readonly: true });
        const time = (fn: () => unknown, n = 200) => {
          const s = performance.now();
          for (let k = 0; k < n; k++) fn();
          return (performance.now() - s) / n;
        };
        rows.push(`reader, ${steps + 1} trials: listRuns ${time(() => ro.listRuns()).toFixed(3)} ms, topTrials(10) ${time(() => ro.topTrials(runId, 10)).toFixed(3)} ms, ` +
          `trials(run) ${time(() => ro.trials(runId), 20).toFixed(2)} ms, ancestry of the last (${ro.ancestry(inFlight).length} deep) ${time(() => ro.ancestry(inFlight), 5).toFixed(1)} ms`);
        ro.close();
        store.close();
        rows.push(`file size after ${steps} steps: ${(statSync(file).size / 1024).toFixed(0)} KiB`);
      } else store.close();
    }
  }
  const base = Math.min(...ms.get(configs[0][0])!);
  console.log(`${steps} steps (add trial + finish trial + save strategy state, one transaction each), best of 2:`);
  for (const [name] of configs) {
    const best = Math.min(...ms.get(name)!);
    console.log(`  ${name.padEnd(46)} ${(best / steps).toFixed(3)} ms/step  ${((steps * 1000) / best).toFixed(0).padStart(6)} steps/s  x${(best / base).toFixed(2)}`);
  }
  for (const r of rows) console.log('  ' + r);
  tmp.cleanup();
}
