/**
 * Learning-rate schedules of the replay. Both are per step (fractional epoch), so a resumed
 * run continues on the same curve.
 *  - step: lr, x0.1 at 50% and x0.01 at 75% of the epochs (the protocol in the issue; He et al. 2016 use
 *    the same drops at 32k/48k of 64k iterations).
 *  - cosine: SGDR without restarts (Loshchilov & Hutter 2017, eq. 5): lr * (1 + cos(pi * t / T)) / 2.
 */
export type ScheduleKind = 'step' | 'cosine';

/** Learning rate at `progress` = (epochs done + fraction of the current one) / total epochs, in [0, 1]. */
export function learningRate(kind: ScheduleKind, base: number, progress: number): number {
  const t = Math.min(Math.max(progress, 0), 1);
  if (kind === 'cosine') return (base * (1 + Math.cos(Math.PI * t))) / 2;
  if (t >= 0.75) return base * 0.01;
  if (t >= 0.5) return base * 0.1;
  return base;
}
