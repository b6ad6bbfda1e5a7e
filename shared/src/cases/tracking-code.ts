/**
 * Tracking codes residents use to follow their case: the date and six random
 * characters from an alphabet without look-alikes (no 0/O, 1/I/L), with a
 * check character so a mistyped code is caught before it is looked up.
 * Example: 261125-7K4P9M-Q.
 */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

function checkCharacter(body: string): string {
  let sum = 0;
  for (const [index, character] of Array.from(body.replace(/-/g, '')).entries()) {
    const value = ALPHABET.indexOf(character);
    sum += (value >= 0 ? value : Number(character) || 0) * (index + 1);
  }
  return ALPHABET[sum % ALPHABET.length]!;
}

/** `randomValues` fills a byte array (crypto.getRandomValues in browsers and Node). */
export function newTrackingCode(now: Date, randomValues: (bytes: Uint8Array) => Uint8Array): string {
  const date = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(2, 10).replace(/-/g, '');
  const bytes = randomValues(new Uint8Array(6));
  const random = Array.from(bytes, (byte) => ALPHABET[byte % ALPHABET.length]).join('');
  const body = `${date}-${random}`;
  return `${body}-${checkCharacter(body)}`;
}

export const TRACKING_CODE_PATTERN = /^[0-9]{6}-[2-9A-HJKMNP-Z]{6}-[2-9A-HJKMNP-Z]$/;

/** Normalises what a resident typed (case, spaces) and checks it. */
export function parseTrackingCode(input: string): string | null {
  const code = input.trim().toUpperCase().replace(/\s+/g, '');
  if (!TRACKING_CODE_PATTERN.test(code)) return null;
  const body = code.slice(0, -2);
  return checkCharacter(body) === code.at(-1) ? code : null;
}
