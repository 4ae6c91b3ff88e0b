#!/usr/bin/env node
// Is estimator A's rank correlation with the reference above B's on the same cells? A paired
// bootstrap over the study's cells (Efron & Tibshirani 1993): resample cells with replacement, take
// Spearman ρ(A, reference) − ρ(B, reference) on each resample, report the point difference, its
// 2.5–97.5 % interval and the share of resamples at or below 0. Seed 1's scores only.
// usage: node scripts/fidelity-paired-bootstrap.mjs DB STUDY A B [B ...] [--resamples N]
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

// The project's Spearman (src/stats/correlation.ts: average ranks for ties, NaN for a constant sample), as built by npm ci.
const built = new URL('../dist/src/stats/correlation.js', import.meta.url);
if (!existsSync(built)) {
  console.error('fidelity-paired-bootstrap: dist/ is missing: run npm run build first');
  process.exit(2);
}
const { spearman } = await import(built.href);

const args = process.argv.slice(2);
const at = args.indexOf('--resamples');
const resamples = at >= 0 ? Number(args.splice(at, 2)[1]) : 10_000;
const [db, study, a, ...others] = args;
if (!db || !study || !a || others.length === 0 || !(resamples > 0)) {
  console.error('usage: node scripts/fidelity-paired-bootstrap.mjs DB STUDY A B [B ...] [--resamples N]');
  process.exit(2);
}
const d = new Database(db, { readonly: true, fileMustExist: true });
const rows = d.prepare(`SELECT s.cell_id, s.estimator, s.value FROM study_scores s JOIN study_cells c ON c.id = s.cell_id
                        WHERE c.study_id = ? AND s.seed = 1 AND s.status = 'complete'`).all(Number(study));
d.close();
const by = {};
for (const r of rows) (by[r.estimator] ??= {})[r.cell_id] = r.value;
for (const name of ['reference', a, ...others]) {
  if (!by[name]) {
    console.error(`study ${study} has no seed-1 scores of ${name} (has: ${Object.keys(by).join(', ')})`);
    process.exit(2);
  }
}
// Cells every estimator involved scored, with a finite value.
const cells = Object.keys(by.reference).map(Number).filter((c) => [a, ...others].every((e) => Number.isFinite(by[e][c])));

const spearmanOn = (e, pick) => spearman(pick.map((c) => by[e][c]), pick.map((c) => by.reference[c]));

let state = 12345; // a fixed LCG: the same numbers on every run
const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
for (const b of others) {
  const diffs = [];
  for (let i = 0; i < resamples; i++) {
    const pick = cells.map(() => cells[Math.floor(random() * cells.length)]);
    const diff = spearmanOn(a, pick) - spearmanOn(b, pick);
    if (Number.isFinite(diff)) diffs.push(diff); // a resample with a constant column has no ρ
  }
  diffs.sort((x, y) => x - y);
  const q = (p) => diffs[Math.floor(p * (diffs.length - 1))];
  const point = spearmanOn(a, cells) - spearmanOn(b, cells);
  console.log(`ρ(${a}) − ρ(${b}): ${point.toFixed(2)} [${q(0.025).toFixed(2)}, ${q(0.975).toFixed(2)}], P(≤ 0) = ${(diffs.filter((v) => v <= 0).length / diffs.length).toFixed(4)}; n = ${cells.length} cells, ${diffs.length} resamples`);
}
