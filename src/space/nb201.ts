/**
 * The NAS-Bench-201 cell space (Dong & Yang 2020, "NAS-Bench-201: Extending the Scope of
 * Reproducible Neural Architecture Search", arXiv:2001.00326): 4 nodes, 6 edges in the
 * order 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2, each edge one op; node k sums its edges.
 * Genotypes are the standard string `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`.
 */
import type { Decision, Genotype, Mutation, Nb201Genotype, SearchSpace } from './types.js';
import type { Rng } from '../core/rng.js';
import { UserError } from '../core/errors.js';
import { SpaceError } from './errors.js';
import { kind, type SpaceFile } from './file.js';
import { pick } from './nasnet.js';

/** The 6 edges as [target node, source node], in the standard order. */
export const NB201_EDGES: readonly (readonly [number, number])[] = [
  [1, 0],
  [2, 0],
  [2, 1],
  [3, 0],
  [3, 1],
  [3, 2],
];

const TOKEN = /^[A-Za-z0-9_]+$/;

/**
 * Parses the standard arch string into the 6 edge ops (standard edge order).
 * Throws UserError quoting the string when it does not parse.
 */
export function parseNb201Arch(s: string): string[] {
  const bad = (why: string): never => {
    throw new UserError(`invalid NAS-Bench-201 arch string ${JSON.stringify(s)}: ${why} (expected |op~0|+|op~0|op~1|+|op~0|op~1|op~2|)`);
  };
  if (typeof s !== 'string') bad('not a string');
  const nodes = s.split('+');
  if (nodes.length !== 3) bad(`expected 3 nodes separated by "+", got ${nodes.length}`);
  const ops: string[] = [];
  nodes.forEach((node, n) => {
    if (node.length < 2 || node[0] !== '|' || node[node.length - 1] !== '|') bad(`node ${n + 1} must be enclosed in "|"`);
    const edges = node.slice(1, -1).split('|');
    if (edges.length !== n + 1) bad(`node ${n + 1} needs ${n + 1} edge(s), got ${edges.length}`);
    edges.forEach((e, j) => {
      const t = e.indexOf('~');
      const op = e.slice(0, t);
      if (t < 0 || e.slice(t + 1) !== String(j) || !TOKEN.test(op)) bad(`edge "${e}" of node ${n + 1} should be op~${j}`);
      ops.push(op);
    });
  });
  return ops;
}

/** Formats 6 edge ops (standard order) as the standard arch string. */
export function formatNb201Arch(ops: readonly string[]): string {
  if (ops.length !== 6) throw new UserError(`a NAS-Bench-201 cell has 6 edges, got ${ops.length}`);
  return `|${ops[0]}~0|+|${ops[1]}~0|${ops[2]}~1|+|${ops[3]}~0|${ops[4]}~1|${ops[5]}~2|`;
}

/** Number of edges into nodes 1..stages (1, 3, 6). */
function edgesUpTo(stages: number): number {
  return (stages * (stages + 1)) / 2;
}

