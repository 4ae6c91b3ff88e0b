/**
 * Redis connection for the queue: parses `--queue` URLs, and checks the server before anything
 * else happens (reachable, password accepted, queue format compatible), turning each fault into a
 * one-line UserError. The search calls this before it opens its store, so bad input leaves no trace.
 */
import { Redis } from 'ioredis';
import type { RedisOptions as BullRedisOptions } from 'bullmq';
import { UserError } from '../../core/errors.js';
import { DEFAULT_QUEUE, QUEUE_FORMAT, formatKey } from './protocol.js';

/** A parsed `--queue` URL: redis[s]://[[user]:password@]host[:port][/db][?queue=NAME&capacity=N]. */
export interface QueueUrl {
  /** The URL handed to ioredis (nas's own query parameters removed). */
  redisUrl: string;
  /** The URL without credentials, for messages. */
  shown: string;
  queue: string;
  /** `?capacity=N`: children the search keeps in flight (default: live workers' total concurrency). */
  capacity?: number;
}

export function parseQueueUrl(url: string): QueueUrl {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(`--queue must be a URL like redis://HOST:PORT[/DB], got "${url}"`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new UserError(`--queue must start with redis:// or rediss:// (TLS), got "${url}"`);
  }
  if (!u.hostname) throw new UserError(`--queue URL has no host: "${url}"`);
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new UserError(`--queue URL database must be a number, got "/${db}"`);
  const queue = u.searchParams.get('queue') ?? DEFAULT_QUEUE;
  if (!/^[A-Za-z0-9_.-]+$/.test(queue)) throw new UserError(`--queue URL: queue name may only use letters, digits, _ . -, got "${queue}"`);
  let capacity: number | undefined;
  const c = u.searchParams.get('capacity');
  if (c !== null) {
    capacity = Number(c);
    if (!Number.isInteger(capacity) || capacity < 1) throw new UserError(`--queue URL: capacity must be an integer ≥ 1, got "${c}"`);
  }
  for (const k of ['queue', 'capacity']) u.searchParams.delete(k);
  const redisUrl = u.toString();
  const shown = `${u.protocol}//${u.host}${db ? `/${db}` : ''}`;
  return { redisUrl, shown, queue, capacity };
}

/** ioredis options for BullMQ connections (blocking commands need maxRetriesPerRequest: null). */
export function bullConnection(q: QueueUrl): BullRedisOptions {
  return { url: q.redisUrl, maxRetriesPerRequest: null };
}

/**
 * Connects once without retries and checks the server and the queue format. Returns the open
 * client (the caller closes it) or throws a UserError naming the fault in one line.
 */
export async function connectChecked(q: QueueUrl, opts: { timeoutMs?: number } = {}): Promise<Redis> {
  let lastError: Error | undefined;
  const client = new Redis(q.redisUrl, {
    lazyConnect: true,
    connectTimeout: opts.timeoutMs ?? 5000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    reconnectOnError: () => false,
    // A refused connection would otherwise keep the process alive 2 s after the error.
    disconnectTimeout: 100,
  });
  client.on('error', (err: Error) => (lastError = err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    client.disconnect();
    throw new UserError(`cannot use Redis at ${q.shown}: ${describeRedisError(lastError ?? err)}`);
  }
  try {
    await checkFormat(client, q);
  } catch (err) {
    client.disconnect();
    throw err;
  }
  return client;
}

/** Writes this version's format marker into a new queue, or refuses a queue made by another format. */
async function checkFormat(client: Redis, q: QueueUrl): Promise<void> {
  const key = formatKey(q.queue);
  const created = await client.set(key, String(QUEUE_FORMAT), 'NX');
  if (created === 'OK') {
    // A queue that BullMQ already knows but that has no marker was not created by nas.
    const foreign = await client.exists(`bull:${q.queue}:meta`);
    if (foreign && (await client.exists(`bull:${q.queue}:id`, `bull:${q.queue}:wait`, `bull:${q.queue}:completed`)) > 0) {
      await client.del(key);
      throw new UserError(`queue "${q.queue}" at ${q.shown} was not created by nas (no format marker): use another ?queue=NAME or database`);
    }
    return;
  }
  const found = await client.get(key);
  if (found !== String(QUEUE_FORMAT)) {
    throw new UserError(
      `queue "${q.queue}" at ${q.shown} was created by an incompatible nas version (queue format ${found}, this nas uses ${QUEUE_FORMAT}): ` +
        'use another ?queue=NAME or database, or upgrade the workers and the search together',
    );
  }
}

/** One line for a connection fault: refused, unknown host, timeout, bad password. */
export function describeRedisError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const msg = (e?.message ?? String(err)).split('\n')[0];
  if (/WRONGPASS|invalid password|invalid username-password/i.test(msg)) return 'wrong password (the server refused AUTH)';
  if (/NOAUTH/i.test(msg)) return 'the server requires a password: put it in the URL (redis://:PASSWORD@HOST:PORT)';
  if (e?.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(msg)) return 'connection refused (is redis-server running and listening there?)';
  if (e?.code === 'ENOTFOUND' || /ENOTFOUND|EAI_AGAIN/.test(msg)) return 'unknown host';
  if (e?.code === 'ETIMEDOUT' || /ETIMEDOUT|timed? ?out/i.test(msg)) return 'connection timed out (firewall, or wrong host/port?)';
  return msg;
}
