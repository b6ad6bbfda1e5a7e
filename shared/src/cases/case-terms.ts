/** The words of a case's life, shared by the API (which enforces) and the web (which offers). */

/** Where a request came in (一窗受理: every channel lands in one queue). */
export const CHANNELS = [
  'hotline',
  'liaison_point',
  'web',
  'sms',
  'wechat',
  'email',
  'mayor_mailbox',
  'market_day',
  'patrol',
  'open311',
] as const;
export type Channel = (typeof CHANNELS)[number];

export const URGENCIES = ['normal', 'urgent'] as const;
export type Urgency = (typeof URGENCIES)[number];

/**
 * registered → dispatched → accepted → in_progress → resolved → callback → closed.
 * `callback`: resolved, and a callback was tried without reaching the resident.
 */
export const CASE_STATES = ['registered', 'dispatched', 'accepted', 'in_progress', 'resolved', 'callback', 'closed'] as const;
export type CaseState = (typeof CASE_STATES)[number];

/** States in which a unit still owes work: the clock runs and cards can come. */
export const OPEN_STATES: readonly CaseState[] = ['registered', 'dispatched', 'accepted', 'in_progress'];

export const CASE_ACTIONS = [
  'dispatch',
  'accept',
  'transfer',
  'start',
  'resolve',
  'escalate',
  'urge',
  'take_over',
  'callback',
  'close',
  'link_duplicate',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/** 满意 / 基本满意 / 不满意 */
export const SATISFACTIONS = ['satisfied', 'basically_satisfied', 'unsatisfied'] as const;
export type Satisfaction = (typeof SATISFACTIONS)[number];

export const CARD_COLOURS = ['yellow', 'red'] as const;
export type CardColour = (typeof CARD_COLOURS)[number];

/** Kinds of entries in a case's trace (痕迹). Actions plus what the system does by itself. */
export const CASE_EVENT_KINDS = [
  'registered',
  ...CASE_ACTIONS,
  'copied_to_leader',
  'duplicate_linked',
  'card_issued',
  'reminded',
  'reopened',
] as const;
export type CaseEventKind = (typeof CASE_EVENT_KINDS)[number];
