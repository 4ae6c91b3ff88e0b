/**
 * The four-arm comparison at equal CPU cost (issue: multi-fidelity search). Each arm searches with
 * the same CPU-hour budget and returns its best cell; every returned cell is then trained at the
 * reference (nas fidelity's reference training, held-out test split) and the arms are compared on
 * that, not on their own rewards (Li & Talwalkar 2019: random search with early stopping is the
 * baseline a NAS method must beat).
 *
 *   a  evolution, one fidelity (the search's proxy)       c  random + successive halving
 *   b  evolution + successive halving (ASHA rungs)        d  random, one fidelity
 *
 * Everything lives in one store (runs and the reference study), so the experiment resumes where it
 * stopped: run it again with the same --dir (an unfinished search continues with --resume, finished
 * ones are skipped, the study trains only what has no score).
 *
 *   npx tsc -p . && node dist/bench/four-arms.js [--dir runs/four-arms] [--seeds 1,2,3] [--cpu-hours 0.5]
 *       [--dataset fashion-mnist] [--fidelity sha:epochs=1,3,9] [--reference-seeds 1] [--workers 2] [--baselines resnet] [--summary]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const cli = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
};
const dir = arg('dir', 'runs/four-arms');
const seeds = arg('seeds', '1,2,3').split(',').map(Number);
const cpuHours = arg('cpu-hours', '0.5');
const dataset = arg('dataset', 'fashion-mnist');
const fidelity = arg('fidelity', 'sha:epochs=1,3,9');
const referenceSeeds = arg('reference-seeds', '1');
const workers = arg('workers', '2');
// The hand-designed cells scored at the reference beside the arms (the issue: the ResNet-style one).
const baselines = arg('baselines', 'resnet');
const reference = process.argv.includes('--reference') ? ['--reference', arg('reference', '')] : [];
const extra = process.argv.includes('--search-args') ? arg('search-args', '').split(' ').filter(Boolean) : [];
const db = join(dir, 'four-arms.db');

interface Arm {
  id: 'a' | 'b' | 'c' | 'd';
  what: string;
  strategy: 'evolution' | 'random';
  multiFidelity: boolean;
}
const ARMS: Arm[] = [
  { id: 'a', what: 'evolution, one fidelity', strategy: 'evolution', multiFidelity: false },
  { id: 'b', what: 'evolution + SHA', strategy: 'evolution', multiFidelity: true },
  { id: 'c', what: 'random + SHA', strategy: 'random', multiFidelity: true },
  { id: 'd', what: 'random, one fidelity', strategy: 'random', multiFidelity: false },
];

function nas(args: string[]): void {
  console.log(`$ nas ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`four-arms: nas ${args[0]} exited with ${r.status ?? r.signal}; run this again to continue`);
    process.exit(1);
  }
}

interface RunRow { id: number; status: string; config: string }
function runsOf(): Array<{ id: number; status: string; strategy: string; ladder: boolean; seed: number; dataset: string }> {
  if (!existsSync(db)) return [];
  const d = new Database(db, { readonly: true });
  try {
    return (d.prepare('SELECT id, status, config FROM runs ORDER BY id').all() as RunRow[]).map((r) => {
      const c = JSON.parse(r.config);
      return { id: r.id, status: r.status, strategy: c.strategy, ladder: c.ladder !== undefined, seed: c.seed, dataset: c.dataset };
    });
  } finally {
    d.close();
  }
}
const runFor = (arm: Arm, seed: number) => runsOf().find((r) => r.strategy === arm.strategy && r.ladder === arm.multiFidelity && r.seed === seed);

// Wall seconds of each arm's searches, summed over resumptions (the store's timestamps would count the gaps).
const wallFile = join(dir, 'wall.json');
const walls = (): Record<string, number> => (existsSync(wallFile) ? JSON.parse(readFileSync(wallFile, 'utf8')) : {});
function timed(key: string, f: () => void): void {
  const t0 = Date.now();
  try {
    f();
  } finally {
    const w = walls();
    w[key] = (w[key] ?? 0) + (Date.now() - t0) / 1000;
    writeFileSync(wallFile, JSON.stringify(w, null, 1));
  }
}

function search(arm: Arm, seed: number): number {
  const found = runFor(arm, seed);
  if (found?.status === 'complete') return found.id;
  timed(`${arm.id}-${seed}`, () => searchOnce(arm, seed, found));
  return runFor(arm, seed)!.id;
}

function searchOnce(arm: Arm, seed: number, found: ReturnType<typeof runFor>): void {
  if (found) nas(['search', '--resume', String(found.id), '--db', db, '--no-dashboard']);
  else {
    nas(['search', '--strategy', arm.strategy, ...(arm.multiFidelity ? ['--fidelity', fidelity] : []), '--budget', '1000000', '--budget-cpu-hours', cpuHours,
      '--seed', String(seed), '--dataset', dataset, '--workers', workers, '--db', db, '--no-dashboard', ...extra]);
  }
}

/** Adds the run's best cell to the one reference study (creating it) and trains what is missing. */
function scoreAtReference(runId: number): void {
  const d = new Database(db, { readonly: true });
  const study = d.prepare('SELECT id FROM studies ORDER BY id LIMIT 1').get() as { id: number } | undefined;
  d.close();
  if (!study) {
    nas(['fidelity', '--cells', '0', '--run', String(runId), '--top', '1', ...(baselines ? ['--baselines', baselines] : []), '--estimators', 'none',
      '--seeds', referenceSeeds, '--dataset', dataset, '--workers', workers, '--db', db, ...reference]);
  }
  else nas(['fidelity', '--resume', String(study.id), '--run', String(runId), '--top', '1', '--workers', workers, '--db', db]);
}

