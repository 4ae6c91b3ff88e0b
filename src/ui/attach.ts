/**
 * The entry `nas search` imports (only on a terminal): loads the live dashboard with React's
 * production build and attaches it. See live-dashboard.tsx for what it does.
 */
import { importWithProductionReact } from './react-production.js';
import type { AttachOptions, AttachedDashboard } from './live-dashboard.js';

export type { AttachOptions, AttachedDashboard };

/** Takes over the terminal for a running search; returns the handle the search feeds. */
export async function attachDashboard(opts: AttachOptions): Promise<AttachedDashboard> {
  const live = await importWithProductionReact(() => import('./live-dashboard.js'));
  return live.attachDashboard(opts);
}
