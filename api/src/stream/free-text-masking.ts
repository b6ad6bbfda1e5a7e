/**
 * Free text a resident wrote (a case title, a handler's note) can hold
 * personal data: a phone number, an ID card number. Wherever such text reaches
 * a screen that must show none (the map wall), those are masked the way
 * shared/masking does for the reporter's own phone: 13812345678 → 138****5678.
 */

/** Chinese resident ID numbers: 17 digits and a digit or X. */
const ID_CARD = /(?<![0-9])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9])/g;
/** Mobile numbers, also written +86 138 1234 5678 or 138-1234-5678. */
const MOBILE = /(?<![0-9])((?:\+?86[\s-]?)?1[3-9][0-9])[\s-]?[0-9]{4}[\s-]?([0-9]{4})(?![0-9])/g;
/** Landlines with an area code: 023-58123456, (023)58123456. */
const LANDLINE = /(?<![0-9])(\(?0[0-9]{2,3}\)?[\s-]?)[0-9]{3,4}([0-9]{4})(?![0-9])/g;
/** Any other run of 7 or more digits (a number written without a recognisable shape). */
const LONG_NUMBER = /(?<![0-9*])([0-9]{3})[0-9]{3,}([0-9]{2})(?![0-9])/g;

export function maskFreeText(text: string): string;
export function maskFreeText(text: string | null): string | null;
export function maskFreeText(text: string | null): string | null {
  if (text === null) return null;
  return text
    .replace(ID_CARD, (_, head: string, tail: string) => `${head}${'*'.repeat(8)}${tail}`)
    .replace(MOBILE, (_, head: string, tail: string) => `${head}****${tail}`)
    .replace(LANDLINE, (_, head: string, tail: string) => `${head}****${tail}`)
    .replace(LONG_NUMBER, (match: string, head: string, tail: string) => `${head}${'*'.repeat(match.length - 5)}${tail}`);
}
