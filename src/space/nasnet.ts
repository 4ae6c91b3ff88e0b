/**
 * The NASNet cell space (Zoph et al. 2018, "Learning Transferable Architectures for
 * Scalable Image Recognition", arXiv:1707.07012): a normal and a reduction cell of B
 * blocks; block j adds op1(input1) + op2(input2), inputs chosen from h[i-2] (0), h[i-1] (1)
 * and earlier blocks (2 + k). Mutations are the two of AmoebaNet (Real et al. 2019,
 * "Regularized Evolution for Image Classifier Architecture Search", Sec. 2.2).
 */
import type { Decision, Genotype, Mutation, NasnetBlock, NasnetConcat, NasnetGenotype, SearchSpace } from './types.js';
import type { Rng } from '../core/rng.js';
import { SpaceError } from './errors.js';
import { kind, type SpaceFile } from './file.js';
import { opShort } from '../model/ops/names.js';

const CELLS = ['normal', 'reduce'] as const;
type CellName = (typeof CELLS)[number];
const GENOTYPE_KEYS = ['space', 'normal', 'reduce', 'concat'];

/**
 * Checks a genotype's optional `concat` (see NasnetGenotype): per cell a non-empty list of
 * distinct states 0..1 + stages; returned sorted.
 */
function validateConcat(v: unknown, stages: number, fail: (path: string, reason: string) => never): NasnetConcat {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('$.concat', `expected an object with normal and reduce, got ${kind(v)}`);
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'normal' && k !== 'reduce') fail(`$.concat.${k}`, 'unknown key (concat has normal and reduce)');
  const list = (cell: CellName): number[] => {
    const l = o[cell];
    if (!Array.isArray(l) || l.length === 0) fail(`$.concat.${cell}`, `expected a non-empty array of states 0..${1 + stages}, got ${kind(l)}`);
    const xs = l as unknown[];
    xs.forEach((x, k) => {
      if (!Number.isInteger(x) || (x as number) < 0 || (x as number) > 1 + stages) fail(`$.concat.${cell}[${k}]`, `state ${kind(x)} out of range 0..${1 + stages}`);
      if (xs.indexOf(x) !== k) fail(`$.concat.${cell}[${k}]`, `duplicate state ${x}`);
    });
    return [...(xs as number[])].sort((a, b) => a - b);
  };
  return { normal: list('normal'), reduce: list('reduce') };
}

/** Label of input option i ("h[i-2]", "h[i-1]", "block 0", ...). */
export function inputLabel(i: number): string {
  return i === 0 ? 'h[i-2]' : i === 1 ? 'h[i-1]' : `block ${i - 2}`;
}

/** Draws an integer in [0, n) from rng. */
export function pick(rng: Rng, n: number): number {
  return Math.min(n - 1, Math.floor(rng() * n));
}

/** A block with its two (input, op) pairs sorted (by input, then op order in the space). */
function canonicalBlock(b: NasnetBlock, opIndex: Map<string, number>): NasnetBlock {
  const a = [b.inputs[0], opIndex.get(b.ops[0])!];
  const c = [b.inputs[1], opIndex.get(b.ops[1])!];
  const swap = a[0] > c[0] || (a[0] === c[0] && a[1] > c[1]);
  return swap ? { inputs: [b.inputs[1], b.inputs[0]], ops: [b.ops[1], b.ops[0]] } : { inputs: [b.inputs[0], b.inputs[1]], ops: [b.ops[0], b.ops[1]] };
}

