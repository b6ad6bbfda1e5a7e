/**
 * Messages from residents (SMS, WeChat, e-mail) become cases. Nobody reads
 * them first, so the message must say itself what it is about and where:
 *
 * - the category is guessed from the taxonomy's keywords (category.keywords),
 *   most keywords found wins; none found → 9902 其他诉求 (other requests);
 * - the place comes from the message's own location (WeChat sends GCJ-02), an
 *   address it carries, or a place named in its text, looked up in our
 *   gazetteer: a building address, then a village or community, then a named
 *   place of the basemap;
 * - a message that names no place we can find is still registered, held in
 *   triage at the command center without a location for an operator to locate.
 *
 * A delivery carrying a message id is idempotent: the id is stored with the
 * case in its transaction, and the same id again answers with that case.
 */
import { sql, type Queryable } from '@minqing/db';
import type { CoordinateSystem } from '@minqing/shared';
import { DomainError } from '../errors.ts';
import { lookUpAddress, type GazetteerMatch } from './placement.ts';
import { registerCase, type IntakeContext } from './intake.service.ts';

export const MESSAGE_CHANNELS = ['sms', 'wechat', 'email'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

/** Where a message goes when no keyword of any category is in it. */
export const FALLBACK_CATEGORY_CODE = '9902';

export interface InboundMessage {
  channel: MessageChannel;
  /** The channel's id of the message (SMS gateway id, WeChat MsgId, e-mail Message-ID). */
  messageId?: string | undefined;
  /** Who sent it as the channel names them: a phone number, a WeChat openId, an e-mail address. */
  sender: string;
  reporterName?: string | undefined;
  reporterPhone?: string | undefined;
  title?: string | undefined;
  text: string;
  location?: { lon: number; lat: number; coordinateSystem: CoordinateSystem } | undefined;
  address?: string | undefined;
  /** When the channel received it (the gateway's clock). */
  sentAt?: Date | undefined;
}

export interface MessageIntakeResult {
  caseId: number;
  trackingCode: string;
  state: string;
  categoryCode: string;
  /** The category came from keywords in the text (false: the fallback 9902). */
  categoryGuessed: boolean;
  /** The case has a place on the map; false: held in triage for an operator to locate. */
  located: boolean;
  /** How the place was found. */
  placeSource: 'message_location' | 'message_address' | 'text' | null;
  /** This message id was delivered before: the answer is the case it made then. */
  repeated: boolean;
}

/** Full-width digits (１２号) as ASCII, so addresses typed on a phone match the gazetteer. */
export function normaliseDigits(text: string): string {
  return text.replace(/[０-９]/g, (digit) => String.fromCharCode(digit.charCodeAt(0) - 0xfee0));
}

/** The leaf category whose keywords occur most in the text (ties: longer keywords), or the fallback. */
export async function guessCategory(db: Queryable, text: string): Promise<{ code: string; guessed: boolean }> {
  const [row] = await db.query<{ code: string; hits: number }>(sql`
    with scored as (
      select c.code, c.sort_order,
             (select count(*) from unnest(c.keywords) k where k <> '' and strpos(${text}, k) > 0) as hits,
             (select coalesce(sum(char_length(k)), 0) from unnest(c.keywords) k where k <> '' and strpos(${text}, k) > 0) as weight
      from category c join category g on g.code = c.parent_code
      where c.active and g.active
    )
    select code, hits from scored
    order by hits desc, weight desc, (code = ${FALLBACK_CATEGORY_CODE}) desc, sort_order, code
    limit 1`);
  if (!row) throw new NoCategoryError();
  return { code: row.code, guessed: Number(row.hits) > 0 };
}

class NoCategoryError extends DomainError {
  override name = 'NoCategoryError';
  readonly status = 503;
  constructor() {
    super(
      'no_category',
      'the taxonomy has no active subcategory: an administrator must activate one before messages can be taken',
    );
  }
}

/**
 * A place named in free text: a building address (with or without its town's
 * name), else a village or community (preferring one whose town is named
 * too), else a named place of the basemap smaller than a town (a hamlet).
 * Null when nothing is named: a town alone is too coarse to route by.
 */
export async function findPlaceInText(db: Queryable, input: string): Promise<GazetteerMatch | null> {
  const text = normaliseDigits(input);
  if (/[0-9]+\s*号/.test(text)) {
    // Addresses are "<town><village>3组12号" or "<town><road>219号"; residents often leave the town out.
    const [building] = await db.query<GazetteerMatch>(sql`
      select ST_X(b.location) as lon, ST_Y(b.location) as lat, b.address as label, 'building' as source
      from building b join region v on v.code = b.village_code join region t on t.code = v.parent_code
      where strpos(${text}, substr(b.address, char_length(t.name) + 1)) > 0
      order by (strpos(${text}, b.address) > 0) desc, (strpos(${text}, t.name) > 0) desc, char_length(b.address) desc, b.id
      limit 1`);
    if (building) return { ...building, lon: Number(building.lon), lat: Number(building.lat) };
  }
  const [village] = await db.query<GazetteerMatch>(sql`
    select ST_X(ST_PointOnSurface(v.boundary)) as lon, ST_Y(ST_PointOnSurface(v.boundary)) as lat,
           t.name || v.name as label, 'region' as source
    from region v join region t on t.code = v.parent_code
    where v.level = 'village' and strpos(${text}, v.name) > 0
    order by (strpos(${text}, t.name) > 0) desc, char_length(v.name) desc, v.code
    limit 1`);
  if (village) return { ...village, lon: Number(village.lon), lat: Number(village.lat) };
  const [place] = await db.query<GazetteerMatch>(sql`
    select ST_X(ST_PointOnSurface(geom)) as lon, ST_Y(ST_PointOnSurface(geom)) as lat, name as label, 'place' as source
    from basemap_feature
    where layer = 'settlement' and kind not in ('city', 'town') and char_length(name) >= 3 and strpos(${text}, name) > 0
    order by char_length(name) desc, id
    limit 1`);
  return place ? { ...place, lon: Number(place.lon), lat: Number(place.lat) } : null;
}

/** A town or street named in the text: not a place to route by, but a hint for the operator who locates the case. */
async function townNamedIn(db: Queryable, text: string): Promise<string | null> {
  const [town] = await db.query<{ name: string }>(
    sql`select name from region where level = 'town' and strpos(${text}, name) > 0 order by char_length(name) desc limit 1`,
  );
  return town?.name ?? null;
}

async function earlierDelivery(db: Queryable, channel: MessageChannel, messageId: string): Promise<MessageIntakeResult | null> {
  const [row] = await db.query<{
    id: number;
    tracking_code: string;
    state: string;
    category_code: string;
    located: boolean;
  }>(sql`
    select c.id, c.tracking_code, c.state, c.category_code, c.location is not null as located
    from case_intake_reference r join cases c on c.id = r.case_id
    where r.channel = ${channel} and r.reference = ${messageId}`);
  if (!row) return null;
  return {
    caseId: row.id,
    trackingCode: row.tracking_code,
    state: row.state,
    categoryCode: row.category_code,
    categoryGuessed: false,
    located: row.located,
    placeSource: null,
    repeated: true,
  };
}

function isDuplicateReference(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint_name: constraintName, constraint } = error as Record<string, unknown>;
  return code === '23505' && String(constraintName ?? constraint ?? '').startsWith('case_intake_reference');
}

