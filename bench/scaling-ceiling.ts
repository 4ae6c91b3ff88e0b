/**
 * What two cores can give at all, beside what data-parallel replicas get out of them (issue: training
 * that uses every core). Each round runs, one after another, whole processes of bench/replica-probe
 * (the replay's loop on NASNet-A at replay size, onednn, one engine thread per replica, median step
 * over the last two thirds of the steps):
 *
 *   alone      one process, one shard of 32 images per step
 *   pair       two such processes at once, nothing shared but the machine (no synchronisation at all)
 *   serial     one process, one thread, batch 64
 *   replicas   one process, two replicas of 32 images each, batch 64 (what `nas train` does)
 *
 * `pair` is the ceiling of any way of spreading this work over two cores: two independent trainings.
 * It prints, per round, images/s of each and the ratios  ceiling = pair / serial,
 * scaling = replicas / serial  and  scaling / ceiling  (how close the data-parallel loop comes to it).
 *
 * With --pytorch the same four lines run for PyTorch (bench/train_reference.py on the same network,
 * /usr/bin/python3 with torch), whose `replicas` line is its own two intra-op threads at batch 64.
 *
 *   npx tsc -p . && node dist/bench/scaling-ceiling.js [--rounds 3] [--steps 60] [--pytorch]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildReference, PYTHON } from '../src/commands/bench-train.js';
import { selectBackend } from '../src/engine/backend.js';

const probe = fileURLToPath(new URL('./replica-probe.js', import.meta.url));
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const rounds = Number(arg('--rounds', '3'));
const steps = arg('--steps', '60');

const torch = process.argv.includes('--pytorch');

/** Runs one process to its end and resolves with its images/s, read from its last output line. */
function images(cmd: string, args: string[], read: (out: string) => number | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => {
      const v = code === 0 ? read(out) : undefined;
      if (v === undefined) reject(new Error(`${args.join(' ')} failed (${code}): ${out.trim()}`));
      else resolve(v);
    });
  });
}

let topologyFile = '';
if (torch) {
  await selectBackend('cpu', { threads: 1 });
  const ref = buildReference('replay');
  topologyFile = join(mkdtempSync(join(tmpdir(), 'nas-ceiling-')), 'replay.json');
  writeFileSync(topologyFile, JSON.stringify(ref.model.toJSON(null, false)));
  ref.model.dispose();
}

/** batch images per step; `parallel` = replicas for ours, intra-op threads for PyTorch. */
function run(batch: number, parallel: number): Promise<number> {
  if (torch) {
    return images(PYTHON, [fileURLToPath(new URL('../../bench/train_reference.py', import.meta.url)), topologyFile, '--batch', String(batch),
      '--steps', String(Math.max(10, Math.round(Number(steps) / 2))), '--warmup', '3', '--threads', String(parallel)], (out) => JSON.parse(out.trim().split('\n').pop()!).imagesPerSec);
  }
  return images(process.execPath, [probe, '--batch', String(batch), '--replicas', String(parallel), '--steps', steps], (out) => {
    const m = /median step ([\d.]+) ms/.exec(out);
    return m ? (batch / Number(m[1])) * 1000 : undefined;
  });
}

const rows: string[] = [];
for (let r = 1; r <= rounds; r++) {
  const alone = await run(32, 1);
  const pair = (await Promise.all([run(32, 1), run(32, 1)])).reduce((s, v) => s + v, 0);
  const serial = await run(64, 1);
  const replicas = await run(64, 2);
  rows.push(`| ${r} | ${alone.toFixed(1)} | ${pair.toFixed(1)} | ${serial.toFixed(1)} | ${replicas.toFixed(1)} | ${(pair / serial).toFixed(2)}× | ${(replicas / serial).toFixed(2)}× | ${(replicas / pair).toFixed(2)} |`);
  console.error(`round ${r} done`);
}
const last = torch ? 'two threads (64)' : 'replicas (2 × 32)';
console.log(`| round | alone (32) | pair (2 × 32) | serial (64) | ${last} | ceiling pair/serial | scaling | scaling/ceiling |`);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const row of rows) console.log(row);
console.log(`(images/s; NASNet-A N 2 F 16 stem 32, 28×28×1, ${torch ? 'PyTorch' : 'onednn'}, one thread per process${torch ? '' : ' or replica'})`);
if (topologyFile) rmSync(dirname(topologyFile), { recursive: true, force: true });