interface Outcome { arm: Arm; seed: number; runId: number; key: string; reward: number; rung: number | null; children: number; cpuHours: number; reference: number[] }

function outcomes(): Outcome[] {
  const d = new Database(db, { readonly: true });
  try {
    const out: Outcome[] = [];
    for (const arm of ARMS) for (const seed of seeds) {
      const run = runFor(arm, seed);
      if (!run || run.status !== 'complete') continue;
      const trials = d.prepare(`SELECT id, key, reward, rung, metrics FROM trials WHERE run_id = ? AND baseline IS NULL AND status = 'complete'`).all(run.id) as Array<{ id: number; key: string; reward: number; rung: number | null; metrics: string }>;
      if (trials.length === 0) continue;
      // The cell the search returns: highest rung reached, then reward (what nas show ranks first).
      const best = [...trials].sort((x, y) => (y.rung ?? 0) - (x.rung ?? 0) || y.reward - x.reward)[0];
      const cpuRows = run.ladder
        ? (d.prepare(`SELECT cpu_seconds AS cpu FROM trial_rungs WHERE trial_id IN (SELECT id FROM trials WHERE run_id = ?)`).all(run.id) as Array<{ cpu: number | null }>)
        : trials.map((t) => ({ cpu: (JSON.parse(t.metrics)?.extra?.cpuSeconds as number | undefined) ?? null }));
      const refs = d.prepare(`SELECT s.value AS value FROM study_scores s JOIN study_cells c ON c.id = s.cell_id WHERE c.key = ? AND s.estimator = 'reference' AND s.status = 'complete'`).all(best.key) as Array<{ value: number }>;
      out.push({ arm, seed, runId: run.id, key: best.key, reward: best.reward, rung: best.rung, children: trials.length,
        cpuHours: cpuRows.reduce((s, r) => s + (r.cpu ?? 0), 0) / 3600, reference: refs.map((r) => r.value) });
    }
    return out;
  } finally {
    d.close();
  }
}

function baselineScores(): Array<{ name: string; values: number[] }> {
  if (!existsSync(db)) return [];
  const d = new Database(db, { readonly: true });
  try {
    const cells = d.prepare(`SELECT id, label FROM study_cells WHERE source = 'baseline' ORDER BY id`).all() as Array<{ id: number; label: string }>;
    return cells.map((c) => ({
      name: c.label.replace(/^baseline /, ''),
      values: (d.prepare(`SELECT value FROM study_scores WHERE cell_id = ? AND estimator = 'reference' AND status = 'complete' ORDER BY seed`).all(c.id) as Array<{ value: number }>).map((r) => r.value),
    }));
  } catch {
    return []; // no study yet
  } finally {
    d.close();
  }
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]) => (v.length < 2 ? NaN : Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1)));
const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(2) : '–');

function summary(): string {
  const rows = outcomes();
  const wall = walls();
  const lines = [
    `# Four arms at ${cpuHours} CPU-hours each (worker-thread CPU), ${dataset}, seeds ${seeds.join(',')}; multi-fidelity arms: ${fidelity}`,
    '',
    '| arm | seed | run | children | CPU-h | wall h | search reward (rung) | reference test acc. |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((o) => `| ${o.arm.id}: ${o.arm.what} | ${o.seed} | ${o.runId} | ${o.children} | ${o.cpuHours.toFixed(3)} | ${wall[`${o.arm.id}-${o.seed}`] === undefined ? '–' : (wall[`${o.arm.id}-${o.seed}`] / 3600).toFixed(2)} | ${pct(o.reward)}% (${o.rung ?? 0}) | ${o.reference.length ? o.reference.map(pct).join(', ') + '%' : 'not trained yet'} |`),
    '',
    '| arm | seeds scored | reference test acc., mean ± sd over seeds |',
    '|---|---|---|',
  ];
  for (const arm of ARMS) {
    const scored = rows.filter((o) => o.arm === arm && o.reference.length > 0).map((o) => mean(o.reference));
    lines.push(`| ${arm.id}: ${arm.what} | ${scored.length} | ${scored.length ? `${pct(mean(scored))}% ± ${pct(sd(scored))}` : '–'} |`);
  }
  for (const b of baselineScores()) {
    lines.push(`| baseline ${b.name} (no search) | – | ${b.values.length ? `${b.values.map(pct).join(', ')}% (reference seeds)` : 'not trained yet'} |`);
  }
  return lines.join('\n') + '\n';
}

mkdirSync(dir, { recursive: true });
if (!process.argv.includes('--summary')) {
  // Seed-major: a first full comparison (every arm, seed 1) arrives before the second seed starts.
  for (const seed of seeds) for (const arm of ARMS) scoreAtReference(search(arm, seed));
}
const text = summary();
writeFileSync(join(dir, 'summary.md'), text);
console.log(text);
