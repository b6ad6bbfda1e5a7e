/**
 * The analytics policies (table `policy`, keys analytics.* and assessment.*),
 * read where they are used so an administrator's edit takes effect at the
 * next run. A malformed value falls back to the default for that field only.
 */
import { sql, type Queryable } from '@minqing/db';
import {
  ASSESSMENT_METRICS,
  DEFAULT_ASSESSMENT_WEIGHTS,
  DEFAULT_POINT_RULES,
  type AssessmentWeights,
  type PointRules,
} from '@minqing/shared';

export type Neighbourhood = 'contiguity' | 'distance_band';

export interface HotspotPolicy {
  windowDays: number;
  neighbourhood: Neighbourhood;
  distanceBandMetres: number;
  falseDiscoveryRate: boolean;
  clusterDistanceMetres: number;
  clusterMinimumCases: number;
  reuseMinutes: number;
  /** Fewer cases than this in the window: no Gi* (one case makes its own neighbourhood "significant"). */
  minimumCases: number;
}

export interface EmergingPolicy {
  weeks: number;
  neighbourhood: Neighbourhood;
  distanceBandMetres: number;
  timeStepNeighbours: number;
  trendAlpha: number;
  persistentShare: number;
  minimumCases: number;
}

export interface CommonProblemPolicy {
  windowDays: number;
  minimumGroupSize: number;
  linkScore: number;
  averageScore: number;
  minimumText: number;
  textWeight: number;
  categoryWeight: number;
  spaceWeight: number;
  spaceScaleMetres: number;
}

export interface AssessmentPolicy {
  weights: AssessmentWeights;
  minimumCases: number;
  points: PointRules;
}

export interface AnalyticsPolicy {
  hotspots: HotspotPolicy;
  emerging: EmergingPolicy;
  commonProblems: CommonProblemPolicy;
  assessment: AssessmentPolicy;
}

export const DEFAULT_ANALYTICS_POLICY: AnalyticsPolicy = {
  hotspots: {
    windowDays: 90,
    neighbourhood: 'contiguity',
    distanceBandMetres: 2000,
    falseDiscoveryRate: true,
    clusterDistanceMetres: 150,
    clusterMinimumCases: 20,
    reuseMinutes: 15,
    minimumCases: 20,
  },
  emerging: {
    weeks: 52,
    neighbourhood: 'contiguity',
    distanceBandMetres: 2000,
    timeStepNeighbours: 1,
    trendAlpha: 0.05,
    persistentShare: 0.9,
    minimumCases: 20,
  },
  commonProblems: {
    windowDays: 365,
    minimumGroupSize: 3,
    linkScore: 0.45,
    averageScore: 0.2,
    minimumText: 0.25,
    textWeight: 0.75,
    categoryWeight: 0.15,
    spaceWeight: 0.1,
    spaceScaleMetres: 3000,
  },
  assessment: { weights: DEFAULT_ASSESSMENT_WEIGHTS, minimumCases: 5, points: DEFAULT_POINT_RULES },
};

/** Fields of `value` that have the default's type (numbers finite and ≥ 0 unless `signed`), the defaults for the rest. */
function pick<T extends object>(value: unknown, fallback: T, signed = false): T {
  const result = { ...fallback } as Record<string, unknown>;
  if (typeof value !== 'object' || value === null) return result as T;
  for (const [key, current] of Object.entries(value as Record<string, unknown>)) {
    if (!(key in result)) continue;
    const expected = typeof result[key];
    if (expected === 'number' && typeof current === 'number' && Number.isFinite(current) && (signed || current >= 0)) {
      result[key] = current;
    } else if (expected === 'boolean' && typeof current === 'boolean') result[key] = current;
    else if (key === 'neighbourhood' && (current === 'contiguity' || current === 'distance_band')) result[key] = current;
  }
  return result as T;
}

export async function loadAnalyticsPolicy(db: Queryable): Promise<AnalyticsPolicy> {
  const rows = await db.query<{ key: string; value: unknown }>(
    sql`select key, value from policy where key like 'analytics.%' or key like 'assessment.%'`,
  );
  const value = (key: string) => rows.find((row) => row.key === key)?.value;
  const defaults = DEFAULT_ANALYTICS_POLICY;
  const weights = pick(value('assessment.weights'), defaults.assessment.weights);
  for (const metric of ASSESSMENT_METRICS) weights[metric] = Math.min(weights[metric], 100);
  return {
    hotspots: pick(value('analytics.hotspots'), defaults.hotspots),
    emerging: pick(value('analytics.emerging_hotspots'), defaults.emerging),
    commonProblems: pick(value('analytics.common_problems'), defaults.commonProblems),
    assessment: {
      weights,
      minimumCases: pick(value('assessment.minimum_cases'), { count: defaults.assessment.minimumCases }).count,
      points: pick(value('assessment.village_cadre_points'), defaults.assessment.points, true),
    },
  };
}
