/**
 * Builds the embedded default dataset: a class-stratified subset of Fashion-MNIST
 * (Xiao, Rasul & Vollgraf 2017, arXiv:1708.07747; MIT licence, Zalando SE) taken from
 * Debian's dataset-fashion-mnist package. 1,000 training images per class from its 60k
 * training set and 200 test images per class from its 10k test set, chosen with a fixed
 * seed, written as gzipped IDX to data/fashion-mnist-subset/ with PROVENANCE.md.
 *
 *   npx tsc -p . && node dist/scripts/make-default-dataset.js [--source DIR] [--out DIR]
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { dataDir } from '../src/core/paths.js';
import { FASHION_MNIST_CLASSES } from '../src/data/datasets.js';
import { loadIdxDir } from '../src/data/idx-dir.js';
import { writeIdx } from '../src/data/idx.js';
import { stratifiedSample, take } from '../src/data/split.js';
import type { Split } from '../src/data/types.js';

const SEED = 'nas-default-dataset-v1';
const TRAIN_SIZE = 10_000;
const TEST_SIZE = 2_000;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function debianVersion(): string {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Version}', 'dataset-fashion-mnist'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown (dpkg-query failed)';
  }
}

function writeSplit(out: string, prefix: string, s: Split): void {
  writeIdx(join(out, `${prefix}-images-idx3-ubyte.gz`), [s.count, s.height, s.width], s.images, true);
  writeIdx(join(out, `${prefix}-labels-idx1-ubyte.gz`), [s.count], s.labels, true);
}

function main(): void {
  const source = arg('--source', '/usr/share/datasets/fashion-mnist');
  const out = arg('--out', join(dataDir, 'fashion-mnist-subset'));
  const full = loadIdxDir(source, FASHION_MNIST_CLASSES);
  // One generator for both draws, train first: the seed fixes the whole selection.
  const rng = seedrandom(SEED);
  const train = take(full.train, stratifiedSample(full.train.labels, 10, TRAIN_SIZE, rng));
  const test = take(full.test, stratifiedSample(full.test.labels, 10, TEST_SIZE, rng));
  mkdirSync(out, { recursive: true });
  writeSplit(out, 'train', train);
  writeSplit(out, 't10k', test);
  writeFileSync(join(out, 'classes.txt'), FASHION_MNIST_CLASSES.join('\n') + '\n');

  const sources = readdirSync(source).filter((f) => f.endsWith('.gz')).sort();
  const outputs = readdirSync(out).filter((f) => f.endsWith('.gz')).sort();
  const row = (dir: string) => (f: string) => `| ${f} | ${statSync(join(dir, f)).size} | \`${sha256(join(dir, f))}\` |`;
  const provenance = `# Provenance of data/fashion-mnist-subset

A class-stratified subset of **Fashion-MNIST** (Han Xiao, Kashif Rasul, Roland Vollgraf,
"Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning Algorithms",
arXiv:1708.07747, 2017; https://github.com/zalandoresearch/fashion-mnist).

- Source: Debian package \`dataset-fashion-mnist\` version \`${debianVersion()}\`, files in \`${source}\`.
- Selection: ${TRAIN_SIZE} training images (${TRAIN_SIZE / 10} per class) from the 60,000-image training set and
  ${TEST_SIZE} test images (${TEST_SIZE / 10} per class) from the 10,000-image test set. Within each class the
  indices are shuffled (Fisher-Yates) by one \`seedrandom("${SEED}")\` generator (training classes 0..9,
  then test classes 0..9) and the first ones are taken; the chosen images keep their original order.
  See \`stratifiedSample\` in src/data/split.ts.
- Format: the original IDX layout (28x28 grey bytes), gzipped (level 9); \`classes.txt\` holds the label names.
- Regenerate (byte-identical): \`npx tsc -p . && node dist/scripts/make-default-dataset.js\`

## Source files

| file | bytes | sha256 |
| --- | ---: | --- |
${sources.map(row(source)).join('\n')}

## Files here

| file | bytes | sha256 |
| --- | ---: | --- |
${outputs.map(row(out)).join('\n')}

## Licence

Fashion-MNIST is Copyright (c) 2017 Zalando SE, https://tech.zalando.com, released under the MIT licence
(Debian: "Expat"), reproduced here:

> Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
> associated documentation files (the "Software"), to deal in the Software without restriction, including
> without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
> copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
> following conditions:
>
> The above copyright notice and this permission notice shall be included in all copies or substantial
> portions of the Software.
>
> THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
> LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO
> EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
> IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE
> USE OR OTHER DEALINGS IN THE SOFTWARE.
`;
  writeFileSync(join(out, 'PROVENANCE.md'), provenance);
  const bytes = outputs.reduce((a, f) => a + statSync(join(out, f)).size, 0);
  console.log(`wrote ${out}: ${train.count} train + ${test.count} test images, ${(bytes / 1e6).toFixed(2)} MB gzipped`);
}

main();
