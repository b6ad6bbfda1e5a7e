/**
 * The case rates every screen shows — 办结率, 按期办结率, 满意率 — defined
 * once (ADR 0006) for the leaders' assessment and the map wall alike, so a
 * month's district-wide figures read the same on both. Each is a share with
 * its denominator; null, never NaN, when the denominator is 0.
 */

/** What became of the cases received in a period, counted as of its end (or now, while it runs). */
export interface CaseOutcomeCounts {
  /** Cases received in the period (a duplicate of another case is not counted). */
  cases: number;
  /** Of `cases`: resolved by the period's end. */
  resolved: number;
  /** Resolved by the answer deadline. */
  resolvedOnTime: number;
  /** Still open and already past the answer deadline. */
  openOverdue: number;
  /** Callbacks that reached the resident, and how they rated it. */
  rated: number;
  /** Satisfied or basically satisfied. */
  satisfied: number;
}

export interface CaseRates {
  /** 办结率: resolved / cases. */
  closureRate: number | null;
  /** 按期办结率: resolved on time / (resolved + open and overdue) — not resolving is never better than resolving late. */
  onTimeRate: number | null;
  /** 满意率: satisfied or basically satisfied / rated callbacks. */
  satisfactionRate: number | null;
}

/** part / whole, null when whole is 0. */
export const shareOf = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

export function caseRates(counts: CaseOutcomeCounts): CaseRates {
  return {
    closureRate: shareOf(counts.resolved, counts.cases),
    onTimeRate: shareOf(counts.resolvedOnTime, counts.resolved + counts.openOverdue),
    satisfactionRate: shareOf(counts.satisfied, counts.rated),
  };
}
