/**
 * Axis-aligned boxes and the readability rule every diagram of nas is held to: no label's box
 * overlaps a node's box or another label's box. Cell diagrams (cell-layout.ts) and the bench ops
 * scatter plot (ops-plot.ts) both report their boxes, and tests check them with findOverlaps.
 */

/** Left, top, width, height (SVG coordinates: y grows downwards). */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A box of `w` x `h` centred on (cx, cy). */
export const centred = (cx: number, cy: number, w: number, h: number): Box => ({ x: cx - w / 2, y: cy - h / 2, w, h });

/** True when a and b share more than `slack` of area in both directions (touching is not overlapping). */
export function overlaps(a: Box, b: Box, slack = 0.5): boolean {
  const dx = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const dy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return dx > slack && dy > slack;
}

export interface Labelled {
  what: string;
  box: Box;
}

/** Every label-node and label-label overlap, as readable strings ("label sep_conv_3x3 overlaps node add 1"). */
export function findOverlaps(nodes: Labelled[], labels: Labelled[]): string[] {
  const out: string[] = [];
  labels.forEach((l, i) => {
    for (const n of nodes) if (overlaps(l.box, n.box)) out.push(`label ${l.what} overlaps node ${n.what}`);
    for (let j = i + 1; j < labels.length; j++) if (overlaps(l.box, labels[j].box)) out.push(`label ${l.what} overlaps label ${labels[j].what}`);
  });
  return out;
}
