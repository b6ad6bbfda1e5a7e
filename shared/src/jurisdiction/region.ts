/**
 * The jurisdiction tree: district (区县) → town/street (镇乡街道) → village/community (村/社区).
 * Codes are the national 12-digit statistical division codes (统计用区划代码).
 */
export const REGION_LEVELS = ['district', 'town', 'village'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];

/** 街道 street, 镇 town, 乡 township; 社区 community, 村 village. */
export const REGION_KINDS = ['district', 'street', 'town', 'township', 'community', 'village'] as const;
export type RegionKind = (typeof REGION_KINDS)[number];

export const REGION_CODE_PATTERN = /^[0-9]{12}$/;

export function isRegionCode(value: string): boolean {
  return REGION_CODE_PATTERN.test(value);
}

/**
 * The level a 12-digit code stands for: digits 10–12 name the village, 7–9 the
 * town; a code with both zero is a district (or higher).
 */
export function levelOfRegionCode(code: string): RegionLevel {
  if (!isRegionCode(code)) throw new RangeError(`not a 12-digit region code: ${code}`);
  if (code.slice(9) !== '000') return 'village';
  if (code.slice(6, 9) !== '000') return 'town';
  return 'district';
}

/** The code of the region one level up, or null for a district. */
export function parentRegionCode(code: string): string | null {
  const level = levelOfRegionCode(code);
  if (level === 'village') return `${code.slice(0, 9)}000`;
  if (level === 'town') return `${code.slice(0, 6)}000000`;
  return null;
}

/** Pads a 6-digit county code or a 9-digit town code to the 12-digit form. */
export function toRegionCode(shortCode: string): string {
  if (!/^[0-9]{6}([0-9]{3}){0,2}$/.test(shortCode)) throw new RangeError(`not a 6-, 9- or 12-digit division code: ${shortCode}`);
  return shortCode.padEnd(12, '0');
}

/** The kind of a town or village from its official name (…街道, …镇, …乡, …社区, …村). */
export function regionKindFromName(level: RegionLevel, name: string): RegionKind {
  if (level === 'district') return 'district';
  if (level === 'town') {
    if (name.endsWith('街道') || name.endsWith('街道办事处')) return 'street';
    if (name.endsWith('乡') || name.endsWith('民族乡')) return 'township';
    return 'town';
  }
  return /社区|居委会|居民委员会/.test(name) ? 'community' : 'village';
}
