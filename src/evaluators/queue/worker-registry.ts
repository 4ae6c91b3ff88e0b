/**
 * Live `nas worker` processes announce themselves with a heartbeat key that expires: a search can
 * then size its capacity to the workers that are really there, and a worker killed with SIGKILL
 * disappears from the count by itself after the TTL.
 */
import type { Redis } from 'ioredis';
import { workerKeyPrefix } from './protocol.js';

export interface WorkerInfo {
  name: string;
  host: string;
  pid: number;
  concurrency: number;
  backend: string;
  started: string;
}

const HEARTBEAT_MS = 3000;
const TTL_MS = 10_000;

/** Keeps this worker's heartbeat key alive until the returned stop() is called (which deletes it). */
export function announceWorker(client: Redis, queue: string, info: WorkerInfo): () => Promise<void> {
  const key = workerKeyPrefix(queue) + info.name;
  const value = JSON.stringify(info);
  const beat = () => client.set(key, value, 'PX', TTL_MS).catch(() => {});
  void beat();
  const timer = setInterval(beat, HEARTBEAT_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await client.del(key).catch(() => {});
  };
}

/** The workers whose heartbeat has not expired. */
export async function liveWorkers(client: Redis, queue: string): Promise<WorkerInfo[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `${workerKeyPrefix(queue)}*`, 'COUNT', 200);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  const values = await client.mget(...keys);
  return values.flatMap((v) => {
    try {
      return v ? [JSON.parse(v) as WorkerInfo] : [];
    } catch {
      return [];
    }
  });
}
