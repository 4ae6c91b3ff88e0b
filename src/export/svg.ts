/** Tiny SVG helpers shared by the cell diagrams and the run plot (no dependencies). */

/** Escapes text for SVG content and attribute values. */
export function esc(s: string | number): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One element: `el('rect', { x: 1 }, children?)`; attributes with undefined values are left out. */
export function el(tag: string, attrs: Record<string, string | number | undefined>, children?: string | string[]): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${esc(v as string | number)}"`)
    .join('');
  if (children === undefined) return `<${tag}${a}/>`;
  const body = Array.isArray(children) ? children.join('\n') : children;
  return `<${tag}${a}>${body}</${tag}>`;
}

/** A whole SVG document. */
export function svgDocument(width: number, height: number, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" font-family="Helvetica, Arial, sans-serif">`,
    el('rect', { x: 0, y: 0, width: Math.ceil(width), height: Math.ceil(height), fill: 'white' }),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** Rounds coordinates so the files stay small and diffable. */
export const r1 = (v: number) => Math.round(v * 10) / 10;
