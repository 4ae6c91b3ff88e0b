/** What the search loop emits: the dashboard and the plain logger consume these. */
import type { TrialProgress, TrialResult } from '../evaluators/types.js';
import type { Genotype } from '../space/types.js';

export type SearchEvent =
  | { type: 'start'; runId: number; strategy: string; space: string; backend: string; workers: number; budget: number; resumed: boolean }
  | { type: 'trial-start'; runId: number; trialId: number; key: string; genotype: Genotype; parentId: number | null; worker?: string; rung?: number; baseline?: string | null }
  | { type: 'progress'; runId: number; progress: TrialProgress }
  | { type: 'trial-end'; runId: number; trialId: number; result: TrialResult; done: number; budget: number; best: number | null; rung?: number; baseline?: string | null }
  | { type: 'log'; runId: number; line: string }
  | { type: 'paused'; runId: number; paused: boolean }
  | { type: 'end'; runId: number; status: 'complete' | 'interrupted' | 'failed'; done: number };
