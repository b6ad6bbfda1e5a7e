/**
 * The leaders' view (/hotspots, /assessment): hot spots, emerging hot spots,
 * common problems, rankings, charts, exports and the monthly report. For
 * leaders, the command center and administrators. Heavy analyses are runs
 * computed by the job workers; the pages read their results.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { sql } from '@minqing/db';
import { ASSESSMENT_METRICS, chinaDate, type Role } from '@minqing/shared';
import { loadAnalyticsPolicy, type AnalyticsPolicy } from '../analytics/analytics-policy.ts';
import {
  assertDone,
  getRun,
  hotspotRun,
  latestRun,
  latestRunOfKind,
  queueRun,
  RUN_KINDS,
  type AnalyticsRun,
  type RunParameters,
} from '../analytics/analytics-runs.ts';
import {
  DRILL_METRICS,
  drillCondition,
  readAssessment,
  SUBJECT_KINDS,
  type SubjectKind,
} from '../analytics/assessment.service.ts';
import { countingCutoff } from '../analytics/case-outcomes.ts';
import { parseCategories } from '../analytics/category-filter.ts';
import { chartData } from '../analytics/charts.service.ts';
import {
  createCommonProblem,
  getCommonProblem,
  listCommonProblems,
  readGroupCases,
  readGroups,
} from '../analytics/common-problems.service.ts';
import { readEmergingHotspots } from '../analytics/emerging-hotspots.service.ts';
import {
  assessmentTable,
  commonProblemTable,
  EMERGING_CATEGORY_NAMES,
  emergingTable,
  hotspotTable,
} from '../analytics/export-tables.ts';
import { toCsv, toXlsx, type ExportTable } from '../analytics/exports.ts';
import { heatPoints, readHotspotClusters, readHotspotGrids } from '../analytics/hotspots.service.ts';
import { monthlyReportHtml } from '../analytics/monthly-report.ts';
import { lastDays, periodOf, PERIOD_KINDS, windowOf, type TimeWindow } from '../analytics/periods.ts';
import { requireActor } from '../auth/auth.middleware.ts';
import type { Actor } from '../auth/actor.ts';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../errors.ts';
import type { AppEnv } from '../http/app-env.ts';
import { createRouter } from '../http/router.ts';
import { errorResponses } from '../schemas/common.schema.ts';
import type { RouteDependencies } from './dependencies.ts';

/** Who may open the leaders' view. */
export const ANALYTICS_ROLES: readonly Role[] = ['administrator', 'dispatcher', 'leader'];

function requireAnalyst(c: Context<AppEnv>): Actor {
  const actor = requireActor(c);
  if (!ANALYTICS_ROLES.includes(actor.role)) {
    throw new ForbiddenError(
      `the leaders' view is for leaders, the command center and administrators, not a ${actor.role}`,
      'role_cannot',
    );
  }
  return actor;
}

const errors = {
  400: errorResponses[400],
  401: { description: 'Not signed in', content: errorResponses[400].content },
  403: { description: 'Not a leader, dispatcher or administrator', content: errorResponses[400].content },
  404: errorResponses[404],
};

const Json = (description: string) => ({ description, content: { 'application/json': { schema: z.any() } } });

const DateSchema = z
  .string()
  .regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, 'must be a date YYYY-MM-DD')
  .openapi({ example: '2026-11-01' });
const CategoriesSchema = z
  .string()
  .max(400, 'lists too many categories')
  .optional()
  .openapi({ description: 'Comma-separated category codes; a 2-digit group takes in its subcategories', example: '04,0602' });
const IdSchema = (name: string) =>
  z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, `must be a ${name} (a positive whole number)`)
    .transform(Number)
    .openapi({ type: 'integer' });
const NeighbourhoodSchema = z
  .enum(['contiguity', 'distance_band'], { message: 'must be contiguity or distance_band' })
  .optional();
const MetresSchema = z.coerce
  .number({ message: 'must be a number of metres' })
  .min(100, 'must be at least 100 metres')
  .max(20000, 'must be at most 20,000 metres')
  .optional();
const SwitchSchema = z
  .enum(['true', 'false'], { message: 'must be true or false' })
  .optional()
  .transform((value) => (value === undefined ? undefined : value === 'true'));

