/**
 * Open311 GeoReport v2 under /open311/v2/ (JSON): discovery.json,
 * services.json, services/{service_code}.json, requests.json (GET with
 * filters, POST form-encoded or JSON), requests/{service_request_id}.json and
 * tokens/{token}.json. Errors come the Open311 way: a JSON array
 * [{ "code": <HTTP status>, "description": "…" }] with that status.
 * The routes are written by hand (Hono cannot name a parameter followed by
 * ".json" in OpenAPI style) and registered in the OpenAPI document separately.
 * See docs/api/open311.md.
 */
import { z } from '@hono/zod-openapi';
import type { Context, ErrorHandler } from 'hono';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, ForbiddenError, InvalidInputError, NotFoundError, UnavailableError } from '../errors.ts';
import { createRouter, describeValidationIssues } from '../http/router.ts';
import type { Logger } from '../logger.ts';
import { OPEN311_STATUSES, parseW3DateTime, reporterNameOf, type Open311Status } from '../open311/open311-format.ts';
import {
  checkJurisdiction,
  createServiceRequest,
  discovery,
  getServiceRequest,
  listServiceRequests,
  listServices,
  MAX_REQUESTS,
  requireService,
  serviceRequestId,
  tokenLookup,
} from '../open311/open311.service.ts';
import type { RouteDependencies } from './dependencies.ts';

const BASE = '/open311/v2';

const Open311ErrorSchema = z
  .array(z.object({ code: z.number().int().openapi({ example: 400 }), description: z.string() }))
  .openapi('Open311Error', { description: 'GeoReport v2 errors: the HTTP status and what was wrong' });

/** Open311's error format: [{ code, description }], with the same status on the response. */
export function open311Errors(logger: Logger): ErrorHandler {
  return (error, c) => {
    if (error instanceof DomainError) {
      return c.json([{ code: error.status, description: error.message }], error.status);
    }
    if (error instanceof HTTPException && error.status < 500) {
      const status = error.status as ContentfulStatusCode;
      return c.json([{ code: status, description: error.message || 'request refused' }], status);
    }
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    if (code === '23514' || code === '23502' || code === '22001') {
      return c.json([{ code: 400, description: `refused by the database: ${error.message}` }], 400);
    }
    logger.error({ err: error, method: c.req.method, path: c.req.path }, 'unexpected error (Open311)');
    return c.json([{ code: 500, description: 'an unexpected error occurred on the server; it has been logged' }], 500);
  };
}

/** "a,b" and repeated parameters alike, as one list. */
function listParameter(c: Context, name: string): string[] | undefined {
  const values = c.req.queries(name);
  if (!values) return undefined;
  const items = values
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
}

/** The file part of /services/0401.json, or an error naming what is wrong with it. */
function jsonFile(file: string, what: string): string {
  const match = /^(.+)\.(json|xml)$/.exec(file);
  if (!match) throw new NotFoundError(`no Open311 resource ${file}: ${what} end in .json`, 'route_not_found');
  if (match[2] === 'xml') throw new InvalidInputError('this endpoint speaks JSON only: ask for .json', 'format_not_served');
  return decodeURIComponent(match[1]!);
}

const decimal = (name: string, minimum: number, maximum: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && /^\s*-?[0-9]+(\.[0-9]+)?\s*$/.test(value) ? Number(value) : value),
    z
      .number({ message: `must be a decimal number (${name})` })
      .min(minimum, `must be at least ${minimum}`)
      .max(maximum, `must be at most ${maximum}`),
  );

const optionalText = (maximum: number) => z.string().trim().max(maximum, `must be at most ${maximum} characters`).optional();

