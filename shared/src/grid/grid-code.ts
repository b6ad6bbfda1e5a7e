/** Grid codes: the village's 12-digit code followed by a 3-digit sequence (15 digits). */
export const GRID_CODE_PATTERN = /^[0-9]{15}$/;

export function isGridCode(value: string): boolean {
  return GRID_CODE_PATTERN.test(value);
}

export function gridCode(villageCode: string, sequence: number): string {
  if (!/^[0-9]{12}$/.test(villageCode)) throw new RangeError(`not a 12-digit village code: ${villageCode}`);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999)
    throw new RangeError(`grid sequence must be 1–999, got ${sequence}`);
  return `${villageCode}${String(sequence).padStart(3, '0')}`;
}

export function villageCodeOfGrid(code: string): string {
  if (!isGridCode(code)) throw new RangeError(`not a 15-digit grid code: ${code}`);
  return code.slice(0, 12);
}
