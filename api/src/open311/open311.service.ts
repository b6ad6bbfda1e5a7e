/**
 * Open311 GeoReport v2 on our cases and categories:
 * - a service is an active subcategory, its service_code the category code;
 * - a service request is a case, its service_request_id the tracking code;
 * - POST registers a case through the same intake as every other channel
 *   (channel 'open311', no actor) and hands the client a token as well;
 * - GET never shows personal data: no reporter name, phone or e-mail, and
 *   the numbers residents type into descriptions are masked.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Queryable, type SqlFragment } from '@minqing/db';
import { parseTrackingCode, type CaseState } from '@minqing/shared';
import { registerCase, type IntakeContext } from '../cases/intake.service.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { maskPersonalNumbers, open311Status, statesOf, statusNotes, w3DateTime, type Open311Status } from './open311-format.ts';

export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime' | 'batch' | 'blackbox';
  keywords: string;
  group: string;
}

export interface Open311ServiceRequest {
  service_request_id: string;
  status: Open311Status;
  status_notes: string;
  service_name: string;
  service_code: string;
  description: string;
  agency_responsible: string;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  address_id: null;
  zipcode: null;
  lat: number | null;
  long: number | null;
  media_url: null;
}

export async function listServices(db: Queryable): Promise<Open311Service[]> {
  const rows = await db.query<{
    code: string;
    name: string;
    name_en: string;
    keywords: string[];
    group_name: string;
    group_name_en: string;
  }>(sql`
    select c.code, c.name, c.name_en, c.keywords, g.name as group_name, g.name_en as group_name_en
    from category c join category g on g.code = c.parent_code
    where c.active and g.active
    order by g.sort_order, g.code, c.sort_order, c.code`);
  return rows.map((row) => ({
    service_code: row.code,
    service_name: row.name,
    description: `${row.group_name} · ${row.name} / ${row.group_name_en} · ${row.name_en}`,
    metadata: false,
    type: 'realtime',
    keywords: row.keywords.join(','),
    group: row.group_name,
  }));
}

/** An active service, or a 404 naming the code. */
export async function requireService(db: Queryable, code: string): Promise<{ code: string; name: string }> {
  const [row] = await db.query<{ code: string; name: string }>(sql`
    select c.code, c.name from category c join category g on g.code = c.parent_code
    where c.code = ${code} and c.active and g.active`);
  if (!row) throw new NotFoundError(`service_code ${code} is not a service offered here: see services.json`, 'unknown_service');
  return row;
}

/** Our jurisdiction's codes: the district's 12-digit region code and its 6-digit short form. */
export async function checkJurisdiction(db: Queryable, jurisdictionId: string | undefined): Promise<void> {
  if (jurisdictionId === undefined || jurisdictionId === '') return;
  const [district] = await db.query<{ code: string; name: string }>(
    sql`select code, name from region where level = 'district' order by code limit 1`,
  );
  if (!district) return;
  if (jurisdictionId === district.code || jurisdictionId === district.code.slice(0, 6)) return;
  throw new NotFoundError(
    `jurisdiction_id ${jurisdictionId} is not served here: this endpoint serves ${district.code.slice(0, 6)} (${district.name})`,
    'unknown_jurisdiction',
  );
}

export interface NewServiceRequest {
  serviceCode: string;
  lat?: number | undefined;
  long?: number | undefined;
  addressString?: string | undefined;
  description: string;
  reporterName?: string | undefined;
  phone?: string | undefined;
  /** Kept with the token for replying (e-mail, else device or account id); never shown by GET. */
  contact?: string | undefined;
}

export interface CreatedServiceRequest {
  service_request_id: string;
  token: string;
  service_notice: string;
  account_id: null;
}

export async function createServiceRequest(context: IntakeContext, request: NewServiceRequest): Promise<CreatedServiceRequest> {
  const { db } = context;
  await requireService(db, request.serviceCode).catch((error: unknown) => {
    // In a POST the code is bad input, not a missing resource.
    throw error instanceof NotFoundError ? new InvalidInputError(error.message, error.code) : error;
  });
  const token = randomUUID();
  const result = await registerCase(
    context,
    {
      channel: 'open311',
      categoryCode: request.serviceCode,
      urgency: 'normal',
      description: request.description,
      location:
        request.lat !== undefined && request.long !== undefined
          ? { lon: request.long, lat: request.lat, coordinateSystem: 'WGS84' }
          : undefined,
      address: request.addressString,
      reporterName: request.reporterName,
      reporterPhone: request.phone,
      photos: [],
      dispatch: true,
    },
    null,
    { reference: { reference: token, sender: request.contact ?? null } },
  );
  const [created] = await db.query<{ answer_deadline_at: Date | null }>(
    sql`select answer_deadline_at from cases where id = ${result.id}`,
  );
  const answerBy = w3DateTime(created?.answer_deadline_at ?? null)?.slice(0, 10);
  const notice = answerBy
    ? `已受理，由${result.ownerUnitName}办理，${answerBy}前答复。查询码 ${result.trackingCode}。 / ` +
      `Received: ${result.ownerUnitName} handles it and answers by ${answerBy}. Tracking code ${result.trackingCode}.`
    : `已受理，待指挥中心研判派发。查询码 ${result.trackingCode}。 / ` +
      `Received: the command center will assign it. Tracking code ${result.trackingCode}.`;
  return { service_request_id: result.trackingCode, token, service_notice: notice, account_id: null };
}

interface RequestRow {
  tracking_code: string;
  state: CaseState;
  closure_reason: string | null;
  resolution: string | null;
  category_code: string;
  category_name: string;
  description: string;
  owner_name: string;
  created_at: Date;
  updated_at: Date;
  answer_deadline_at: Date | null;
  address: string | null;
  place_name: string | null;
  lon: number | null;
  lat: number | null;
}

