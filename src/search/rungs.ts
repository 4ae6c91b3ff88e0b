/**
 * Asynchronous successive halving and Hyperband over a ladder of rungs (fidelities of rising cost).
 *
 *  - ASHA (Li et al., "A System for Massively Parallel Hyperparameter Tuning", MLSys 2020, Alg. 2):
 *    whenever a worker is free, promote a trial that is in the top 1/η of the results at its rung and
 *    not yet promoted, highest rung first; if there is none, start a new trial at the bottom rung.
 *    No rung ever waits for a full cohort, so the steady-state pool never idles.
 *  - Hyperband (Li et al., "Hyperband", JMLR 2018): several brackets of successive halving, bracket s
 *    starting at rung s, so that some trials skip the cheapest rungs. New trials go to the brackets in
 *    proportion to Hyperband's n_s = ⌈(s_max + 1) η^(s_max − s) / (s_max − s + 1)⌉ — here spread by a
 *    deterministic weighted round robin so a resumed search assigns the same brackets.
 *    NOTE: asynchronous within each bracket (ASHA's rule), as in Optuna's HyperbandPruner and
 *    Li et al. 2020 §3.2; the paper's Hyperband runs each bracket synchronously.
 *  - NOTE: the first promotions of a rung wait for η results there (⌊n/η⌋ ≥ 1); ASHA as published
 *    does the same (Optuna instead promotes the best of the first η − 1 at once).
 * Plain data in and out: state() / restore() round-trip through the store with the strategy's.
 */

export interface RungEntry {
  trialId: number;
  reward: number;
}

export interface Promotion {
  trialId: number;
  bracket: number;
  from: number;
  to: number;
}

interface BracketState {
  /** Completed results by rung (absolute rung index); null rewards (failed) are never promoted. */
  results: Record<number, RungEntry[]>;
  /** Trials promoted out of each rung. */
  promoted: Record<number, number[]>;
}

export interface SchedulerState {
  kind: 'sha' | 'hyperband';
  eta: number;
  rungs: number;
  brackets: BracketState[];
  /** Which bracket each trial belongs to. */
  bracketOf: Record<number, number>;
  /** Weighted round robin credit per bracket (Hyperband). */
  credit: number[];
}

export class RungScheduler {
  private s: SchedulerState;

  constructor(readonly kind: 'sha' | 'hyperband', readonly eta: number, readonly rungs: number) {
    if (!(eta >= 2)) throw new Error(`eta must be ≥ 2, got ${eta}`);
    if (!Number.isInteger(rungs) || rungs < 1) throw new Error(`rungs must be a positive integer, got ${rungs}`);
    const brackets = kind === 'sha' ? 1 : rungs;
    this.s = { kind, eta, rungs, brackets: Array.from({ length: brackets }, () => ({ results: {}, promoted: {} })), bracketOf: {}, credit: new Array(brackets).fill(0) };
  }

  /** Hyperband's relative number of trials per bracket (bracket s starts at rung s). */
  bracketWeights(): number[] {
    const smax = this.rungs - 1;
    return this.s.brackets.map((_, s) => (this.kind === 'sha' ? 1 : Math.ceil(((smax + 1) * this.eta ** (smax - s)) / (smax - s + 1))));
  }

  /** A new trial: its bracket and the rung it starts at. */
  admit(trialId: number): { bracket: number; rung: number } {
    let bracket = 0;
    if (this.kind === 'hyperband') {
      // Smooth weighted round robin: every bracket gains its weight, the richest is chosen and pays the total.
      const w = this.bracketWeights();
      const total = w.reduce((a, b) => a + b, 0);
      w.forEach((x, i) => (this.s.credit[i] += x));
      bracket = this.s.credit.indexOf(Math.max(...this.s.credit));
      this.s.credit[bracket] -= total;
    }
    this.s.bracketOf[trialId] = bracket;
    return { bracket, rung: bracket };
  }

  /** The bracket a trial was admitted to. */
  bracketOf(trialId: number): number {
    const b = this.s.bracketOf[trialId];
    if (b === undefined) throw new Error(`trial ${trialId} was never admitted`);
    return b;
  }

  /** A trial finished `rung`; a null reward (failed) is recorded as not promotable. */
  report(trialId: number, rung: number, reward: number | null): void {
    if (reward === null || !Number.isFinite(reward)) return;
    const b = this.s.brackets[this.bracketOf(trialId)];
    const list = (b.results[rung] ??= []);
    if (list.some((e) => e.trialId === trialId)) throw new Error(`trial ${trialId} already reported rung ${rung}`);
    list.push({ trialId, reward });
  }

  /**
   * ASHA's get_job: the best not-yet-promoted trial among the top ⌊n/η⌋ of the highest rung that has
   * one, or undefined (start a new trial). `busy` trials (in flight) are never proposed.
   */
  nextPromotion(busy: ReadonlySet<number> = new Set()): Promotion | undefined {
    for (let to = this.rungs - 1; to >= 1; to--) {
      const from = to - 1;
      for (let bracket = 0; bracket < this.s.brackets.length; bracket++) {
        if (from < bracket) continue;
        const b = this.s.brackets[bracket];
        const results = b.results[from] ?? [];
        const k = Math.floor(results.length / this.eta);
        if (k === 0) continue;
        const promoted = new Set(b.promoted[from] ?? []);
        // Ties: the earlier trial first, so the choice does not depend on the order results arrived in.
        const top = [...results].sort((x, y) => y.reward - x.reward || x.trialId - y.trialId).slice(0, k);
        const pick = top.find((e) => !promoted.has(e.trialId) && !busy.has(e.trialId));
        if (pick) return { trialId: pick.trialId, bracket, from, to };
      }
    }
    return undefined;
  }

  /** Records that a trial left `from` for the next rung (call when its promotion is dispatched). */
  promote(p: Promotion): void {
    const b = this.s.brackets[p.bracket];
    const list = (b.promoted[p.from] ??= []);
    if (list.includes(p.trialId)) throw new Error(`trial ${p.trialId} was already promoted from rung ${p.from}`);
    list.push(p.trialId);
  }

  /** How many results each rung holds (all brackets), bottom rung first. */
  counts(): number[] {
    return Array.from({ length: this.rungs }, (_, r) => this.s.brackets.reduce((n, b) => n + (b.results[r]?.length ?? 0), 0));
  }

  state(): SchedulerState {
    return JSON.parse(JSON.stringify(this.s)) as SchedulerState;
  }

  restore(state: unknown): void {
    const st = state as SchedulerState;
    if (!st || st.kind !== this.kind || st.eta !== this.eta || st.rungs !== this.rungs || !Array.isArray(st.brackets)) {
      throw new Error('the saved rung state belongs to another ladder');
    }
    this.s = JSON.parse(JSON.stringify(st)) as SchedulerState;
  }
}
