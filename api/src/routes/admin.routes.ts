/**
 * Administration (administrator only; everyone else 403): the taxonomy
 * (POST /api/categories, PATCH /api/categories/{code}), policies
 * (GET /api/policy, PUT /api/policy/{key}), the holiday calendar
 * (GET /api/calendar?year=, PUT/DELETE /api/calendar/overrides/{date}) and
 * the card sweep on demand (POST /api/admin/jobs/card-sweep).
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { calendarYear, removeOverride, setOverride } from '../admin/calendar.service.ts';
import { listPolicies, updatePolicy } from '../admin/policies.service.ts';
import { POLICY_KEYS } from '../admin/policy-rules.ts';
import { createCategory, ROUTINGS, updateCategory } from '../admin/taxonomy.service.ts';
import type { Actor } from '../auth/actor.ts';
import { requireActor } from '../auth/auth.middleware.ts';
import { ForbiddenError } from '../errors.ts';
import type { AppEnv } from '../http/app-env.ts';
import { createRouter } from '../http/router.ts';
import { sweepCards } from '../jobs/card-sweep.job.ts';
import { errorResponses } from '../schemas/common.schema.ts';
import type { RouteDependencies } from './dependencies.ts';

function requireAdministrator(c: Context<AppEnv>, what: string): Actor {
  const actor = requireActor(c);
  if (actor.role !== 'administrator') throw new ForbiddenError(`only an administrator can ${what}`, 'role_cannot');
  return actor;
}

const errors = {
  400: errorResponses[400],
  401: { description: 'Not signed in', content: errorResponses[400].content },
  403: { description: 'Only an administrator may do this', content: errorResponses[400].content },
};

const name = (maximum: number) =>
  z.string({ message: 'is required' }).trim().min(1, 'must not be empty').max(maximum, `must be at most ${maximum} characters`);
const keywords = z
  .array(z.string({ message: 'must be words' }).trim().min(1, 'must not be empty').max(20, 'must be at most 20 characters'), {
    message: 'must be a list of words',
  })
  .max(30, 'at most 30 keywords');
const routing = z.enum(ROUTINGS, { message: `must be one of ${ROUTINGS.join(', ')}` });
const departmentUnitId = z.number({ message: 'must be the id of a department unit' }).int().positive().nullable();
const answerWorkingDays = z
  .number({ message: 'must be a number of working days' })
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(3, 'must be at most 3 (own-remit cases are answered in 1–3 working days)')
  .nullable();
const sortOrder = z.number({ message: 'must be a number' }).int().min(0).max(1_000_000);

const categoryCode = z
  .string({ message: 'is required' })
  .regex(/^[0-9]{2}([0-9]{2})?$/, 'must be a category code: 2 digits for a group, 4 for a subcategory (the group’s first)');
const CategoryCodeSchema = categoryCode.openapi({ param: { name: 'code', in: 'path' }, example: '0401' });

const AdminCategorySchema = z
  .object({
    code: z.string(),
    parentCode: z.string().nullable(),
    name: z.string(),
    nameEn: z.string(),
    routing: routing.nullable(),
    departmentUnitId: z.number().int().nullable(),
    answerWorkingDays: z.number().int().nullable(),
    keywords: z.array(z.string()),
    sortOrder: z.number().int(),
    active: z.boolean(),
  })
  .openapi('AdminCategory');

const createCategoryRoute = createRoute({
  method: 'post',
  path: '/api/categories',
  tags: ['administration'],
  summary: 'Add a group (2-digit code) or a subcategory (4 digits) to the taxonomy',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({
              code: categoryCode.openapi({ example: '0405' }),
              name: name(50),
              nameEn: name(100),
              routing: routing.optional(),
              departmentUnitId: departmentUnitId.optional(),
              answerWorkingDays: answerWorkingDays.optional(),
              keywords: keywords.optional(),
              sortOrder: sortOrder.optional(),
              active: z.boolean({ message: 'must be true or false' }).optional(),
            })
            .strict(),
        },
      },
    },
  },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: z.object({ category: AdminCategorySchema }) } } },
    ...errors,
    409: { description: 'The code exists already, or its group is inactive', content: errorResponses[400].content },
  },
});

const updateCategoryRoute = createRoute({
  method: 'patch',
  path: '/api/categories/{code}',
  tags: ['administration'],
  summary: 'Change a category; active: false deactivates it (a group: with its subcategories)',
  request: {
    params: z.object({ code: CategoryCodeSchema }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({
              name: name(50).optional(),
              nameEn: name(100).optional(),
              routing: routing.optional(),
              departmentUnitId: departmentUnitId.optional(),
              answerWorkingDays: answerWorkingDays.optional(),
              keywords: keywords.optional(),
              sortOrder: sortOrder.optional(),
              active: z.boolean({ message: 'must be true or false' }).optional(),
            })
            .strict()
            .refine((change) => Object.keys(change).length > 0, { message: 'say what to change' }),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'Changed',
      content: {
        'application/json': {
          schema: z.object({ category: AdminCategorySchema, deactivatedSubcategories: z.array(z.string()) }),
        },
      },
    },
    ...errors,
    404: errorResponses[404],
    409: { description: 'Its group is inactive', content: errorResponses[400].content },
  },
});

const PolicySchema = z
  .object({
    key: z.string(),
    value: z.unknown(),
    description: z.string(),
    editable: z.boolean(),
    updatedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Policy');

const listPoliciesRoute = createRoute({
  method: 'get',
  path: '/api/policy',
  tags: ['administration'],
  summary: 'Every policy (deadlines, cards, duplicates, boundary tolerance, leader copy, household band)',
  responses: {
    200: { description: 'Policies', content: { 'application/json': { schema: z.object({ policies: z.array(PolicySchema) }) } } },
    ...errors,
  },
});

const updatePolicyRoute = createRoute({
  method: 'put',
  path: '/api/policy/{key}',
  tags: ['administration'],
  summary: `Replace a policy's value, checked in full for its key (${POLICY_KEYS.join(', ')})`,
  request: {
    params: z.object({ key: z.string().openapi({ param: { name: 'key', in: 'path' }, example: 'case.cards' }) }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({
              value: z
                .record(z.string(), z.unknown(), {
                  message: 'must be an object, e.g. {"yellowAfterDays": 7, "redAfterDays": 15}',
                })
                .openapi({ example: { yellowAfterDays: 7, redAfterDays: 15 } }),
            })
            .strict(),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'Stored; in effect from the next case, action or sweep',
      content: { 'application/json': { schema: z.object({ policy: PolicySchema }) } },
    },
    ...errors,
    404: errorResponses[404],
  },
});

const CalendarDaySchema = z
  .object({
    date: z.string(),
    weekday: z.string(),
    isWorkday: z.boolean(),
    official: z.object({
      isWorkday: z.boolean(),
      holiday: z.object({ name: z.string(), nameEn: z.string() }).nullable(),
    }),
    override: z
      .object({ isWorkday: z.boolean(), note: z.string(), updatedAt: z.string().openapi({ format: 'date-time' }) })
      .nullable(),
  })
  .openapi('CalendarDay');

const DateParamSchema = z
  .string()
  .openapi({ param: { name: 'date', in: 'path' }, example: '2026-12-24', description: 'YYYY-MM-DD (China)' });

const calendarRoute = createRoute({
  method: 'get',
  path: '/api/calendar',
  tags: ['administration'],
  summary: "A year's holidays, make-up workdays (调休) and the deployment's overrides",
  request: {
    query: z.object({
      year: z.coerce
        .number({ message: 'must be a year, e.g. 2026' })
        .int('must be a year, e.g. 2026')
        .min(2000, 'must be from 2000')
        .max(2100, 'must be at most 2100')
        .optional(),
    }),
  },
  responses: {
    200: {
      description: 'The year',
      content: {
        'application/json': {
          schema: z.object({
            year: z.number().int(),
            officialCalendarKnown: z.boolean(),
            workingDays: z.number().int(),
            days: z.array(CalendarDaySchema),
          }),
        },
      },
    },
    ...errors,
  },
});

const setOverrideRoute = createRoute({
  method: 'put',
  path: '/api/calendar/overrides/{date}',
  tags: ['administration'],
  summary: 'Make a day a holiday or a workday for this deployment (deadlines set from now on follow it)',
  request: {
    params: z.object({ date: DateParamSchema }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({
              isWorkday: z.boolean({ message: 'is required: true (a workday) or false (a day off)' }),
              note: name(200).openapi({ example: '区级防汛停工日 / district flood-control day off' }),
            })
            .strict(),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'The day as it now counts',
      content: { 'application/json': { schema: z.object({ day: CalendarDaySchema }) } },
    },
    ...errors,
  },
});

const removeOverrideRoute = createRoute({
  method: 'delete',
  path: '/api/calendar/overrides/{date}',
  tags: ['administration'],
  summary: 'Remove an override: the day follows the official calendar again',
  request: { params: z.object({ date: DateParamSchema }) },
  responses: {
    200: {
      description: 'The day as it now counts',
      content: { 'application/json': { schema: z.object({ day: CalendarDaySchema }) } },
    },
    ...errors,
    404: errorResponses[404],
  },
});

const cardSweepRoute = createRoute({
  method: 'post',
  path: '/api/admin/jobs/card-sweep',
  tags: ['administration'],
  summary: 'Run the card sweep and reminders now (it also runs every ten minutes); safe to repeat',
  responses: {
    200: {
      description: 'What this sweep issued',
      content: {
        'application/json': {
          schema: z.object({
            yellow: z.number().int(),
            red: z.number().int(),
            reminders: z.number().int(),
            ranAt: z.string().openapi({ format: 'date-time' }),
          }),
        },
      },
    },
    ...errors,
  },
});

export function adminRoutes({ db, clock, logger }: RouteDependencies) {
  return createRouter()
    .openapi(createCategoryRoute, async (c) => {
      const actor = requireAdministrator(c, 'edit the taxonomy');
      const category = await createCategory(db, c.req.valid('json'));
      logger.info({ user: actor.username, category: category.code }, 'category created');
      return c.json({ category }, 201);
    })
    .openapi(updateCategoryRoute, async (c) => {
      const actor = requireAdministrator(c, 'edit the taxonomy');
      const { code } = c.req.valid('param');
      const result = await updateCategory(db, code, c.req.valid('json'));
      logger.info({ user: actor.username, category: code, change: c.req.valid('json') }, 'category changed');
      return c.json(result, 200);
    })
    .openapi(listPoliciesRoute, async (c) => {
      requireAdministrator(c, 'read the policies');
      return c.json({ policies: await listPolicies(db) }, 200);
    })
    .openapi(updatePolicyRoute, async (c) => {
      const actor = requireAdministrator(c, 'change a policy');
      const { key } = c.req.valid('param');
      const policy = await updatePolicy(db, key, c.req.valid('json').value, clock.now());
      logger.info({ user: actor.username, policy: key, value: policy.value }, 'policy changed');
      return c.json({ policy }, 200);
    })
    .openapi(calendarRoute, async (c) => {
      requireAdministrator(c, 'read the calendar settings');
      const year = c.req.valid('query').year ?? Number(new Date(clock.now().getTime() + 8 * 3_600_000).getUTCFullYear());
      return c.json(await calendarYear(db, year), 200);
    })
    .openapi(setOverrideRoute, async (c) => {
      const actor = requireAdministrator(c, 'change the calendar');
      const { date } = c.req.valid('param');
      const day = await setOverride(db, date, c.req.valid('json'), clock.now());
      logger.info({ user: actor.username, date, isWorkday: day.isWorkday }, 'calendar override set');
      return c.json({ day }, 200);
    })
    .openapi(removeOverrideRoute, async (c) => {
      const actor = requireAdministrator(c, 'change the calendar');
      const { date } = c.req.valid('param');
      const day = await removeOverride(db, date);
      logger.info({ user: actor.username, date }, 'calendar override removed');
      return c.json({ day }, 200);
    })
    .openapi(cardSweepRoute, async (c) => {
      const actor = requireAdministrator(c, 'run the card sweep');
      const ranAt = clock.now();
      const result = await sweepCards(db, ranAt);
      logger.info({ user: actor.username, ...result }, 'card sweep run on demand');
      return c.json({ ...result, ranAt: ranAt.toISOString() }, 200);
    });
}
