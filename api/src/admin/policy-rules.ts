/**
 * What each editable policy (table `policy`) may hold. An administrator's
 * value is checked here in full before it is stored — every field present,
 * in range, consistent with the others — so the readers (loadCasePolicy,
 * householdBand) never meet a value they must quietly replace by a default.
 */
import { z } from 'zod';

const number = (minimum: number, maximum: number) =>
  z
    .number({ message: 'is required: a number' })
    .min(minimum, `must be at least ${minimum}`)
    .max(maximum, `must be at most ${maximum}`);
const wholeNumber = (minimum: number, maximum: number) => number(minimum, maximum).int('must be a whole number');

function atMost(context: z.RefinementCtx, value: Record<string, number>, smaller: string, larger: string, strict = false): void {
  const a = value[smaller]!;
  const b = value[larger]!;
  if (strict ? a >= b : a > b) {
    context.addIssue({
      code: 'custom',
      path: [larger],
      message: `must be ${strict ? 'more than' : 'at least'} ${smaller} (${a}), got ${b}`,
    });
  }
}

export const POLICY_SCHEMAS = {
  'case.deadlines': z
    .object({
      signForWorkingDays: wholeNumber(0, 10),
      ownRemitWorkingDays: wholeNumber(1, 30),
      multiUnitWorkingDays: wholeNumber(1, 60),
      urgentSignForHours: number(0.25, 72),
      urgentAnswerHours: number(1, 720),
      reminderHours: number(0, 168),
    })
    .strict()
    .superRefine((value, context) => {
      atMost(context, value, 'signForWorkingDays', 'ownRemitWorkingDays');
      atMost(context, value, 'ownRemitWorkingDays', 'multiUnitWorkingDays');
      atMost(context, value, 'urgentSignForHours', 'urgentAnswerHours');
    }),
  'case.cards': z
    .object({ yellowAfterDays: wholeNumber(1, 365), redAfterDays: wholeNumber(1, 730) })
    .strict()
    .superRefine((value, context) => atMost(context, value, 'yellowAfterDays', 'redAfterDays', true)),
  'case.duplicates': z
    .object({ radiusMetres: number(1, 5000), windowDays: wholeNumber(1, 365), minimumSimilarity: number(0, 1) })
    .strict(),
  'case.boundary_tolerance': z.object({ metres: number(0, 500) }).strict(),
  'case.copy_to_leader': z.object({ transfersBeforeCopy: wholeNumber(1, 20) }).strict(),
  'grid.household_band': z
    .object({ min: wholeNumber(1, 100_000), max: wholeNumber(1, 100_000) })
    .strict()
    .superRefine((value, context) => atMost(context, value, 'min', 'max')),
} as const;

export type PolicyKey = keyof typeof POLICY_SCHEMAS;
export const POLICY_KEYS = Object.keys(POLICY_SCHEMAS) as PolicyKey[];

export function isPolicyKey(key: string): key is PolicyKey {
  return Object.hasOwn(POLICY_SCHEMAS, key);
}

export type PolicyCheck = { valid: true; value: Record<string, number> } | { valid: false; reason: string };

/** Checks a value for a policy key; the reason names every field that is wrong. */
export function checkPolicyValue(key: PolicyKey, value: unknown): PolicyCheck {
  const result = POLICY_SCHEMAS[key].safeParse(value);
  if (result.success) return { valid: true, value: result.data as Record<string, number> };
  const reason = result.error.issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys')
        return `${key}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
      const field = issue.path.map(String).join('.');
      if (issue.code === 'invalid_type' && issue.path.length === 0) return `${key}: must be an object of numbers`;
      return `${key}${field ? ` ${field}` : ''}: ${issue.message}`;
    })
    .join('; ');
  return { valid: false, reason };
}