const NewRequestSchema = z
  .object({
    service_code: z
      .string({ message: 'is required: a service_code from services.json' })
      .trim()
      .regex(/^[0-9]{4}$/, 'must be a service_code from services.json, e.g. 0401'),
    lat: decimal('WGS-84 latitude', -90, 90).optional(),
    long: decimal('WGS-84 longitude', -180, 180).optional(),
    address_string: optionalText(200),
    address_id: z.string().optional(),
    description: z
      .string({ message: 'is required: say what the problem is' })
      .trim()
      .min(1, 'is required: say what the problem is')
      .max(4000, 'must be at most 4000 characters'),
    email: z
      .string()
      .trim()
      .max(320, 'must be at most 320 characters')
      .regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, 'must be an e-mail address')
      .optional(),
    device_id: optionalText(200),
    account_id: optionalText(200),
    first_name: optionalText(25),
    last_name: optionalText(25),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9][0-9\s()-]{4,19}$/, 'must be a phone number')
      .optional(),
    media_url: optionalText(2000),
    jurisdiction_id: optionalText(40),
    api_key: optionalText(200),
  })
  .superRefine((value, context) => {
    if ((value.lat === undefined) !== (value.long === undefined)) {
      context.addIssue({
        code: 'custom',
        path: [value.lat === undefined ? 'lat' : 'long'],
        message: 'give lat and long together',
      });
    }
    if (value.address_id !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['address_id'],
        message: 'is not supported here: give lat and long, or an address_string',
      });
    }
    if (value.lat === undefined && value.long === undefined && !value.address_string) {
      context.addIssue({
        code: 'custom',
        path: ['lat'],
        message: 'a location is required: give lat and long (WGS-84), or an address_string',
      });
    }
  });

/** Form fields and JSON members alike, as a record: empty values count as absent, the last of repeated fields wins. */
async function requestFields(c: Context): Promise<Record<string, unknown>> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  let body: Record<string, unknown>;
  if (type.includes('application/json')) {
    let parsed: unknown;
    try {
      parsed = await c.req.json();
    } catch {
      throw new InvalidInputError('the body is not valid JSON', 'invalid_json');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new InvalidInputError('the JSON body must be an object of request fields', 'invalid_json');
    }
    body = parsed as Record<string, unknown>;
  } else if (type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data')) {
    const form = await c.req.parseBody({ all: true });
    body = {};
    for (const [key, value] of Object.entries(form)) {
      const last = Array.isArray(value) ? value.at(-1) : value;
      if (typeof last !== 'string') {
        throw new InvalidInputError(`form field ${key}: files are not accepted; link media with media_url`, 'file_not_accepted');
      }
      body[key] = last;
    }
  } else {
    throw new HTTPException(415, {
      message: 'send the request as application/x-www-form-urlencoded (GeoReport v2) or application/json',
    });
  }
  const fields: Record<string, unknown> = { ...c.req.query() };
  for (const [key, value] of Object.entries(body)) fields[key] = value;
  for (const [key, value] of Object.entries(fields)) {
    if (value === '' || value === null) delete fields[key];
  }
  return fields;
}

