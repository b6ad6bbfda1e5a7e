/** The leaders' view API (/api/analytics/…), typed for the views. */
import { getJson, sendJson, withQuery, type QueryValue } from '../api/client.ts';

export interface AnalyticsRun {
  id: number;
  kind: 'hotspots' | 'emerging_hotspots' | 'common_problems' | 'assessment';
  status: 'queued' | 'running' | 'done' | 'failed';
  parameters: Record<string, unknown>;
  requestedAt: string;
  computedAt: string | null;
  error: string | null;
  summary: Record<string, unknown> & { notice?: string | null };
}

export interface HotspotGrid {
  gridCode: string;
  gridName: string;
  villageName: string;
  townName: string;
  cases: number;
  households: number;
  rate: number | null;
  z: number | null;
  p: number | null;
  bin: number;
}

export interface ClusterFeature {
  type: 'Feature';
  geometry: GeoJSON.Geometry;
  properties: { clusterNo: number; cases: number; topCategories: { code: string; name: string; cases: number }[] };
}

export interface HotspotAnswer {
  run: AnalyticsRun;
  grids: HotspotGrid[];
  clusters: { type: 'FeatureCollection'; features: ClusterFeature[] };
}

export interface HotspotQuery extends Record<string, QueryValue> {
  from?: string;
  to?: string;
  categories?: string;
  neighbourhood?: 'contiguity' | 'distance_band';
  distanceBandMetres?: number;
}

export const fetchHotspots = (query: HotspotQuery, signal?: AbortSignal) =>
  getJson<HotspotAnswer>('/api/analytics/hotspots', { query, signal });

export const fetchHeat = (query: HotspotQuery, signal?: AbortSignal) =>
  getJson<GeoJSON.FeatureCollection<GeoJSON.Point, { cases: number }>>('/api/analytics/heat', { query, signal });

export interface EmergingGrid {
  gridCode: string;
  gridName: string;
  villageName: string;
  townName: string;
  category: string;
  cases: number;
  hotWeeks: number;
  coldWeeks: number;
  trendZ: number | null;
  trendP: number | null;
  finalZ: number | null;
  weekly: number[];
}

export const fetchEmerging = (runId?: number) =>
  getJson<{ run: AnalyticsRun | null; grids: EmergingGrid[]; message?: string }>('/api/analytics/emerging-hotspots', {
    query: { runId },
  });

export interface CommonProblemGroup {
  groupNo: number;
  cases: number;
  raised: number;
  households: number;
  representativeCaseId: number;
  representativeText: string;
  keywords: string[];
  cohesion: number;
  categories: { code: string; name: string; cases: number }[];
  villages: { code: string; name: string; town: string; cases: number }[];
  units: { id: number; name: string; cases: number }[];
  monthly: { month: string; cases: number }[];
  firstAt: string;
  lastAt: string;
  commonProblemId: number | null;
}

export interface MemberCase {
  id: number;
  trackingCode: string;
  title: string;
  description: string;
  state: string;
  villageName: string | null;
  townName: string | null;
  ownerName: string;
  createdAt: string;
}

export const fetchGroups = (runId?: number) =>
  getJson<{ run: AnalyticsRun | null; groups: CommonProblemGroup[]; message?: string }>('/api/analytics/common-problems/groups', {
    query: { runId },
  });

export const fetchGroup = (runId: number, groupNo: number) =>
  getJson<{ group: CommonProblemGroup; cases: MemberCase[] }>(`/api/analytics/common-problems/groups/${runId}/${groupNo}`);

export const createCommonProblem = (runId: number, groupNo: number, title: string) =>
  sendJson<{ id: number; title: string; cases: MemberCase[]; alreadyLinked: number[] }>(
    'POST',
    '/api/analytics/common-problems',
    {
      runId,
      groupNo,
      title,
    },
  );

export const queueRun = (request: Record<string, unknown>) =>
  sendJson<{ run: AnalyticsRun }>('POST', '/api/analytics/runs', request);

export const fetchRun = (id: number) => getJson<{ run: AnalyticsRun }>(`/api/analytics/runs/${id}`);

/** Polls a run until it is done or failed (every 2 s, up to `timeoutMs`). */
export async function waitForRun(id: number, timeoutMs = 10 * 60_000): Promise<AnalyticsRun> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { run } = await fetchRun(id);
    if (run.status === 'done' || run.status === 'failed') return run;
    if (Date.now() > deadline) return run;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

export interface ChartData {
  total: number;
  weekly: { week: string; cases: number; resolved: number }[];
  categories: { code: string; name: string; cases: number }[];
  channels: { channel: string; cases: number }[];
  timeToResolve: { band: string; cases: number }[];
  medianDaysToResolve: number | null;
}

export const fetchCharts = (query: HotspotQuery) => getJson<ChartData>('/api/analytics/charts', { query });

export type SubjectKind = 'unit' | 'town' | 'village' | 'grid_worker' | 'village_cadre';
export type PeriodKind = 'month' | 'quarter' | 'year';

export interface AssessmentEntry {
  kind: SubjectKind;
  key: string;
  name: string;
  parent: string | null;
  counts: Record<string, number | string>;
  rates: Record<string, number | null | Record<string, number>>;
  score: number | null;
  rank: number | null;
  tooFew: boolean;
}

export interface AssessmentAnswer {
  period: { kind: PeriodKind; label: string; from: string; to: string };
  weights: Record<string, number>;
  minimumCases: number;
  points: Record<string, number>;
  run: AnalyticsRun | null;
  entries: AssessmentEntry[];
  message?: string;
}

export const fetchAssessment = (period: PeriodKind, start: string, kind: SubjectKind) =>
  getJson<AssessmentAnswer>('/api/analytics/assessment', { query: { period, start, kind } });

export interface DrillCase {
  id: number;
  trackingCode: string;
  title: string;
  state: string;
  category: string;
  owner: string;
  createdAt: string;
  answerDeadlineAt: string | null;
  resolvedAt: string | null;
}

export const fetchDrill = (period: PeriodKind, start: string, kind: SubjectKind, key: string, metric: string) =>
  getJson<{ cases: DrillCase[] }>('/api/analytics/assessment/cases', { query: { period, start, kind, key, metric } });

export const exportUrl = (table: string, format: 'xlsx' | 'csv', query: Record<string, QueryValue>) =>
  withQuery(`/api/analytics/exports/${table}.${format}`, query);

export const reportUrl = (month: string) => withQuery('/api/analytics/report', { month });

/** A 0–1 share as a percentage with one decimal, or a dash when there is none (never NaN). */
export function percent(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : '—';
}

export function fixed(value: unknown, digits = 2): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '—';
}
