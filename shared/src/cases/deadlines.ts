/**
 * Deadlines by policy (渝北): a unit signs for (签收) a dispatched case within a
 * working day, answers cases in its own remit within 1–3 working days and cases
 * that need several units within 7; urgent cases count in hours. The numbers
 * live in the policy table (key case.deadlines); these are the defaults.
 */
import type { Urgency } from './case-terms.ts';
import { addWorkingDays, type WorkingCalendar } from './working-calendar.ts';

export interface DeadlinePolicy {
  signForWorkingDays: number;
  ownRemitWorkingDays: number;
  multiUnitWorkingDays: number;
  urgentSignForHours: number;
  urgentAnswerHours: number;
  /** Hours before a deadline when the owner is reminded. */
  reminderHours: number;
}

export const DEFAULT_DEADLINE_POLICY: DeadlinePolicy = {
  signForWorkingDays: 1,
  ownRemitWorkingDays: 3,
  multiUnitWorkingDays: 7,
  urgentSignForHours: 2,
  urgentAnswerHours: 24,
  reminderHours: 4,
};

export interface DeadlineInput {
  /** When the current owner received the case. */
  receivedAt: Date;
  urgency: Urgency;
  /** Several units handle it together. */
  multiUnit: boolean;
  /** The category's own answer time within the own-remit range (1–3), if it sets one. */
  categoryAnswerDays?: number | null;
}

export interface Deadlines {
  signBy: Date;
  answerBy: Date;
}

export function deadlinesFor(input: DeadlineInput, policy: DeadlinePolicy, calendar: WorkingCalendar): Deadlines {
  const hours = (count: number) => new Date(input.receivedAt.getTime() + count * 3_600_000);
  if (input.urgency === 'urgent') return { signBy: hours(policy.urgentSignForHours), answerBy: hours(policy.urgentAnswerHours) };
  const answerDays = input.multiUnit ? policy.multiUnitWorkingDays : (input.categoryAnswerDays ?? policy.ownRemitWorkingDays);
  return {
    signBy: addWorkingDays(input.receivedAt, policy.signForWorkingDays, calendar),
    answerBy: addWorkingDays(input.receivedAt, answerDays, calendar),
  };
}