const QuerySchema = z.object({
  service_request_id: z.array(z.string()).optional(),
  service_code: z.array(z.string().regex(/^[0-9]{4}$/, 'must be service codes from services.json, e.g. 0401,0403')).optional(),
  start_date: z.string().optional(),
  end_date: z.string().optional(),
  status: z
    .array(z.enum(OPEN311_STATUSES as [Open311Status, ...Open311Status[]], { message: 'must be open, closed or open,closed' }))
    .optional(),
  page_size: z.coerce
    .number({ message: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_REQUESTS, `must be at most ${MAX_REQUESTS}`)
    .default(MAX_REQUESTS),
  page: z.coerce
    .number({ message: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(1),
});

function dateParameter(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = parseW3DateTime(value);
  if (!date) {
    throw new InvalidInputError(
      `query parameter ${name}: must be a W3C date-time with a time zone, e.g. 2026-11-01T00:00:00+08:00 (got ${JSON.stringify(value)})`,
      'invalid_request',
    );
  }
  return date;
}

function registerDocumentation(router: ReturnType<typeof createRouter>) {
  const errors = {
    400: { description: 'Bad input', content: { 'application/json': { schema: Open311ErrorSchema } } },
    404: { description: 'Not found', content: { 'application/json': { schema: Open311ErrorSchema } } },
  };
  const jsonObject = (description: string) => ({
    description,
    content: { 'application/json': { schema: z.array(z.record(z.string(), z.unknown())) } },
  });
  const path = (method: 'get' | 'post', route: string, summary: string, responses: Record<number, object>, extra: object = {}) =>
    router.openAPIRegistry.registerPath({
      method,
      path: `${BASE}${route}`,
      tags: ['open311'],
      summary,
      ...extra,
      responses: { ...responses, ...errors } as never,
    });
  const param = (name: string, description: string) =>
    z
      .string()
      .optional()
      .openapi({ param: { name, in: 'query' }, description });
  path('get', '/discovery.json', 'Service discovery: where the GeoReport v2 endpoint is and what it speaks', {
    200: { description: 'Discovery', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } },
  });
  path('get', '/services.json', 'Services: the active subcategories of the taxonomy (service_code = category code)', {
    200: jsonObject('Services'),
  });
  path(
    'get',
    '/services/{service_code}.json',
    'A service definition (no extra attributes: metadata is false for every service)',
    { 200: { description: 'Definition', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } } },
    { request: { params: z.object({ service_code: z.string().openapi({ param: { name: 'service_code', in: 'path' } }) }) } },
  );
  path(
    'get',
    '/requests.json',
    'Service requests (cases), newest first; no personal data. Without ids or dates: the last 90 days, at most 1,000',
    { 200: jsonObject('Service requests') },
    {
      request: {
        query: z.object({
          service_request_id: param('service_request_id', 'Tracking codes, comma-separated; overrides every other filter'),
          service_code: param('service_code', 'Service codes, comma-separated'),
          start_date: param('start_date', 'Earliest requested_datetime (W3C date-time with time zone)'),
          end_date: param('end_date', 'Latest requested_datetime'),
          status: param('status', 'open, closed, or open,closed'),
          page_size: param('page_size', 'At most this many (1–1000, default 1000)'),
          page: param('page', 'Page of page_size requests, from 1'),
        }),
      },
    },
  );
  path(
    'post',
    '/requests.json',
    'Create a service request (form-encoded or JSON): registered as a case on channel open311',
    {
      201: jsonObject('[{ service_request_id, token, service_notice, account_id }]'),
      403: { description: 'api_key missing or wrong', content: { 'application/json': { schema: Open311ErrorSchema } } },
    },
    {
      request: {
        body: {
          content: {
            'application/x-www-form-urlencoded': { schema: z.record(z.string(), z.string()) },
            'application/json': { schema: z.record(z.string(), z.unknown()) },
          },
        },
      },
    },
  );
  path(
    'get',
    '/requests/{service_request_id}.json',
    'One service request by its id (the tracking code)',
    { 200: jsonObject('The request, in an array of one') },
    {
      request: {
        params: z.object({ service_request_id: z.string().openapi({ param: { name: 'service_request_id', in: 'path' } }) }),
      },
    },
  );
  path(
    'get',
    '/tokens/{token}.json',
    'The service_request_id a token stands for',
    { 200: jsonObject('[{ service_request_id, token }]') },
    { request: { params: z.object({ token: z.string().openapi({ param: { name: 'token', in: 'path' } }) }) } },
  );
}

export function open311Routes({ db, clock, config, logger, state }: RouteDependencies) {
  const router = createRouter();
  router.onError(open311Errors(logger));
  registerDocumentation(router);

  router.use(`${BASE}/*`, cors({ origin: '*', allowMethods: ['GET', 'POST'] }));
  router.use(`${BASE}/*`, async (_c, next) => {
    const { status, detail } = state.current;
    if (status !== 'ready')
      throw new UnavailableError(`the server is still preparing the database (${detail}); try again in a moment`);
    await next();
  });

  router.get(`${BASE}/discovery.json`, async (c) => {
    const url = new URL(c.req.url);
    return c.json(await discovery(db, `${url.origin}${BASE}`), 200);
  });

  router.get(`${BASE}/services.json`, async (c) => {
    await checkJurisdiction(db, c.req.query('jurisdiction_id'));
    return c.json(await listServices(db), 200);
  });

  router.get(`${BASE}/services/:file`, async (c) => {
    const code = jsonFile(c.req.param('file'), 'service definitions');
    await checkJurisdiction(db, c.req.query('jurisdiction_id'));
    const service = await requireService(db, code);
    return c.json({ service_code: service.code, attributes: [] }, 200);
  });

  router.get(`${BASE}/requests.json`, async (c) => {
    await checkJurisdiction(db, c.req.query('jurisdiction_id'));
    const parsed = QuerySchema.safeParse({
      service_request_id: listParameter(c, 'service_request_id'),
      service_code: listParameter(c, 'service_code'),
      start_date: c.req.query('start_date') || undefined,
      end_date: c.req.query('end_date') || undefined,
      status: listParameter(c, 'status'),
      page_size: c.req.query('page_size') || undefined,
      page: c.req.query('page') || undefined,
    });
    if (!parsed.success) throw new InvalidInputError(describeValidationIssues('query', parsed.error.issues), 'invalid_request');
    const query = parsed.data;
    const start = dateParameter('start_date', query.start_date);
    const end = dateParameter('end_date', query.end_date);
    if (start && end && start > end) {
      throw new InvalidInputError('query parameter end_date: must not be before start_date', 'invalid_request');
    }
    const requests = await listServiceRequests(
      db,
      {
        ids: query.service_request_id?.map(serviceRequestId),
        serviceCodes: query.service_code,
        start,
        end,
        statuses: query.status,
        limit: query.page_size,
        offset: (query.page - 1) * query.page_size,
      },
      clock.now(),
    );
    return c.json(requests, 200);
  });

  router.post(`${BASE}/requests.json`, async (c) => {
    const fields = await requestFields(c);
    if (config.open311ApiKey !== undefined && fields.api_key !== config.open311ApiKey) {
      throw new ForbiddenError(
        fields.api_key === undefined
          ? 'api_key is required to create a service request here: ask the command center for one'
          : 'api_key is not valid',
        'invalid_api_key',
      );
    }
    const parsed = NewRequestSchema.safeParse(fields);
    if (!parsed.success) throw new InvalidInputError(describeValidationIssues('form', parsed.error.issues), 'invalid_request');
    const request = parsed.data;
    await checkJurisdiction(db, request.jurisdiction_id);
    const created = await createServiceRequest(
      { db, clock },
      {
        serviceCode: request.service_code,
        lat: request.lat,
        long: request.long,
        addressString: request.address_string,
        description: request.description,
        reporterName: reporterNameOf(request.first_name, request.last_name),
        phone: request.phone,
        contact: request.email ?? request.device_id ?? request.account_id,
      },
    );
    return c.json([created], 201);
  });

  router.get(`${BASE}/requests/:file`, async (c) => {
    const id = jsonFile(c.req.param('file'), 'service requests');
    await checkJurisdiction(db, c.req.query('jurisdiction_id'));
    return c.json([await getServiceRequest(db, id)], 200);
  });

  router.get(`${BASE}/tokens/:file`, async (c) => {
    const token = jsonFile(c.req.param('file'), 'tokens');
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(token)) {
      throw new NotFoundError(`no service request was given the token ${token}`, 'unknown_token');
    }
    await checkJurisdiction(db, c.req.query('jurisdiction_id'));
    return c.json([await tokenLookup(db, token.toLowerCase())], 200);
  });

  router.all(`${BASE}/*`, (c) => {
    if (/\.xml$/.test(c.req.path))
      throw new InvalidInputError('this endpoint speaks JSON only: ask for .json', 'format_not_served');
    throw new NotFoundError(
      `no Open311 method ${c.req.method} ${c.req.path}: see ${BASE}/discovery.json (services.json, requests.json, requests/{id}.json, tokens/{token}.json)`,
      'route_not_found',
    );
  });
  router.all('/open311', (c) => c.redirect(`${BASE}/discovery.json`));
  router.all('/open311/*', (c) => {
    throw new NotFoundError(
      `no Open311 version at ${c.req.path}: this server speaks GeoReport v2 under ${BASE}/`,
      'route_not_found',
    );
  });

  return router;
}