/** The window asked for, or the policy's default ending today. */
function windowFrom(query: { from?: string | undefined; to?: string | undefined }, now: Date, days: number): TimeWindow {
  if (!query.from && !query.to) return lastDays(now, days);
  if (!query.from || !query.to)
    throw new InvalidInputError('give both from and to, or neither (the default window)', 'invalid_window');
  return windowOf(query.from, query.to);
}

function runView(run: AnalyticsRun) {
  return {
    id: run.id,
    kind: run.kind,
    status: run.status,
    parameters: run.parameters,
    requestedAt: run.requestedAt,
    computedAt: run.computedAt,
    error: run.error,
    summary: run.summary,
  };
}

function weightsNote(policy: AnalyticsPolicy): string {
  const w = policy.assessment.weights;
  return (
    `综合得分权重（政策设定）Weights of the score, set by policy: 响应率 ${w.response} · 办结率 ${w.closure} · 按期办结率 ${w.onTime} · ` +
    `满意率 ${w.satisfaction} · 重办率（扣分）${w.redo} · 红黄牌（扣分）${w.cards}；少于 ${policy.assessment.minimumCases} 件不排名`
  );
}

// ------------------------------------------------------------------ routes

const hotspotsRoute = createRoute({
  method: 'get',
  path: '/api/analytics/hotspots',
  tags: ['analytics'],
  summary: 'Hot and cold spots over grids (Getis-Ord Gi*, FDR) and DBSCAN clusters for a window and categories',
  request: {
    query: z.object({
      from: DateSchema.optional(),
      to: DateSchema.optional(),
      categories: CategoriesSchema,
      neighbourhood: NeighbourhoodSchema,
      distanceBandMetres: MetresSchema,
      falseDiscoveryRate: SwitchSchema,
    }),
  },
  responses: { 200: Json('The run, its summary, every grid with z, p and bin, and the cluster hulls'), ...errors },
});

const heatRoute = createRoute({
  method: 'get',
  path: '/api/analytics/heat',
  tags: ['analytics'],
  summary: 'Case points for the heat map, summed into 100 m cells (GeoJSON)',
  request: { query: z.object({ from: DateSchema.optional(), to: DateSchema.optional(), categories: CategoriesSchema }) },
  responses: { 200: Json('A FeatureCollection of points with a cases property'), ...errors },
});

const RunRequestSchema = z
  .object({
    kind: z.enum(RUN_KINDS, { message: `must be one of ${RUN_KINDS.join(', ')}` }),
    from: DateSchema.optional(),
    to: DateSchema.optional(),
    weeks: z.number().int().min(4, 'must be at least 4 weeks').max(156, 'must be at most 156 weeks').optional(),
    categories: z
      .array(z.string().regex(/^[0-9]{2}([0-9]{2})?$/, 'must be category codes'))
      .max(60)
      .optional(),
    neighbourhood: NeighbourhoodSchema,
    distanceBandMetres: z.number().min(100).max(20000).optional(),
    period: z.enum(PERIOD_KINDS, { message: 'must be month, quarter or year' }).optional(),
    start: z
      .string()
      .regex(/^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$/, 'must be YYYY-MM or YYYY-MM-DD')
      .optional(),
  })
  .openapi('AnalyticsRunRequest');

const queueRoute = createRoute({
  method: 'post',
  path: '/api/analytics/runs',
  tags: ['analytics'],
  summary: 'Ask for an analysis (emerging hot spots, common problems, assessment): queued for the job workers',
  request: { body: { content: { 'application/json': { schema: RunRequestSchema } }, required: true } },
  responses: { 202: Json('The queued run (or the one already queued for the same request)'), ...errors },
});

const runRoute = createRoute({
  method: 'get',
  path: '/api/analytics/runs/{id}',
  tags: ['analytics'],
  summary: 'One analysis run: its status and when it was computed',
  request: { params: z.object({ id: IdSchema('run id') }) },
  responses: { 200: Json('The run'), ...errors },
});

const emergingRoute = createRoute({
  method: 'get',
  path: '/api/analytics/emerging-hotspots',
  tags: ['analytics'],
  summary: 'Emerging hot spots of a run (default: the latest), one ArcGIS category per grid',
  request: { query: z.object({ runId: IdSchema('run id').optional() }) },
  responses: { 200: Json('The run and its grids with category, trend and weekly counts'), ...errors },
});

const groupsRoute = createRoute({
  method: 'get',
  path: '/api/analytics/common-problems/groups',
  tags: ['analytics'],
  summary: 'Groups of cases that describe the same problem, from a run (default: the latest)',
  request: { query: z.object({ runId: IdSchema('run id').optional() }) },
  responses: { 200: Json('The run and its groups'), ...errors },
});

