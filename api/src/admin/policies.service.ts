/**
 * Editing policies (table `policy`): numbers that are decisions of the
 * deployment. Every reader loads them where they are used, so an edit takes
 * effect with the next case, action or sweep — no restart. A household band
 * edit also tells the tile caches (NOTIFY map_changed), since grid tiles carry
 * each grid's position against the band.
 */
import { sql, type Queryable, type Database } from '@minqing/db';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { checkPolicyValue, isPolicyKey, POLICY_KEYS } from './policy-rules.ts';

export interface PolicyView {
  key: string;
  value: unknown;
  description: string;
  editable: boolean;
  updatedAt: Date;
}

interface PolicyRow {
  key: string;
  value: unknown;
  description: string;
  updated_at: Date;
}

const toView = (row: PolicyRow): PolicyView => ({
  key: row.key,
  value: row.value,
  description: row.description,
  editable: isPolicyKey(row.key),
  updatedAt: row.updated_at,
});

export async function listPolicies(db: Queryable): Promise<PolicyView[]> {
  const rows = await db.query<PolicyRow>(sql`select key, value, description, updated_at from policy order by key`);
  return rows.map(toView);
}

export async function updatePolicy(db: Database, key: string, value: unknown, now: Date): Promise<PolicyView> {
  if (!isPolicyKey(key)) {
    throw new NotFoundError(`no editable policy ${key}: the editable ones are ${POLICY_KEYS.join(', ')}`, 'unknown_policy');
  }
  const check = checkPolicyValue(key, value);
  if (!check.valid) throw new InvalidInputError(check.reason, 'invalid_policy');
  return db.transaction(async (tx) => {
    const [row] = await tx.query<PolicyRow>(sql`
      insert into policy (key, value, description, updated_at)
      values (${key}, ${JSON.stringify(check.value)}::text::jsonb, ${key}, ${now})
      on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at
      returning key, value, description, updated_at`);
    if (key === 'grid.household_band') await tx.query(sql`select pg_notify('map_changed', 'policy')`);
    return toView(row!);
  });
}
