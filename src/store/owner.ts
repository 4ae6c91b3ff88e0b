/**
 * Which process holds a run or a replay: "host:pid:start", written into its row when a search or a
 * training starts or resumes. A killed process cannot mark its row, so without this a SIGKILLed
 * search stays 'running' forever, and a second `--resume` could train the same run or checkpoint
 * beside a live first one. `start` (the process start time in clock ticks, from /proc) tells a
 * live owner from a later process that happens to reuse its pid.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { UserError } from '../core/errors.js';

/** 'alive': the owner runs; 'gone': it does not (killed); 'unknown': another host, cannot tell. */
export type OwnerState = 'alive' | 'gone' | 'unknown';

/** The owner string of this process. */
export function currentOwner(): string {
  return ownerOf(process.pid);
}

/** The owner string of a process of this host (its start time when /proc has it). */
export function ownerOf(pid: number): string {
  return `${hostname()}:${pid}:${startTicks(pid) ?? ''}`;
}

/** An owner string's parts (the host name may itself hold colons). */
function parseOwner(owner: string): { host: string; pid: number; start: string } {
  const parts = owner.split(':');
  const start = parts.pop() ?? '';
  const pid = Number(parts.pop());
  return { host: parts.join(':'), pid, start };
}

/** Whether the process named by an owner string still runs. */
export function ownerState(owner: string): OwnerState {
  const { host, pid, start } = parseOwner(owner);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return 'unknown';
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return 'gone';
  }
  if (start === '') return 'alive';
  const now = startTicks(pid);
  return now === undefined || String(now) === start ? 'alive' : 'gone';
}

/** "process 123 on host": for messages. */
export function describeOwner(owner: string): string {
  const { host, pid } = parseOwner(owner);
  return `process ${pid} on ${host}`;
}

/** Field 22 of /proc/PID/stat (start time after boot, clock ticks); undefined off Linux. */
function startTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[22 - 3]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

/** A row recorded as 'running' whose process is gone (killed). */
export function isStale(row: { status: string; owner: string | null }): boolean {
  return row.status === 'running' && row.owner !== null && ownerState(row.owner) === 'gone';
}

/** A row's status as reports show it: 'running' whose process is gone becomes 'stale'. */
export function shownStatus(row: { status: string; owner: string | null }): string {
  return isStale(row) ? 'stale' : row.status;
}

/**
 * Throws UserError when a 'running' row is held by another process that still runs: taking it
 * over would train the same trials or checkpoint twice. A row of another host cannot be checked
 * and is taken over (SQLite is not meant to be shared across hosts anyway).
 */
export function refuseLiveOwner(row: { status: string; owner: string | null }, what: string): void {
  if (row.status !== 'running' || row.owner === null || row.owner === currentOwner()) return;
  if (ownerState(row.owner) === 'alive') throw new UserError(`${what} by ${describeOwner(row.owner)}; stop that one first (Ctrl-C) or wait for it to end`);
}
