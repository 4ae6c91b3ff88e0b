/** Tiny real datasets and an SVG well-formedness check for the comparison tests. */

export { writeIdx } from '../helpers/tiny-idx.js';

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
