/**
 * The case policies (table `policy`) and the working calendar, read where they
 * are used so an administrator's edit takes effect at once. A malformed value
 * falls back to the default for that field only.
 */
import { sql, type Queryable } from '@minqing/db';
import {
  DEFAULT_CARD_POLICY,
  DEFAULT_DEADLINE_POLICY,
  officialCalendar,
  type CardPolicy,
  type DeadlinePolicy,
  type WorkingCalendar,
} from '@minqing/shared';

export interface DuplicatePolicy {
  radiusMetres: number;
  windowDays: number;
  minimumSimilarity: number;
}

export interface CasePolicy {
  deadlines: DeadlinePolicy;
  cards: CardPolicy;
  duplicates: DuplicatePolicy;
  boundaryToleranceMetres: number;
  transfersBeforeCopy: number;
}

export const DEFAULT_CASE_POLICY: CasePolicy = {
  deadlines: DEFAULT_DEADLINE_POLICY,
  cards: DEFAULT_CARD_POLICY,
  duplicates: { radiusMetres: 300, windowDays: 30, minimumSimilarity: 0.35 },
  boundaryToleranceMetres: 15,
  transfersBeforeCopy: 3,
};

/** Takes the numeric fields of `value` that are positive numbers, the defaults for the rest. */
function numbers<T extends object>(value: unknown, fallback: T): T {
  const result = { ...fallback } as Record<string, number>;
  if (typeof value === 'object' && value !== null) {
    for (const [key, current] of Object.entries(value as Record<string, unknown>)) {
      if (key in result && typeof current === 'number' && Number.isFinite(current) && current >= 0) result[key] = current;
    }
  }
  return result as T;
}

export async function loadCasePolicy(db: Queryable): Promise<CasePolicy> {
  const rows = await db.query<{ key: string; value: unknown }>(sql`select key, value from policy where key like 'case.%'`);
  const value = (key: string) => rows.find((row) => row.key === key)?.value;
  return {
    deadlines: numbers(value('case.deadlines'), DEFAULT_CASE_POLICY.deadlines),
    cards: numbers(value('case.cards'), DEFAULT_CASE_POLICY.cards),
    duplicates: numbers(value('case.duplicates'), DEFAULT_CASE_POLICY.duplicates),
    boundaryToleranceMetres: numbers(value('case.boundary_tolerance'), { metres: DEFAULT_CASE_POLICY.boundaryToleranceMetres })
      .metres,
    transfersBeforeCopy: numbers(value('case.copy_to_leader'), { transfersBeforeCopy: DEFAULT_CASE_POLICY.transfersBeforeCopy })
      .transfersBeforeCopy,
  };
}

/** The official calendar with the deployment's overrides (table calendar_override). */
export async function loadCalendar(db: Queryable): Promise<WorkingCalendar> {
  const rows = await db.query<{ day: string; is_workday: boolean }>(
    sql`select to_char(day, 'YYYY-MM-DD') as day, is_workday from calendar_override`,
  );
  return officialCalendar(new Map(rows.map((row) => [row.day, row.is_workday])));
}