/** Builds the SearchSpace of a checked nasnet-family file. */
export function createNasnetSpace(spec: SpaceFile, file: string): SearchSpace {
  const ops = [...spec.ops];
  const opIndex = new Map(ops.map((o, i) => [o, i]));
  // Ops render in keys as one character: a..z, then A..Z, then 0..9 (up to 62 ops).
  const CODE = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  if (ops.length > CODE.length) throw new SpaceError('$.ops', `at most ${CODE.length} ops`, file);

  const checkStages = (stages: number): number => {
    if (!Number.isInteger(stages) || stages < 1 || stages > spec.blocks) throw new SpaceError('stages', `expected 1..${spec.blocks}, got ${stages}`);
    return stages;
  };

  const decisions = (stages = spec.blocks): Decision[] => {
    checkStages(stages);
    const out: Decision[] = [];
    for (const cell of CELLS)
      for (let b = 0; b < stages; b++) {
        const inputs = Array.from({ length: 2 + b }, (_, i) => inputLabel(i));
        for (const k of [1, 2]) out.push({ name: `${cell}[${b}].input${k}`, kind: 'input', options: 2 + b, stage: b + 1, cell, labels: inputs });
        for (const k of [1, 2]) out.push({ name: `${cell}[${b}].op${k}`, kind: 'op', options: ops.length, stage: b + 1, cell, labels: ops });
      }
    return out;
  };

  const validate = (g: unknown): NasnetGenotype => {
    const fail = (path: string, reason: string): never => {
      throw new SpaceError(path, reason);
    };
    if (typeof g !== 'object' || g === null || Array.isArray(g)) fail('$', `expected a genotype object, got ${kind(g)}`);
    const o = g as Record<string, unknown>;
    if (o.space !== 'nasnet') fail('$.space', `expected "nasnet", got ${kind(o.space)}`);
    let stages = -1;
    const cells: Record<CellName, NasnetBlock[]> = { normal: [], reduce: [] };
    for (const cell of CELLS) {
      const blocks = o[cell];
      if (!Array.isArray(blocks) || blocks.length < 1 || blocks.length > spec.blocks)
        fail(`$.${cell}`, `expected an array of 1..${spec.blocks} blocks, got ${Array.isArray(blocks) ? blocks.length + ' blocks' : kind(blocks)}`);
      const list = blocks as unknown[];
      if (stages >= 0 && list.length !== stages) fail(`$.${cell}`, `has ${list.length} blocks but the normal cell has ${stages}`);
      stages = list.length;
      list.forEach((blk, j) => {
        const p = `$.${cell}[${j}]`;
        if (typeof blk !== 'object' || blk === null || Array.isArray(blk)) fail(p, `expected a block object, got ${kind(blk)}`);
        const bo = blk as Record<string, unknown>;
        for (const k of Object.keys(bo)) if (k !== 'inputs' && k !== 'ops') fail(`${p}.${k}`, 'unknown key (a block has inputs and ops)');
        if (!Array.isArray(bo.inputs) || bo.inputs.length !== 2) fail(`${p}.inputs`, `expected 2 inputs, got ${kind(bo.inputs)}`);
        if (!Array.isArray(bo.ops) || bo.ops.length !== 2) fail(`${p}.ops`, `expected 2 ops, got ${kind(bo.ops)}`);
        const ins = bo.inputs as unknown[];
        const os = bo.ops as unknown[];
        ins.forEach((x, k) => {
          if (!Number.isInteger(x) || (x as number) < 0 || (x as number) > 1 + j) fail(`${p}.inputs[${k}]`, `input ${kind(x)} out of range 0..${1 + j}`);
        });
        os.forEach((x, k) => {
          if (typeof x !== 'string' || !opIndex.has(x)) fail(`${p}.ops[${k}]`, `unknown op ${kind(x)} (space ${spec.name} has: ${ops.join(', ')})`);
        });
        cells[cell].push(canonicalBlock({ inputs: [ins[0] as number, ins[1] as number], ops: [os[0] as string, os[1] as string] }, opIndex));
      });
    }
    for (const k of Object.keys(o)) if (!GENOTYPE_KEYS.includes(k)) fail(`$.${k}`, `unknown key (a nasnet genotype has ${GENOTYPE_KEYS.join(', ')})`);
    const out: NasnetGenotype = { space: 'nasnet', normal: cells.normal, reduce: cells.reduce };
    if (o.concat !== undefined) out.concat = validateConcat(o.concat, stages, fail);
    return out;
  };

  const asNasnet = (g: Genotype): NasnetGenotype => {
    if (g.space !== 'nasnet') throw new SpaceError('$.space', `expected "nasnet", got "${g.space}"`);
    return g;
  };

  const encode = (g: Genotype): number[] => {
    const n = validate(g);
    const out: number[] = [];
    for (const cell of CELLS) for (const b of n[cell]) out.push(b.inputs[0], b.inputs[1], opIndex.get(b.ops[0])!, opIndex.get(b.ops[1])!);
    return out;
  };

  const decode = (choices: number[]): NasnetGenotype => {
    if (!Array.isArray(choices) || choices.length === 0 || choices.length % 8 !== 0)
      throw new SpaceError('$', `expected 8 choices per block (normal then reduce), got ${Array.isArray(choices) ? choices.length : kind(choices)}`);
    const stages = checkStages(choices.length / 8);
    const ds = decisions(stages);
    choices.forEach((c, i) => {
      if (!Number.isInteger(c) || c < 0 || c >= ds[i].options) throw new SpaceError(`$[${i}]`, `choice ${c} for ${ds[i].name} out of range 0..${ds[i].options - 1}`);
    });
    const g: NasnetGenotype = { space: 'nasnet', normal: [], reduce: [] };
    CELLS.forEach((cell, ci) => {
      for (let b = 0; b < stages; b++) {
        const at = (ci * stages + b) * 4;
        g[cell].push(canonicalBlock({ inputs: [choices[at], choices[at + 1]], ops: [ops[choices[at + 2]], ops[choices[at + 3]]] }, opIndex));
      }
    });
    return g;
  };

  const key = (g: Genotype): string => {
    const n = validate(g);
    const cellKey = (blocks: NasnetBlock[]) => blocks.map((b) => `${b.inputs[0]}${CODE[opIndex.get(b.ops[0])!]}${b.inputs[1]}${CODE[opIndex.get(b.ops[1])!]}`).join('.');
    // A published concatenation is a suffix, so the keys of searched cells are unchanged.
    const concat = n.concat ? `+${n.concat.normal.join(',')}/${n.concat.reduce.join(',')}` : '';
    return `${cellKey(n.normal)}/${cellKey(n.reduce)}${concat}`;
  };

  const sample = (rng: Rng, stages = spec.blocks): NasnetGenotype => {
    checkStages(stages);
    const cell = (): NasnetBlock[] =>
      Array.from({ length: stages }, (_, b) => {
        const i1 = pick(rng, 2 + b), i2 = pick(rng, 2 + b);
        const o1 = ops[pick(rng, ops.length)], o2 = ops[pick(rng, ops.length)];
        return canonicalBlock({ inputs: [i1, i2], ops: [o1, o2] }, opIndex);
      });
    const normal = cell();
    return { space: 'nasnet', normal, reduce: cell() };
  };

  const mutate = (g: Genotype, rng: Rng): { genotype: Genotype; mutation: Mutation } => {
    const parent = validate(asNasnet(g));
    const before = key(parent);
    // NOTE: Real et al. also allow an identity mutation; we never propose one (it wastes a
    // child on a duplicate). An op mutation needs >= 2 ops; an input mutation always has
    // >= 2 options (h[i-2], h[i-1]), so the loop ends.
    for (let attempt = 0; attempt < 1000; attempt++) {
      const cell = CELLS[pick(rng, 2)];
      const b = pick(rng, parent[cell].length);
      const k = pick(rng, 2);
      const mutKind: 'op' | 'input' = ops.length > 1 && rng() < 0.5 ? 'op' : 'input';
      // NOTE: a child is a cell of the space: a published parent's concatenation is not inherited.
      const child: NasnetGenotype = { space: 'nasnet', normal: parent.normal.map(copyBlock), reduce: parent.reduce.map(copyBlock) };
      const blk = child[cell][b];
      let detail: string;
      if (mutKind === 'op') {
        const old = blk.ops[k];
        const others = ops.filter((o) => o !== old);
        blk.ops[k] = others[pick(rng, others.length)];
        detail = `${cell} block ${b} op ${k + 1}: ${old} -> ${blk.ops[k]}`;
      } else {
        const old = blk.inputs[k];
        const others = Array.from({ length: 2 + b }, (_, i) => i).filter((i) => i !== old);
        blk.inputs[k] = others[pick(rng, others.length)];
        detail = `${cell} block ${b} input ${k + 1}: ${inputLabel(old)} -> ${inputLabel(blk.inputs[k])}`;
      }
      child[cell][b] = canonicalBlock(blk, opIndex);
      if (key(child) !== before) return { genotype: child, mutation: { kind: mutKind, detail } };
    }
    throw new Error('mutate: no mutation changes the genotype'); // unreachable: see NOTE above
  };

  const describe = (g: Genotype): string => {
    const n = validate(g);
    const cell = (blocks: NasnetBlock[]) => blocks.map((b) => `${opShort(b.ops[0])}(${b.inputs[0]})+${opShort(b.ops[1])}(${b.inputs[1]})`).join(' ');
    const concat = (c: number[] | undefined) => (c ? ` concat(${c.join(',')})` : '');
    return `normal: ${cell(n.normal)}${concat(n.concat?.normal)} | reduce: ${cell(n.reduce)}${concat(n.concat?.reduce)}`;
  };

  return {
    name: spec.name,
    family: 'nasnet',
    file,
    ops,
    blocks: spec.blocks,
    macro: { ...spec.macro },
    decisions,
    encode,
    decode,
    stagesOf: (g) => validate(g).normal.length,
    key,
    validate,
    sample,
    mutate,
    describe,
  };
}

function copyBlock(b: NasnetBlock): NasnetBlock {
  return { inputs: [b.inputs[0], b.inputs[1]], ops: [b.ops[0], b.ops[1]] };
}