/** Builds the SearchSpace of a checked nas-bench-201-family file. */
export function createNb201Space(spec: SpaceFile, file: string): SearchSpace {
  const ops = [...spec.ops];
  const opIndex = new Map(ops.map((o, i) => [o, i]));
  const STAGES = 3;

  const checkStages = (stages: number): number => {
    if (!Number.isInteger(stages) || stages < 1 || stages > STAGES) throw new SpaceError('stages', `expected 1..${STAGES}, got ${stages}`);
    return stages;
  };

  /** The edges of node k > stages in a partial cell: pass-through (skip from node k-1, others none). */
  const passThrough = (e: number): string => (NB201_EDGES[e][1] === NB201_EDGES[e][0] - 1 ? 'skip_connect' : 'none');

  const decisions = (stages = STAGES): Decision[] =>
    NB201_EDGES.slice(0, edgesUpTo(checkStages(stages))).map(([to, from]) => ({
      name: `edge ${to}<-${from}`,
      kind: 'op' as const,
      options: ops.length,
      stage: to,
      cell: 'cell',
      labels: ops,
    }));

  const edgesOf = (g: unknown): string[] => {
    if (typeof g !== 'object' || g === null || Array.isArray(g)) throw new SpaceError('$', `expected a genotype object, got ${kind(g)}`);
    const o = g as Record<string, unknown>;
    if (o.space !== 'nas-bench-201') throw new SpaceError('$.space', `expected "nas-bench-201", got ${kind(o.space)}`);
    for (const k of Object.keys(o)) if (k !== 'space' && k !== 'arch') throw new SpaceError(`$.${k}`, 'unknown key (a nas-bench-201 genotype has space, arch)');
    if (typeof o.arch !== 'string') throw new SpaceError('$.arch', `expected an arch string, got ${kind(o.arch)}`);
    let edges: string[];
    try {
      edges = parseNb201Arch(o.arch);
    } catch (e) {
      throw new SpaceError('$.arch', (e as Error).message);
    }
    edges.forEach((op, i) => {
      if (!opIndex.has(op)) throw new SpaceError('$.arch', `edge ${NB201_EDGES[i][0]}<-${NB201_EDGES[i][1]}: unknown op "${op}" (space ${spec.name} has: ${ops.join(', ')})`);
    });
    return edges;
  };

  const validate = (g: unknown): Nb201Genotype => ({ space: 'nas-bench-201', arch: formatNb201Arch(edgesOf(g)) });

  const stagesOf = (g: Genotype): number => {
    const edges = edgesOf(g);
    let s = STAGES;
    while (s > 1 && NB201_EDGES.every(([to], e) => to < s || edges[e] === passThrough(e))) s--;
    return s;
  };

  const decode = (choices: number[]): Nb201Genotype => {
    if (!Array.isArray(choices) || ![1, 3, 6].includes(choices.length))
      throw new SpaceError('$', `expected 1, 3 or 6 choices (edges into nodes 1..s), got ${Array.isArray(choices) ? choices.length : kind(choices)}`);
    choices.forEach((c, i) => {
      if (!Number.isInteger(c) || c < 0 || c >= ops.length) throw new SpaceError(`$[${i}]`, `choice ${c} for edge ${NB201_EDGES[i][0]}<-${NB201_EDGES[i][1]} out of range 0..${ops.length - 1}`);
    });
    return { space: 'nas-bench-201', arch: formatNb201Arch(NB201_EDGES.map((_, e) => (e < choices.length ? ops[choices[e]] : passThrough(e)))) };
  };

  const encode = (g: Genotype): number[] => {
    const edges = edgesOf(g);
    return edges.slice(0, edgesUpTo(stagesOf(g))).map((op) => opIndex.get(op)!);
  };

  const sample = (rng: Rng, stages = STAGES): Nb201Genotype => {
    const n = edgesUpTo(checkStages(stages));
    return decode(Array.from({ length: n }, () => pick(rng, ops.length)));
  };

  const mutate = (g: Genotype, rng: Rng): { genotype: Genotype; mutation: Mutation } => {
    const edges = edgesOf(g);
    if (ops.length < 2) return { genotype: validate(g), mutation: { kind: 'identity', detail: 'only one op: nothing to change' } };
    const e = pick(rng, 6);
    const old = edges[e];
    const others = ops.filter((o) => o !== old);
    edges[e] = others[pick(rng, others.length)];
    const [to, from] = NB201_EDGES[e];
    return { genotype: { space: 'nas-bench-201', arch: formatNb201Arch(edges) }, mutation: { kind: 'op', detail: `edge ${to}<-${from}: ${old} -> ${edges[e]}` } };
  };

  return {
    name: spec.name,
    family: 'nas-bench-201',
    file,
    ops,
    blocks: STAGES,
    macro: { ...spec.macro },
    decisions,
    encode,
    decode,
    stagesOf,
    key: (g) => validate(g).arch,
    validate,
    sample,
    mutate,
    describe: (g) => validate(g).arch,
  };
}