const groupRoute = createRoute({
  method: 'get',
  path: '/api/analytics/common-problems/groups/{runId}/{groupNo}',
  tags: ['analytics'],
  summary: 'One group with its member cases',
  request: { params: z.object({ runId: IdSchema('run id'), groupNo: IdSchema('group number') }) },
  responses: { 200: Json('The group and its cases'), ...errors },
});

const createProblemRoute = createRoute({
  method: 'post',
  path: '/api/analytics/common-problems',
  tags: ['analytics'],
  summary: 'Make a common problem (共性问题) from a group and link its cases to it',
  request: {
    body: {
      content: {
        'application/json': {
          schema: z.object({
            runId: z.number().int().positive(),
            groupNo: z.number().int().positive(),
            title: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters').optional(),
            description: z.string().max(4000, 'must be at most 4,000 characters').optional(),
            caseIds: z.array(z.number().int().positive()).max(5000).optional(),
          }),
        },
      },
      required: true,
    },
  },
  responses: { 201: Json('The common problem with its linked cases'), ...errors, 409: Json('Every case already belongs to one') },
});

const problemsRoute = createRoute({
  method: 'get',
  path: '/api/analytics/common-problems',
  tags: ['analytics'],
  summary: 'Common problems made so far',
  responses: { 200: Json('The common problems'), ...errors },
});

const problemRoute = createRoute({
  method: 'get',
  path: '/api/analytics/common-problems/{id}',
  tags: ['analytics'],
  summary: 'One common problem with its cases',
  request: { params: z.object({ id: IdSchema('common problem id') }) },
  responses: { 200: Json('The common problem'), ...errors },
});

const PeriodQuery = {
  period: z.enum(PERIOD_KINDS, { message: 'must be month, quarter or year' }).default('month'),
  start: z
    .string()
    .regex(/^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$/, 'must be YYYY-MM or YYYY-MM-DD')
    .optional()
    .openapi({ example: '2026-10', description: 'A day in the period (default: today)' }),
};

const assessmentRoute = createRoute({
  method: 'get',
  path: '/api/analytics/assessment',
  tags: ['analytics'],
  summary: 'Rankings for a month, quarter or year, as the latest run computed them, with the policy weights',
  request: {
    query: z.object({
      ...PeriodQuery,
      kind: z.enum(SUBJECT_KINDS, { message: `must be one of ${SUBJECT_KINDS.join(', ')}` }).optional(),
    }),
  },
  responses: { 200: Json('The run (null when not computed yet), the weights and the entries'), ...errors },
});

const drillRoute = createRoute({
  method: 'get',
  path: '/api/analytics/assessment/cases',
  tags: ['analytics'],
  summary: 'The cases behind a number of the assessment (drill-down)',
  request: {
    query: z.object({
      ...PeriodQuery,
      kind: z.enum(SUBJECT_KINDS, { message: `must be one of ${SUBJECT_KINDS.join(', ')}` }),
      key: z.string().regex(/^[0-9]{1,15}$/, 'must be a unit id, a region code or a user id'),
      metric: z.enum(DRILL_METRICS, { message: `must be one of ${DRILL_METRICS.join(', ')}` }).default('cases'),
    }),
  },
  responses: { 200: Json('The cases'), ...errors },
});

const chartsRoute = createRoute({
  method: 'get',
  path: '/api/analytics/charts',
  tags: ['analytics'],
  summary: 'Cases by week, category group, channel, and days to resolve, for a window',
  request: { query: z.object({ from: DateSchema.optional(), to: DateSchema.optional(), categories: CategoriesSchema }) },
  responses: { 200: Json('Chart data'), ...errors },
});

const EXPORT_TABLES = ['assessment', 'hotspots', 'emerging-hotspots', 'common-problems'] as const;

