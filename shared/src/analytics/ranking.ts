/**
 * Fair rankings of units and places (考核排名). Every rate is a share of
 * cases with its denominator shown, null — not 0, not NaN — when the
 * denominator is 0; the overall score is a weighted mean of the rates the
 * policy names (weights shown next to the ranking); units with too few cases
 * are listed apart instead of ranked, because a rate over two cases says
 * little. 办结率, 按期办结率 and 满意率 are the case rates of case-rates.ts,
 * the ones the map wall shows too.
 */
import { caseRates, shareOf, type CaseOutcomeCounts, type CaseRates } from './case-rates.ts';

/**
 * What was counted for one unit (or place) in one period: the case outcomes
 * (`cases` is the subject's workload) and what only the assessment counts.
 */
export interface AssessmentCounts extends CaseOutcomeCounts {
  /** Hand-overs (dispatch, transfer, escalation, redo) it had to sign for, and those signed before the sign-for deadline. */
  handOvers: number;
  signedOnTime: number;
  /** Reopened after an unsatisfied callback (重办). */
  redone: number;
  yellowCards: number;
  redCards: number;
}

export const ASSESSMENT_METRICS = ['response', 'closure', 'onTime', 'satisfaction', 'redo', 'cards'] as const;
export type AssessmentMetric = (typeof ASSESSMENT_METRICS)[number];
export type AssessmentWeights = Record<AssessmentMetric, number>;

/** The default weights (policy `assessment.weights`); they need not add up to 1. */
export const DEFAULT_ASSESSMENT_WEIGHTS: AssessmentWeights = {
  response: 0.15,
  closure: 0.2,
  onTime: 0.25,
  satisfaction: 0.25,
  redo: 0.1,
  cards: 0.05,
};

/** 办结率, 按期办结率 and 满意率 (CaseRates), with 响应率, 重办率 and the card rate. */
export interface AssessmentRates extends CaseRates {
  /** 响应率: signed for on time / hand-overs. */
  responseRate: number | null;
  /** 重办率: redone / resolved. */
  redoRate: number | null;
  /** Cards per case, red counting twice: (yellow + 2·red) / cases. */
  cardRate: number | null;
}

export function assessmentRates(counts: AssessmentCounts): AssessmentRates {
  const { closureRate, onTimeRate, satisfactionRate } = caseRates(counts);
  return {
    responseRate: shareOf(counts.signedOnTime, counts.handOvers),
    closureRate,
    onTimeRate,
    satisfactionRate,
    redoRate: shareOf(counts.redone, counts.resolved),
    cardRate: shareOf(counts.yellowCards + 2 * counts.redCards, counts.cases),
  };
}

/** Each metric as a 0–1 score where higher is better (redo and cards count against). */
export function metricScores(rates: AssessmentRates): Record<AssessmentMetric, number | null> {
  const inverse = (rate: number | null) => (rate === null ? null : Math.max(0, 1 - rate));
  return {
    response: rates.responseRate,
    closure: rates.closureRate,
    onTime: rates.onTimeRate,
    satisfaction: rates.satisfactionRate,
    redo: inverse(rates.redoRate),
    cards: inverse(rates.cardRate),
  };
}

/**
 * The weighted mean of the metric scores, 0–100. A metric that cannot be
 * measured (no callbacks yet, say) drops out and the others' weights are
 * rescaled; null when nothing can be measured or the weights add up to 0.
 */
export function overallScore(rates: AssessmentRates, weights: AssessmentWeights): number | null {
  const scores = metricScores(rates);
  let total = 0;
  let weightTotal = 0;
  for (const metric of ASSESSMENT_METRICS) {
    const score = scores[metric];
    const weight = weights[metric];
    if (score === null || !(weight > 0)) continue;
    total += weight * score;
    weightTotal += weight;
  }
  return weightTotal > 0 ? (100 * total) / weightTotal : null;
}

export interface RankedSubject<T> {
  subject: T;
  rates: AssessmentRates;
  score: number | null;
  /** 1 = best; equal scores share a rank (1, 2, 2, 4). Null for subjects not ranked. */
  rank: number | null;
  /** Fewer cases than the policy's minimum: shown apart, not ranked. */
  tooFewToRank: boolean;
}

/**
 * Ranks subjects by overall score, best first. Subjects with fewer than
 * `minimumCases` cases, or no score, come after the ranked ones, unranked.
 */
export function rankSubjects<T extends { counts: AssessmentCounts }>(
  subjects: readonly T[],
  weights: AssessmentWeights,
  minimumCases: number,
): RankedSubject<T>[] {
  const scored = subjects.map((subject) => {
    const rates = assessmentRates(subject.counts);
    const score = overallScore(rates, weights);
    return { subject, rates, score, rank: null as number | null, tooFewToRank: subject.counts.cases < minimumCases };
  });
  const ranked = scored
    .filter((entry) => !entry.tooFewToRank && entry.score !== null)
    .sort((a, b) => b.score! - a.score! || b.subject.counts.cases - a.subject.counts.cases);
  // Scores are compared to 1e-9 so that rounding never splits a tie.
  ranked.forEach((entry, index) => {
    const previous = ranked[index - 1];
    entry.rank = previous && Math.abs(previous.score! - entry.score!) < 1e-9 ? previous.rank : index + 1;
  });
  const unranked = scored.filter((entry) => entry.tooFewToRank || entry.score === null);
  return [...ranked, ...unranked];
}

/** Village cadre points (积分制): points per thing done, from policy `assessment.village_cadre_points`. */
export interface PointRules {
  resolvedInVillage: number;
  resolvedOnTime: number;
  satisfied: number;
  unsatisfied: number;
  patrolReport: number;
  yellowCard: number;
  redCard: number;
}

export const DEFAULT_POINT_RULES: PointRules = {
  resolvedInVillage: 2,
  resolvedOnTime: 1,
  satisfied: 1,
  unsatisfied: -2,
  patrolReport: 1,
  yellowCard: -3,
  redCard: -5,
};

export interface PointCounts {
  resolvedInVillage: number;
  resolvedOnTime: number;
  satisfied: number;
  unsatisfied: number;
  patrolReport: number;
  yellowCard: number;
  redCard: number;
}

/** Points and how they add up, item by item. */
export function cadrePoints(counts: PointCounts, rules: PointRules): { total: number; items: Record<keyof PointRules, number> } {
  const items = Object.fromEntries(
    (Object.keys(rules) as (keyof PointRules)[]).map((key) => [key, counts[key] * rules[key]]),
  ) as Record<keyof PointRules, number>;
  return { total: Object.values(items).reduce((sum, value) => sum + value, 0), items };
}
