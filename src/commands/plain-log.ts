/** One plain line per finished trial: what `nas search` prints when stdout is not a terminal. */
import type { SearchEvent } from '../search/events.js';
import type { SearchSpace } from '../space/types.js';
import { duration, pct, si } from '../core/format.js';

export interface PlainLogger {
  line(text: string): void;
  /** Send lines elsewhere (the dashboard's log panel) until called with undefined. */
  redirect(to: ((text: string) => void) | undefined): void;
  event(e: SearchEvent, space: SearchSpace): void;
}

export function createPlainLogger(out: NodeJS.WritableStream): PlainLogger {
  const parents = new Map<number, number | null>();
  let target: ((text: string) => void) | undefined;
  const write = (text: string) => (target ? target(text) : out.write(text + '\n'));
  return {
    line: write,
    redirect: (to) => (target = to),
    event(e, space) {
      if (e.type === 'trial-start' && !e.rung) parents.set(e.trialId, e.parentId);
      if (e.type === 'log') write(e.line);
      if (e.type === 'paused') write(e.paused ? 'paused: no new children until resumed' : 'resumed');
      if (e.type !== 'trial-end') return;
      const r = e.result;
      const m = r.metrics;
      const parent = parents.get(r.trialId);
      parents.delete(r.trialId);
      const width = String(e.budget).length;
      const head = `[${String(e.done).padStart(width)}/${e.budget}] trial ${r.trialId}${e.rung !== undefined ? ` rung ${e.rung}` : ''}`;
      if (r.status === 'failed') {
        write(`${head} FAILED: ${r.error ?? 'unknown error'}`);
        return;
      }
      const estimator = m?.extra?.estimator;
      if (typeof estimator === 'string') {
        // A zero-cost reward is the estimator's score, not an accuracy.
        write(`${head} ${estimator} ${r.reward?.toFixed(3)} best ${e.best?.toFixed(3)} ${duration(m?.seconds)}${m?.worker ? ` on ${m.worker}` : ''}`);
        return;
      }
      write(
        `${head} reward ${pct(r.reward)} best ${pct(e.best)} params ${si(m?.params)} madds ${si(m?.multAdds)} ` +
          `${duration(m?.seconds)}${m?.imagesPerSec ? ` ${Math.round(m.imagesPerSec)} img/s` : ''}` +
          `${parent ? ` parent ${parent}` : ''}${m?.worker ? ` on ${m.worker}` : ''}`,
      );
    },
  };
}
