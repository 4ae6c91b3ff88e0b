#!/usr/bin/env node
// Turns the JSON of `nas fidelity --space nas-bench-201 --table data/nas-bench-201/nb201-12epoch.csv
// --estimators synflow,params --json FILE` into data/nas-bench-201/nb201-zero-cost.csv: one row per
// cell (its arch string), each estimator's score (-Infinity: no path from input to output) and the
// mean seconds of one scoring (the study's wall seconds × workers / cells: an upper bound on its CPU).
// usage: node scripts/nb201-zero-cost.mjs STUDY.json [OUT.csv]
import { readFileSync, writeFileSync } from 'node:fs';

const [input, out = 'data/nas-bench-201/nb201-zero-cost.csv'] = process.argv.slice(2);
if (!input) {
  console.error('usage: node scripts/nb201-zero-cost.mjs STUDY.json [OUT.csv]');
  process.exit(2);
}
const study = JSON.parse(readFileSync(input, 'utf8'));
const names = Object.keys(study.scores[0].scores);
const perCell = (study.seconds * study.workers) / study.cells;
const fmt = (v) => (v === '-Infinity' ? '-Infinity' : v === null ? 'NaN' : String(v));
const lines = [['arch', ...names, ...names.map((n) => `${n}_seconds`)].join(',')];
for (const c of study.scores) lines.push([c.arch, ...names.map((n) => fmt(c.scores[n])), ...names.map(() => perCell.toFixed(4))].join(','));
writeFileSync(out, lines.join('\n') + '\n');
console.log(`wrote ${out}: ${study.scores.length} cells, ${names.join(', ')}; ${perCell.toFixed(4)} s per scoring (${study.backend}, ${study.workers} worker(s), ${study.seconds.toFixed(0)} s)`);
