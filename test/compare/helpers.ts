/** Tiny real datasets and an SVG well-formedness check for the comparison tests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset } from '../../src/data/datasets.js';

/** The first `train` training and `test` test images of the embedded Fashion-MNIST subset, as IDX files in `dir`. */
export function writeIdx(dir: string, train: number, test: number): string {
  const ds = loadDataset('default');
  mkdirSync(dir, { recursive: true });
  const idx = (name: string, dims: number[], bytes: Uint8Array) => {
    const head = Buffer.alloc(4 + 4 * dims.length);
    head.writeUInt32BE(0x0800 + dims.length, 0);
    dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
    writeFileSync(join(dir, name), Buffer.concat([head, Buffer.from(bytes)]));
  };
  const px = ds.height * ds.width;
  idx('train-images-idx3-ubyte', [train, ds.height, ds.width], ds.train.images.subarray(0, train * px));
  idx('train-labels-idx1-ubyte', [train], ds.train.labels.subarray(0, train));
  idx('t10k-images-idx3-ubyte', [test, ds.height, ds.width], ds.test.images.subarray(0, test * px));
  idx('t10k-labels-idx1-ubyte', [test], ds.test.labels.subarray(0, test));
  return dir;
}

/**
 * Throws unless `svg` is one well-formed XML element tree rooted at <svg>: every tag closes in
 * order, attributes are quoted, text holds no raw '<' or unescaped '&', and no number is NaN.
 */
export function assertWellFormedSvg(svg: string): void {
  if (!svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')) throw new Error('does not start with an <svg> root');
  if (/NaN|undefined|Infinity/.test(svg)) throw new Error('holds NaN, undefined or Infinity');
  const stack: string[] = [];
  const token = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  let roots = 0;
  for (let m = token.exec(svg); m; m = token.exec(svg)) {
    const [, close, tag, , selfClose, text, stray] = m;
    if (stray) throw new Error(`malformed tag at ${m.index}: ${JSON.stringify(svg.slice(m.index, m.index + 40))}`);
    if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(text)) throw new Error(`unescaped & in ${JSON.stringify(text.slice(0, 40))}`);
      if (stack.length === 0 && text.trim() !== '') throw new Error('text outside the root');
      continue;
    }
    if (close) {
      if (stack.pop() !== tag) throw new Error(`</${tag}> closes the wrong element at ${m.index}`);
      continue;
    }
    if (stack.length === 0) roots++;
    if (!selfClose) stack.push(tag);
  }
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(', ')}`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
}