const exportRoute = createRoute({
  method: 'get',
  path: '/api/analytics/exports/{file}',
  tags: ['analytics'],
  summary:
    'A table of the leaders view as Excel (.xlsx, Chinese headers) or CSV: assessment, hotspots, emerging-hotspots, common-problems',
  request: {
    params: z.object({
      file: z
        .string()
        .regex(
          /^(assessment|hotspots|emerging-hotspots|common-problems)\.(xlsx|csv)$/,
          `must be one of ${EXPORT_TABLES.join(', ')} with .xlsx or .csv, e.g. assessment.xlsx`,
        )
        .openapi({ param: { name: 'file', in: 'path' }, example: 'assessment.xlsx' }),
    }),
    query: z.object({
      runId: IdSchema('run id').optional(),
      ...PeriodQuery,
      kind: z.enum(SUBJECT_KINDS, { message: `must be one of ${SUBJECT_KINDS.join(', ')}` }).default('unit'),
    }),
  },
  responses: {
    200: {
      description: 'The file',
      content: {
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: z.string().openapi({ format: 'binary' }) },
        'text/csv': { schema: z.string() },
      },
    },
    ...errors,
  },
});

const reportRoute = createRoute({
  method: 'get',
  path: '/api/analytics/report',
  tags: ['analytics'],
  summary: 'The printable monthly report (charts and tables) as print-ready HTML',
  request: {
    query: z.object({
      month: z
        .string()
        .regex(/^[0-9]{4}-[0-9]{2}$/, 'must be a month YYYY-MM')
        .optional(),
    }),
  },
  responses: { 200: { description: 'HTML', content: { 'text/html': { schema: z.string() } } }, ...errors },
});

// ---------------------------------------------------------------- handlers

