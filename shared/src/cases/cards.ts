/**
 * Yellow and red cards (万州): a case unresolved more than 7 days earns a
 * yellow card, more than 15 days a red one, charged to the unit that owned it
 * when the threshold passed. Cards are never withdrawn. Thresholds are policy
 * (key case.cards); the card sweep job applies the same rule in SQL.
 */
import type { CardColour } from './case-terms.ts';

export interface CardPolicy {
  yellowAfterDays: number;
  redAfterDays: number;
}

export const DEFAULT_CARD_POLICY: CardPolicy = { yellowAfterDays: 7, redAfterDays: 15 };

const DAY_MS = 86_400_000;

export function cardThreshold(createdAt: Date, colour: CardColour, policy: CardPolicy = DEFAULT_CARD_POLICY): Date {
  const days = colour === 'yellow' ? policy.yellowAfterDays : policy.redAfterDays;
  return new Date(createdAt.getTime() + days * DAY_MS);
}

/** The cards an unresolved case has earned by `now`. */
export function cardsDue(createdAt: Date, now: Date, policy: CardPolicy = DEFAULT_CARD_POLICY): CardColour[] {
  const due: CardColour[] = [];
  if (now > cardThreshold(createdAt, 'yellow', policy)) due.push('yellow');
  if (now > cardThreshold(createdAt, 'red', policy)) due.push('red');
  return due;
}
