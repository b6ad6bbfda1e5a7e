/**
 * Repeated requests (重复件): a new case from the same phone, or of the same
 * category close by and recently, with similar text, is offered as a likely
 * duplicate. The clerk decides; linking counts the resident on the original.
 */
import { sql, type Queryable } from '@minqing/db';
import { textSimilarity, type CaseState } from '@minqing/shared';
import type { CasePolicy } from './case-policy.ts';

export interface DuplicateCandidate {
  id: number;
  trackingCode: string;
  title: string;
  state: CaseState;
  createdAt: Date;
  metres: number | null;
  samePhone: boolean;
  similarity: number;
  raisedCount: number;
}

interface CandidateRow {
  id: number;
  tracking_code: string;
  title: string;
  description: string;
  state: CaseState;
  created_at: Date;
  metres: number | null;
  same_phone: boolean;
  same_category: boolean;
  raised_count: number;
  base_description: string;
}

export async function findLikelyDuplicates(
  db: Queryable,
  caseId: number,
  policy: CasePolicy,
  limit = 5,
): Promise<DuplicateCandidate[]> {
  const { radiusMetres, windowDays, minimumSimilarity } = policy.duplicates;
  // Two index lookups, each its newest 200: the same phone (cases_reporter_phone_idx), and the same category
  // in the window (cases_category_created_idx) close by. Together they hold the newest 200 of either kind.
  const rows = await db.query<CandidateRow>(
    sql`
    with base as (
      select id, location, reporter_phone, category_code, created_at, description,
             created_at - make_interval(days => ${windowDays}::int) as window_start,
             created_at + interval '1 minute' as window_end
      from cases where id = ${caseId}
    ),
    candidate as (
      (select other.id, other.created_at from base
       join cases other on other.reporter_phone = base.reporter_phone
         and other.created_at between base.window_start and base.window_end
       where other.id <> base.id and other.duplicate_of_id is null
       order by other.created_at desc
       limit 200)
      union
      (select other.id, other.created_at from base
       join cases other on other.category_code = base.category_code
         and other.created_at between base.window_start and base.window_end
         and other.location && ST_Expand(base.location, ${radiusMetres}::float8 / (111320 * cos(radians(ST_Y(base.location)))))
         and ST_DWithin(base.location::geography, other.location::geography, ${radiusMetres}::float8)
       where other.id <> base.id and other.duplicate_of_id is null
       order by other.created_at desc
       limit 200)
    )
    select other.id, other.tracking_code, other.title, other.description, other.state, other.created_at, other.raised_count,
           case when base.location is null or other.location is null then null
                else ST_Distance(base.location::geography, other.location::geography) end as metres,
           coalesce(base.reporter_phone = other.reporter_phone, false) as same_phone,
           base.category_code = other.category_code as same_category,
           base.description as base_description
    from candidate
    join cases other on other.id = candidate.id
    cross join base
    order by candidate.created_at desc
    limit 200`,
    { prepare: true },
  );
  return rows
    .map((row) => ({ row, similarity: textSimilarity(row.base_description, row.description) }))
    .filter(
      ({ row, similarity }) =>
        (row.same_phone && (row.same_category || similarity >= minimumSimilarity / 2)) || similarity >= minimumSimilarity,
    )
    .sort((left, right) => Number(right.row.same_phone) - Number(left.row.same_phone) || right.similarity - left.similarity)
    .slice(0, limit)
    .map(({ row, similarity }) => ({
      id: row.id,
      trackingCode: row.tracking_code,
      title: row.title,
      state: row.state,
      createdAt: row.created_at,
      metres: row.metres === null ? null : Math.round(row.metres),
      samePhone: row.same_phone,
      similarity: Math.round(similarity * 100) / 100,
      raisedCount: row.raised_count,
    }));
}