export async function registerMessage(context: IntakeContext, message: InboundMessage): Promise<MessageIntakeResult> {
  const { db } = context;
  if (message.messageId) {
    const earlier = await earlierDelivery(db, message.channel, message.messageId);
    if (earlier) return earlier;
  }
  const category = await guessCategory(db, `${message.title ?? ''}\n${message.text}`);

  let location = message.location;
  let address = message.address;
  let placeSource: MessageIntakeResult['placeSource'] = location ? 'message_location' : null;
  if (!location && address) {
    const match = await lookUpAddress(db, address);
    if (match) {
      location = { lon: match.lon, lat: match.lat, coordinateSystem: 'WGS84' };
      placeSource = 'message_address';
    }
  }
  if (!location) {
    const match = await findPlaceInText(db, `${message.title ?? ''}\n${message.text}`);
    if (match) {
      location = { lon: match.lon, lat: match.lat, coordinateSystem: 'WGS84' };
      address ??= match.label;
      placeSource = 'text';
    } else {
      // Marked unconfirmed, so that the intake does not read the bare town name as the place.
      const town = await townNamedIn(db, message.text);
      if (town) address ??= `${town}（位置待核实 / place to be confirmed）`;
    }
  }

  const input = {
    channel: message.channel,
    categoryCode: category.code,
    urgency: 'normal' as const,
    title: message.title,
    description: message.text,
    location,
    address,
    reporterName: message.reporterName,
    reporterPhone: message.reporterPhone,
    photos: [],
    dispatch: true,
  };
  const options = {
    holdWithoutLocation: true,
    reference: message.messageId
      ? { reference: message.messageId, sender: message.sender, sentAt: message.sentAt ?? null }
      : undefined,
  };
  try {
    let result;
    try {
      result = await registerCase(context, input, null, options);
    } catch (error) {
      // A place outside the district is not a reason to lose a resident's message: triage it without one.
      if (!(error instanceof DomainError) || error.code !== 'outside_district') throw error;
      placeSource = null;
      result = await registerCase(context, { ...input, location: undefined, address: address ?? undefined }, null, {
        ...options,
        holdWithoutLocation: true,
      });
    }
    return {
      caseId: result.id,
      trackingCode: result.trackingCode,
      state: result.state,
      categoryCode: category.code,
      categoryGuessed: category.guessed,
      located: result.placement !== null,
      placeSource: result.placement === null ? null : placeSource,
      repeated: false,
    };
  } catch (error) {
    // The same message delivered twice at once: the other delivery made the case.
    if (message.messageId && isDuplicateReference(error)) {
      const earlier = await earlierDelivery(db, message.channel, message.messageId);
      if (earlier) return earlier;
    }
    throw error;
  }
}