export function analyticsRoutes({ db, clock }: RouteDependencies) {
  async function doneRun(kind: (typeof RUN_KINDS)[number], runId: number | undefined): Promise<AnalyticsRun | null> {
    if (runId === undefined) return latestRunOfKind(db, kind);
    const run = await getRun(db, runId);
    if (run.kind !== kind) throw new InvalidInputError(`run ${runId} is a ${run.kind} run, not ${kind}`, 'wrong_run_kind');
    assertDone(run);
    return run;
  }

  async function assessmentRun(period: ReturnType<typeof periodOf>): Promise<AnalyticsRun | null> {
    return latestRun(db, 'assessment', { period: period.kind, start: period.from });
  }

  return createRouter()
    .openapi(hotspotsRoute, async (c) => {
      const actor = requireAnalyst(c);
      const query = c.req.valid('query');
      const policy = (await loadAnalyticsPolicy(db)).hotspots;
      const window = windowFrom(query, clock.now(), policy.windowDays);
      const parameters = {
        from: window.from,
        to: window.to,
        categories: parseCategories(query.categories),
        neighbourhood: query.neighbourhood ?? policy.neighbourhood,
        distanceBandMetres: query.distanceBandMetres ?? policy.distanceBandMetres,
        falseDiscoveryRate: query.falseDiscoveryRate ?? policy.falseDiscoveryRate,
        clusterDistanceMetres: policy.clusterDistanceMetres,
        clusterMinimumCases: policy.clusterMinimumCases,
        minimumCases: policy.minimumCases,
      };
      const run = await hotspotRun(db, parameters, policy.reuseMinutes, actor.userId, clock.now());
      assertDone(run);
      const [grids, clusters] = await Promise.all([readHotspotGrids(db, run.id), readHotspotClusters(db, run.id)]);
      return c.json({ run: runView(run), grids, clusters: { type: 'FeatureCollection', features: clusters } }, 200);
    })
    .openapi(heatRoute, async (c) => {
      requireAnalyst(c);
      const query = c.req.valid('query');
      const policy = (await loadAnalyticsPolicy(db)).hotspots;
      return c.json(
        await heatPoints(db, windowFrom(query, clock.now(), policy.windowDays), parseCategories(query.categories)),
        200,
      );
    })
    .openapi(queueRoute, async (c) => {
      const actor = requireAnalyst(c);
      const body = c.req.valid('json');
      const policy = await loadAnalyticsPolicy(db);
      const today = chinaDate(clock.now());
      const categories = [...new Set(body.categories ?? [])].sort();
      let parameters: RunParameters;
      if (body.kind === 'assessment') {
        const period = periodOf(body.period ?? 'month', body.start ?? today);
        parameters = { period: period.kind, start: period.from };
      } else if (body.kind === 'emerging_hotspots') {
        const to = body.to ?? today;
        windowOf(to, to);
        parameters = {
          ...policy.emerging,
          to,
          weeks: body.weeks ?? policy.emerging.weeks,
          categories,
          neighbourhood: body.neighbourhood ?? policy.emerging.neighbourhood,
          distanceBandMetres: body.distanceBandMetres ?? policy.emerging.distanceBandMetres,
        };
      } else {
        const days = body.kind === 'common_problems' ? policy.commonProblems.windowDays : policy.hotspots.windowDays;
        const window = windowFrom(body, clock.now(), days);
        parameters =
          body.kind === 'common_problems'
            ? { ...policy.commonProblems, from: window.from, to: window.to, categories }
            : {
                from: window.from,
                to: window.to,
                categories,
                neighbourhood: body.neighbourhood ?? policy.hotspots.neighbourhood,
                distanceBandMetres: body.distanceBandMetres ?? policy.hotspots.distanceBandMetres,
                falseDiscoveryRate: policy.hotspots.falseDiscoveryRate,
                clusterDistanceMetres: policy.hotspots.clusterDistanceMetres,
                clusterMinimumCases: policy.hotspots.clusterMinimumCases,
                minimumCases: policy.hotspots.minimumCases,
              };
      }
      const run = await queueRun(db, body.kind, parameters, actor.userId, clock.now());
      return c.json({ run: runView(run) }, 202);
    })
    .openapi(runRoute, async (c) => {
      requireAnalyst(c);
      return c.json({ run: runView(await getRun(db, c.req.valid('param').id)) }, 200);
    })
    .openapi(emergingRoute, async (c) => {
      requireAnalyst(c);
      const run = await doneRun('emerging_hotspots', c.req.valid('query').runId);
      if (!run) return c.json({ run: null, grids: [], message: 'emerging hot spots have not been computed yet' }, 200);
      return c.json({ run: runView(run), grids: await readEmergingHotspots(db, run.id) }, 200);
    })
    .openapi(groupsRoute, async (c) => {
      requireAnalyst(c);
      const run = await doneRun('common_problems', c.req.valid('query').runId);
      if (!run) return c.json({ run: null, groups: [], message: 'common problems have not been grouped yet' }, 200);
      return c.json({ run: runView(run), groups: await readGroups(db, run.id) }, 200);
    })
    .openapi(groupRoute, async (c) => {
      requireAnalyst(c);
      const { runId, groupNo } = c.req.valid('param');
      const [group] = await readGroups(db, runId, groupNo);
      if (!group) throw new NotFoundError(`group ${groupNo} of analysis run ${runId} does not exist`, 'group_not_found');
      return c.json({ group, cases: await readGroupCases(db, runId, groupNo) }, 200);
    })
    .openapi(createProblemRoute, async (c) => {
      const actor = requireAnalyst(c);
      return c.json(await createCommonProblem(db, c.req.valid('json'), actor, clock.now()), 201);
    })
    .openapi(problemsRoute, async (c) => {
      requireAnalyst(c);
      return c.json({ commonProblems: await listCommonProblems(db) }, 200);
    })
    .openapi(problemRoute, async (c) => {
      requireAnalyst(c);
      return c.json(await getCommonProblem(db, c.req.valid('param').id), 200);
    })
    .openapi(assessmentRoute, async (c) => {
      requireAnalyst(c);
      const query = c.req.valid('query');
      const period = periodOf(query.period, query.start ?? chinaDate(clock.now()));
      const policy = await loadAnalyticsPolicy(db);
      const run = await assessmentRun(period);
      const base = {
        period: { kind: period.kind, label: period.label, from: period.from, to: period.to },
        weights: policy.assessment.weights,
        minimumCases: policy.assessment.minimumCases,
        points: policy.assessment.points,
        metrics: ASSESSMENT_METRICS,
      };
      if (!run)
        return c.json(
          { ...base, run: null, entries: [], message: `the assessment of ${period.label} has not been computed yet` },
          200,
        );
      return c.json({ ...base, run: runView(run), entries: await readAssessment(db, run.id, query.kind) }, 200);
    })
    .openapi(drillRoute, async (c) => {
      requireAnalyst(c);
      const query = c.req.valid('query');
      const period = periodOf(query.period, query.start ?? chinaDate(clock.now()));
      const cutoff = countingCutoff(period, clock.now());
      const rows = await db.query<{
        id: number;
        tracking_code: string;
        title: string;
        state: string;
        category_name: string;
        owner_name: string;
        created_at: Date;
        answer_deadline_at: Date | null;
        resolved_at: Date | null;
        satisfaction: string | null;
      }>(sql`
        select c.id, c.tracking_code, c.title, c.state, cat.name as category_name, u.name as owner_name, c.created_at,
               c.answer_deadline_at, c.resolved_at, c.satisfaction
        from cases c join category cat on cat.code = c.category_code join unit u on u.id = c.owner_unit_id
        where ${drillCondition(query.kind as SubjectKind, query.key, query.metric, period, cutoff)}
        order by c.created_at desc, c.id desc limit 500`);
      return c.json(
        {
          period: period.label,
          metric: query.metric,
          cases: rows.map((row) => ({
            id: row.id,
            trackingCode: row.tracking_code,
            title: row.title,
            state: row.state,
            category: row.category_name,
            owner: row.owner_name,
            createdAt: row.created_at,
            answerDeadlineAt: row.answer_deadline_at,
            resolvedAt: row.resolved_at,
            satisfaction: row.satisfaction,
          })),
        },
        200,
      );
    })
    .openapi(chartsRoute, async (c) => {
      requireAnalyst(c);
      const query = c.req.valid('query');
      const policy = (await loadAnalyticsPolicy(db)).hotspots;
      return c.json(
        await chartData(db, windowFrom(query, clock.now(), policy.windowDays), parseCategories(query.categories)),
        200,
      );
    })
    .openapi(exportRoute, async (c) => {
      requireAnalyst(c);
      const { file } = c.req.valid('param');
      const query = c.req.valid('query');
      const [table, format] = file.split('.') as [(typeof EXPORT_TABLES)[number], 'xlsx' | 'csv'];
      let exported: ExportTable<never>;
      let name: string;
      if (table === 'assessment') {
        const period = periodOf(query.period, query.start ?? chinaDate(clock.now()));
        const run = query.runId ? await doneRun('assessment', query.runId) : await assessmentRun(period);
        if (!run) throw new NotFoundError(`the assessment of ${period.label} has not been computed yet`, 'not_computed');
        const policy = await loadAnalyticsPolicy(db);
        const label = String((run.summary as { period?: string }).period ?? period.label);
        exported = assessmentTable(
          query.kind,
          await readAssessment(db, run.id, query.kind),
          run,
          label,
          weightsNote(policy),
        ) as never;
        name = `assessment-${query.kind}-${label}`;
      } else if (table === 'hotspots') {
        const run = await doneRun('hotspots', query.runId);
        if (!run) throw new NotFoundError('no hot spot analysis has been run yet', 'not_computed');
        exported = hotspotTable(await readHotspotGrids(db, run.id), run) as never;
        name = `hotspots-${run.id}`;
      } else if (table === 'emerging-hotspots') {
        const run = await doneRun('emerging_hotspots', query.runId);
        if (!run) throw new NotFoundError('emerging hot spots have not been computed yet', 'not_computed');
        exported = emergingTable(await readEmergingHotspots(db, run.id, true), run, EMERGING_CATEGORY_NAMES) as never;
        name = `emerging-hotspots-${run.id}`;
      } else {
        const run = await doneRun('common_problems', query.runId);
        if (!run) throw new NotFoundError('common problems have not been grouped yet', 'not_computed');
        exported = commonProblemTable(await readGroups(db, run.id), run) as never;
        name = `common-problems-${run.id}`;
      }
      const disposition = `attachment; filename="${name}.${format}"`;
      if (format === 'csv') {
        return c.body(toCsv(exported), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': disposition });
      }
      return c.body(await toXlsx(exported), 200, {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': disposition,
      });
    })
    .openapi(reportRoute, async (c) => {
      requireAnalyst(c);
      const month = c.req.valid('query').month ?? chinaDate(clock.now()).slice(0, 7);
      const period = periodOf('month', month);
      const policy = await loadAnalyticsPolicy(db);
      const run = await assessmentRun(period);
      const entries = run ? await readAssessment(db, run.id) : [];
      const groupsRun = await latestRunOfKind(db, 'common_problems');
      const [district] = await db.query<{ name: string }>(
        sql`select full_name as name from region where level = 'district' limit 1`,
      );
      const html = monthlyReportHtml({
        month: period.label,
        district: district?.name ?? '',
        charts: await chartData(db, period, []),
        units: entries.filter((entry) => entry.kind === 'unit'),
        towns: entries.filter((entry) => entry.kind === 'town'),
        assessmentRun: run,
        groups: groupsRun ? await readGroups(db, groupsRun.id) : [],
        generatedAt: clock.now(),
        weightsNote: weightsNote(policy),
      });
      return c.html(html, 200);
    });
}
