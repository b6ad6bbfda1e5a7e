/**
 * Bounding boxes given as query text `west,south,east,north` in WGS-84 degrees.
 * Parsing returns `{ valid, reason }` instead of throwing, so the edge decides
 * how to answer (a 400 naming the reason).
 */
export type BoundingBox = [west: number, south: number, east: number, north: number];

/** The widest box (in degrees, either side) a GeoJSON request may ask for: a province, not the world. */
export const MAX_BOUNDING_BOX_SPAN_DEGREES = 5;

export type BoundingBoxParse = { valid: true; bbox: BoundingBox } | { valid: false; reason: string };

const NUMBER_PATTERN = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function parseBoundingBox(text: string, maxSpanDegrees = MAX_BOUNDING_BOX_SPAN_DEGREES): BoundingBoxParse {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length !== 4) {
    return {
      valid: false,
      reason: `bbox must be four numbers west,south,east,north; got ${parts.length} value${parts.length === 1 ? '' : 's'}`,
    };
  }
  const names = ['west', 'south', 'east', 'north'] as const;
  const numbers: number[] = [];
  for (const [index, part] of parts.entries()) {
    if (!NUMBER_PATTERN.test(part))
      return { valid: false, reason: `bbox ${names[index]} is not a number: ${JSON.stringify(part)}` };
    numbers.push(Number(part));
  }
  const [west, south, east, north] = numbers as BoundingBox;
  for (const [name, value] of [
    ['west', west],
    ['east', east],
  ] as const) {
    if (value < -180 || value > 180)
      return { valid: false, reason: `bbox ${name} must be a longitude from -180 to 180, got ${value}` };
  }
  for (const [name, value] of [
    ['south', south],
    ['north', north],
  ] as const) {
    if (value < -90 || value > 90)
      return { valid: false, reason: `bbox ${name} must be a latitude from -90 to 90, got ${value}` };
  }
  if (west >= east) return { valid: false, reason: `bbox west (${west}) must be less than east (${east})` };
  if (south >= north) return { valid: false, reason: `bbox south (${south}) must be less than north (${north})` };
  if (east - west > maxSpanDegrees || north - south > maxSpanDegrees) {
    return {
      valid: false,
      reason: `bbox is too big: at most ${maxSpanDegrees}° each way (got ${round(east - west)}° × ${round(north - south)}°); use the vector tiles for larger areas`,
    };
  }
  return { valid: true, bbox: [west, south, east, north] };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