const REQUEST_COLUMNS = sql`
  c.tracking_code, c.state, c.closure_reason, c.resolution, c.category_code, category.name as category_name,
  c.description, owner.name as owner_name, c.created_at, c.updated_at, c.answer_deadline_at, c.address,
  coalesce(town.name || village.name, town.name) as place_name, ST_X(c.location) as lon, ST_Y(c.location) as lat`;

const REQUEST_JOINS = sql`
  join category on category.code = c.category_code
  join unit owner on owner.id = c.owner_unit_id
  left join region village on village.code = c.village_code
  left join region town on town.code = c.town_code`;

function toServiceRequest(row: RequestRow): Open311ServiceRequest {
  const status = open311Status(row.state);
  return {
    service_request_id: row.tracking_code,
    status,
    status_notes: statusNotes(
      row.state,
      row.closure_reason,
      row.resolution === null ? null : maskPersonalNumbers(row.resolution),
    ),
    service_name: row.category_name,
    service_code: row.category_code,
    description: maskPersonalNumbers(row.description),
    agency_responsible: row.owner_name,
    service_notice: null,
    requested_datetime: w3DateTime(row.created_at)!,
    updated_datetime: w3DateTime(row.updated_at)!,
    expected_datetime: status === 'open' ? w3DateTime(row.answer_deadline_at) : null,
    address: row.address === null ? row.place_name : maskPersonalNumbers(row.address),
    address_id: null,
    zipcode: null,
    lat: row.lat === null ? null : Number(row.lat),
    long: row.lon === null ? null : Number(row.lon),
    media_url: null,
  };
}

/** A tracking code as typed (any case, spaces), or a 400 naming it. */
export function serviceRequestId(text: string): string {
  const code = parseTrackingCode(text);
  if (!code) {
    throw new InvalidInputError(
      `service_request_id ${JSON.stringify(text)} is not one of ours: they look like 261123-7K4P9M-Q (a tracking code)`,
      'invalid_service_request_id',
    );
  }
  return code;
}

export async function getServiceRequest(db: Queryable, id: string): Promise<Open311ServiceRequest> {
  const code = serviceRequestId(id);
  const [row] = await db.query<RequestRow>(
    sql`select ${REQUEST_COLUMNS} from cases c ${REQUEST_JOINS} where c.tracking_code = ${code}`,
  );
  if (!row) throw new NotFoundError(`no service request has the id ${code}`, 'unknown_service_request');
  return toServiceRequest(row);
}

export interface ServiceRequestFilter {
  /** Tracking codes: when given, every other filter is ignored (GeoReport v2). */
  ids?: string[] | undefined;
  serviceCodes?: string[] | undefined;
  start?: Date | undefined;
  end?: Date | undefined;
  statuses?: Open311Status[] | undefined;
  limit: number;
  offset: number;
}

/** The default span of GET requests without ids or dates (GeoReport v2: 90 days or 1,000 requests). */
export const DEFAULT_SPAN_DAYS = 90;
export const MAX_REQUESTS = 1000;

export async function listServiceRequests(
  db: Queryable,
  filter: ServiceRequestFilter,
  now: Date,
): Promise<Open311ServiceRequest[]> {
  const conditions: SqlFragment[] = [];
  if (filter.ids && filter.ids.length > 0) {
    conditions.push(sql`c.tracking_code = any(${filter.ids}::text[])`);
  } else {
    if (filter.serviceCodes && filter.serviceCodes.length > 0)
      conditions.push(sql`c.category_code = any(${filter.serviceCodes}::text[])`);
    if (filter.statuses && filter.statuses.length > 0) conditions.push(sql`c.state = any(${statesOf(filter.statuses)}::text[])`);
    const start = filter.start ?? (filter.end ? undefined : new Date(now.getTime() - DEFAULT_SPAN_DAYS * 86_400_000));
    if (start) conditions.push(sql`c.created_at >= ${start}`);
    if (filter.end) conditions.push(sql`c.created_at <= ${filter.end}`);
  }
  const where = conditions.length > 0 ? sql.join(conditions, ' and ') : sql`true`;
  const rows = await db.query<RequestRow>(sql`
    select ${REQUEST_COLUMNS} from cases c ${REQUEST_JOINS}
    where ${where}
    order by c.created_at desc, c.id desc
    limit ${filter.limit}::int offset ${filter.offset}::int`);
  return rows.map(toServiceRequest);
}

export async function tokenLookup(db: Queryable, token: string): Promise<{ service_request_id: string; token: string }> {
  const [row] = await db.query<{ tracking_code: string }>(sql`
    select c.tracking_code from case_intake_reference r join cases c on c.id = r.case_id
    where r.channel = 'open311' and r.reference = ${token}`);
  if (!row) throw new NotFoundError(`no service request was given the token ${token}`, 'unknown_token');
  return { service_request_id: row.tracking_code, token };
}

export async function discovery(db: Queryable, endpointUrl: string) {
  const [center] = await db.query<{ name: string; phone: string | null }>(
    sql`select name, phone from unit where kind = 'command_center' and active order by id limit 1`,
  );
  const contact = center ? `${center.name}${center.phone ? ` ${center.phone}` : ''}` : '群众工作指挥中心 / the command center';
  return {
    changeset: OPEN311_CHANGESET,
    contact,
    key_service: `${contact}: API keys are needed only to POST, where the deployment sets OPEN311_API_KEY`,
    endpoints: [
      {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: endpointUrl,
        changeset: OPEN311_CHANGESET,
        type: 'production',
        formats: ['application/json'],
      },
    ],
  };
}

/** When this endpoint's behaviour last changed (discovery's changeset). */
export const OPEN311_CHANGESET = '2026-11-23T00:00:00+08:00';
