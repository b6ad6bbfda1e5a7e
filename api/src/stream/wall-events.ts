/**
 * What the live stream carries, read from the two logs it follows: each case
 * event (case_event) with the case as it stands now — enough to place and
 * colour it on the map and write a line in the feed — and each accepted
 * worker position. Nothing personal: no reporter, no description, titles with
 * phone and ID numbers masked.
 */
import { sql, type Queryable, type SqlFragment } from '@minqing/db';
import { OPEN_STATES, type CaseEventKind, type CaseState, type Channel, type Role } from '@minqing/shared';
import type { Actor } from '../auth/actor.ts';
import { maskFreeText } from './free-text-masking.ts';

export type CardShown = 'none' | 'yellow' | 'red';

export interface WallCase {
  id: number;
  state: CaseState;
  urgency: 'normal' | 'urgent';
  card: CardShown;
  overdue: boolean;
  categoryCode: string;
  categoryName: string;
  channel: Channel;
  townCode: string | null;
  townName: string | null;
  villageCode: string | null;
  gridCode: string | null;
  lon: number | null;
  lat: number | null;
  /** Masked: phone and ID numbers hidden. */
  title: string;
  ownerUnitName: string;
  createdAt: string;
}

export interface WallCaseEvent {
  /** The case_event id. */
  id: number;
  kind: CaseEventKind;
  at: string;
  toState: CaseState | null;
  /** The unit the event sent the case to, when it did (dispatch, transfer, escalate, card charged to). */
  unitName: string | null;
  /** Card events: the colour issued. */
  colour: 'yellow' | 'red' | null;
  case: WallCase;
  /** Not sent: who may see it. */
  scope: { ownerUnitId: number; townCode: string | null; villageCode: string | null };
}

export interface WallPosition {
  /** The worker_position id. */
  id: number;
  userId: number;
  name: string;
  gridCode: string | null;
  lon: number;
  lat: number;
  accuracy: number | null;
  at: string;
}

interface CaseEventRow {
  id: number;
  kind: CaseEventKind;
  occurred_at: Date;
  to_state: CaseState | null;
  unit_name: string | null;
  colour: 'yellow' | 'red' | null;
  case_id: number;
  state: CaseState;
  urgency: 'normal' | 'urgent';
  card_colour: 'yellow' | 'red' | null;
  deadline_at: Date | null;
  category_code: string;
  category_name: string;
  channel: Channel;
  town_code: string | null;
  town_name: string | null;
  village_code: string | null;
  grid_code: string | null;
  lon: number | null;
  lat: number | null;
  title: string;
  owner_unit_id: number;
  owner_name: string;
  created_at: Date;
}

/** The deadline a case is judged overdue by: signing for it while dispatched, else answering it. */
export const CASE_DEADLINE = sql`coalesce(case when c.state = 'dispatched' then c.sign_deadline_at end, c.answer_deadline_at)`;

/** Columns of a case as the wall shows it (case aliased c, joined to category, owner unit and town). */
export const WALL_CASE_COLUMNS = sql`
  c.id as case_id, c.state, c.urgency, c.card_colour, ${CASE_DEADLINE} as deadline_at, c.category_code,
  category.name as category_name, c.channel, c.town_code, town.name as town_name, c.village_code, c.grid_code,
  ST_X(c.location) as lon, ST_Y(c.location) as lat, c.title, c.owner_unit_id, owner.name as owner_name, c.created_at`;

export const WALL_CASE_JOINS = sql`
  join category on category.code = c.category_code
  join unit owner on owner.id = c.owner_unit_id
  left join region town on town.code = c.town_code`;

export type WallCaseRow = Omit<CaseEventRow, 'id' | 'kind' | 'occurred_at' | 'to_state' | 'unit_name' | 'colour'>;

export function toWallCase(row: WallCaseRow, now: Date): WallCase {
  const open = OPEN_STATES.includes(row.state);
  return {
    id: row.case_id,
    state: row.state,
    urgency: row.urgency,
    card: row.card_colour ?? 'none',
    overdue: open && row.deadline_at !== null && row.deadline_at < now,
    categoryCode: row.category_code,
    categoryName: row.category_name,
    channel: row.channel,
    townCode: row.town_code,
    townName: row.town_name,
    villageCode: row.village_code,
    gridCode: row.grid_code,
    lon: row.lon === null ? null : Number(row.lon),
    lat: row.lat === null ? null : Number(row.lat),
    title: maskFreeText(row.title),
    ownerUnitName: row.owner_name,
    createdAt: row.created_at.toISOString(),
  };
}

function toCaseEvent(row: CaseEventRow, now: Date): WallCaseEvent {
  return {
    id: row.id,
    kind: row.kind,
    at: row.occurred_at.toISOString(),
    toState: row.to_state,
    unitName: row.unit_name,
    colour: row.colour === 'yellow' || row.colour === 'red' ? row.colour : null,
    case: toWallCase(row, now),
    scope: { ownerUnitId: row.owner_unit_id, townCode: row.town_code, villageCode: row.village_code },
  };
}

export interface LogRange {
  /** Entries with an id above this… */
  after: number;
  /** …and at most this (none: no upper bound)… */
  atMost?: number | undefined;
  /** …leaving out these (sent already). */
  except?: readonly number[];
  limit: number;
}

