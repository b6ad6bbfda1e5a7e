/**
 * What a position report must be to be stored, and what makes a stored one
 * unfit to draw. Pure: no I/O, the same for the API and its tests.
 *
 * - Refused (never stored, the request answers 400): coordinates that are no
 *   place on Earth, the null island (0, 0) phones send before a fix, a time in
 *   the future (beyond a little clock skew) or older than a day.
 * - Stored but not drawn (`accepted` false, flags say why): a speed from the
 *   worker's previous position no person on patrol reaches, a point outside
 *   every grid of the district, an accuracy circle wider than a grid.
 * - Stored, drawn, flagged for the record: a report older than the worker's
 *   last one (a phone sending what it buffered offline) and a point outside
 *   the worker's own grids.
 */

export const POSITION_LIMITS = {
  /** Device clocks run ahead a little; more than this is a time in the future. */
  futureSkewSeconds: 120,
  /** Reports buffered offline are taken up to a day late. */
  maxAgeHours: 24,
  /** 150 km/h: a car on an expressway at most; faster is a bad fix, not a patrol. */
  maxSpeedMetresPerSecond: 150 / 3.6,
  /** An accuracy circle wider than this could put the worker in another grid. */
  lowAccuracyMetres: 200,
} as const;

export const POSITION_FLAGS = [
  'impossible_speed',
  'outside_district',
  'low_accuracy',
  'out_of_order',
  'outside_assigned_grid',
] as const;
export type PositionFlag = (typeof POSITION_FLAGS)[number];

/** Flags that keep a position off the map (it is stored for the record only). */
export const REJECTING_FLAGS: readonly PositionFlag[] = ['impossible_speed', 'outside_district', 'low_accuracy'];

export const REFUSAL_REASONS = {
  notOnEarth: 'lon must be within -180…180 and lat within -90…90',
  nullIsland: 'lon 0, lat 0 is what a device sends before it has a fix, not a position',
  future: `recordedAt is in the future (more than ${POSITION_LIMITS.futureSkewSeconds} s ahead of the server's clock)`,
  tooOld: `recordedAt is more than ${POSITION_LIMITS.maxAgeHours} hours ago`,
} as const;

export interface PositionFix {
  lon: number;
  lat: number;
  /** Metres; null when the device did not say. */
  accuracy: number | null;
  recordedAt: Date;
}

export type Refusal = { valid: true } | { valid: false; reason: string };

export function refusalOf(fix: PositionFix, now: Date): Refusal {
  const { lon, lat, recordedAt } = fix;
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90)
    return { valid: false, reason: REFUSAL_REASONS.notOnEarth };
  if (Math.abs(lon) < 1e-6 && Math.abs(lat) < 1e-6) return { valid: false, reason: REFUSAL_REASONS.nullIsland };
  const ahead = (recordedAt.getTime() - now.getTime()) / 1000;
  if (ahead > POSITION_LIMITS.futureSkewSeconds) return { valid: false, reason: REFUSAL_REASONS.future };
  if (-ahead > POSITION_LIMITS.maxAgeHours * 3600) return { valid: false, reason: REFUSAL_REASONS.tooOld };
  return { valid: true };
}

const EARTH_RADIUS_METRES = 6_371_008.8;

/** Great-circle distance in metres. */
export function distanceMetres(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const radians = Math.PI / 180;
  const dLat = (b.lat - a.lat) * radians;
  const dLon = (b.lon - a.lon) * radians;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * radians) * Math.cos(b.lat * radians) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Speed between two fixes in m/s, giving the benefit of the doubt to their
 * accuracy circles (GPS jitter of a standing worker is no speed). Infinity for
 * a jump at the same instant.
 */
export function speedBetween(from: PositionFix, to: PositionFix): number {
  const slack = (from.accuracy ?? 10) + (to.accuracy ?? 10);
  const moved = Math.max(0, distanceMetres(from, to) - slack);
  const seconds = Math.abs(to.recordedAt.getTime() - from.recordedAt.getTime()) / 1000;
  if (moved === 0) return 0;
  return seconds === 0 ? Number.POSITIVE_INFINITY : moved / seconds;
}

export interface PlacedFix extends PositionFix {
  /** The grid the point lies in; null outside every grid. */
  gridCode: string | null;
  /** Whether that grid is one of the worker's own. */
  inAssignedGrid: boolean;
}

export interface Judgement {
  flags: PositionFlag[];
  accepted: boolean;
  /** m/s from the previous accepted fix; null for the first. */
  speed: number | null;
}

/**
 * Judges fixes in the order they were recorded, each against the last
 * accepted one before it (the worker's last known position to start with).
 * Returns one judgement per fix, in the order given.
 */
export function judgeFixes(previous: PositionFix | null, fixes: readonly PlacedFix[]): Judgement[] {
  const order = fixes.map((_, index) => index).sort((a, b) => fixes[a]!.recordedAt.getTime() - fixes[b]!.recordedAt.getTime());
  const judgements: Judgement[] = new Array(fixes.length);
  let last = previous;
  let newest = previous?.recordedAt.getTime() ?? Number.NEGATIVE_INFINITY;
  for (const index of order) {
    const fix = fixes[index]!;
    const flags: PositionFlag[] = [];
    const speed = last ? speedBetween(last, fix) : null;
    if (fix.gridCode === null) flags.push('outside_district');
    if (fix.accuracy !== null && fix.accuracy > POSITION_LIMITS.lowAccuracyMetres) flags.push('low_accuracy');
    if (speed !== null && speed > POSITION_LIMITS.maxSpeedMetresPerSecond) flags.push('impossible_speed');
    if (fix.recordedAt.getTime() < newest) flags.push('out_of_order');
    if (fix.gridCode !== null && !fix.inAssignedGrid) flags.push('outside_assigned_grid');
    const accepted = !flags.some((flag) => REJECTING_FLAGS.includes(flag));
    if (accepted) {
      last = fix;
      newest = Math.max(newest, fix.recordedAt.getTime());
    }
    judgements[index] = { flags, accepted, speed: speed === null || !Number.isFinite(speed) ? null : speed };
  }
  return judgements;
}

const FLAG_WORDS: Record<PositionFlag, string> = {
  impossible_speed: 'faster than a person on patrol travels from the previous position',
  outside_district: 'outside every grid of the district',
  low_accuracy: `accuracy wider than ${POSITION_LIMITS.lowAccuracyMetres} m`,
  out_of_order: 'older than the last position already reported (kept in the track, the marker stays)',
  outside_assigned_grid: "outside the worker's own grids",
};

/** A sentence for the device: what was done with the fix and why. */
export function describeJudgement(judgement: Judgement): string {
  const reasons = judgement.flags.map((flag) => FLAG_WORDS[flag]);
  const speed =
    judgement.speed !== null && judgement.flags.includes('impossible_speed')
      ? ` (${Math.round(judgement.speed * 3.6)} km/h)`
      : '';
  if (!judgement.accepted) return `stored but not drawn: ${reasons.join('; ')}${speed}`;
  return reasons.length > 0 ? `accepted; note: ${reasons.join('; ')}` : 'accepted';
}