function rangeCondition(alias: string, range: LogRange): SqlFragment {
  const id = sql.identifier(`${alias}.id`);
  const parts = [sql`${id} > ${range.after}::int8`];
  if (range.atMost !== undefined) parts.push(sql`${id} <= ${range.atMost}::int8`);
  if (range.except && range.except.length > 0) parts.push(sql`not (${id} = any(${range.except.map(String)}::text[]::int8[]))`);
  return sql.join(parts, ' and ');
}

function caseEventQuery(where: SqlFragment, order: 'asc' | 'desc', limit: number): SqlFragment {
  return sql`
    select e.id, e.kind, e.occurred_at, e.to_state, event_unit.name as unit_name, e.data->>'colour' as colour,
      ${WALL_CASE_COLUMNS}
    from case_event e
    join cases c on c.id = e.case_id
    ${WALL_CASE_JOINS}
    left join unit event_unit on event_unit.id = e.to_unit_id
    where ${where}
    order by e.id ${sql.unsafeRaw(order)}
    limit ${limit}::int`;
}

/** Case events in id order. */
export async function readCaseEvents(db: Queryable, range: LogRange, now: Date): Promise<WallCaseEvent[]> {
  const rows = await db.query<CaseEventRow>(caseEventQuery(rangeCondition('e', range), 'asc', range.limit));
  return rows.map((row) => toCaseEvent(row, now));
}

/** The latest case events, newest first (the feed when a wall opens; later ones come live). */
export async function readRecentCaseEvents(db: Queryable, limit: number, now: Date): Promise<WallCaseEvent[]> {
  const rows = await db.query<CaseEventRow>(caseEventQuery(sql`e.kind <> 'reminded'`, 'desc', limit));
  return rows.map((row) => toCaseEvent(row, now));
}

interface PositionRow {
  id: number;
  user_id: number;
  name: string;
  grid_code: string | null;
  lon: number;
  lat: number;
  accuracy_m: number | null;
  recorded_at: Date;
}

function toPosition(row: PositionRow): WallPosition {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    gridCode: row.grid_code,
    lon: Number(row.lon),
    lat: Number(row.lat),
    accuracy: row.accuracy_m === null ? null : Math.round(Number(row.accuracy_m)),
    at: row.recorded_at.toISOString(),
  };
}

/** Accepted positions in id order. */
export async function readPositions(db: Queryable, range: LogRange): Promise<WallPosition[]> {
  const rows = await db.query<PositionRow>(sql`
    select p.id, p.user_id, u.display_name as name, p.grid_code, ST_X(p.location) as lon, ST_Y(p.location) as lat,
      p.accuracy_m, p.recorded_at
    from worker_position p join app_user u on u.id = p.user_id
    where ${rangeCondition('p', range)} and p.accepted
    order by p.id
    limit ${range.limit}::int`);
  return rows.map(toPosition);
}

/** The newest accepted position of each worker among the range (catching up: where each worker is now, not every step). */
export async function readLatestPositions(db: Queryable, range: LogRange): Promise<WallPosition[]> {
  const rows = await db.query<PositionRow>(sql`
    select * from (
      select distinct on (p.user_id) p.id, p.user_id, u.display_name as name, p.grid_code, ST_X(p.location) as lon,
        ST_Y(p.location) as lat, p.accuracy_m, p.recorded_at
      from worker_position p join app_user u on u.id = p.user_id
      where ${rangeCondition('p', range)} and p.accepted
      order by p.user_id, p.recorded_at desc, p.id desc
    ) as latest
    order by id
    limit ${range.limit}::int`);
  return rows.map(toPosition);
}

/** Roles that see every case and every worker of the district on the wall and the stream. */
export const DISTRICT_WIDE_ROLES: readonly Role[] = ['administrator', 'dispatcher', 'leader', 'wall_viewer'];
/** Roles that see the cases and workers of their own town or village. */
export const REGIONAL_ROLES: readonly Role[] = ['town_officer', 'village_cadre', 'grid_worker'];

/** Whether the actor may follow this case event: the stream's version of cases/scope.ts's caseScope. */
export function seesCaseEvent(actor: Actor, event: WallCaseEvent): boolean {
  if (DISTRICT_WIDE_ROLES.includes(actor.role)) return true;
  if (actor.unitId !== null && actor.unitId === event.scope.ownerUnitId) return true;
  if (!REGIONAL_ROLES.includes(actor.role)) return false;
  if (actor.regionLevel === 'district') return true;
  if (actor.regionLevel === 'town') return event.scope.townCode === actor.regionCode;
  return event.scope.villageCode === actor.regionCode;
}

/** Whether the actor may see this worker's position. */
export function seesPosition(actor: Actor, position: WallPosition): boolean {
  if (DISTRICT_WIDE_ROLES.includes(actor.role)) return true;
  if (!REGIONAL_ROLES.includes(actor.role) || position.gridCode === null) return false;
  if (actor.regionLevel === 'district') return true;
  const prefix = actor.regionLevel === 'town' ? actor.regionCode.slice(0, 9) : actor.regionCode;
  return position.gridCode.startsWith(prefix);
}

/** What leaves the server: the event without its scope. */
export function publicCaseEvent(event: WallCaseEvent): Omit<WallCaseEvent, 'scope'> {
  const { scope: _scope, ...rest } = event;
  return rest;
}
